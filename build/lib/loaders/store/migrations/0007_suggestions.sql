-- Generated campaign suggestions under human review. Each row is one copy variant for one
-- insight card; the card's facts and example posts are kept with it as the evidence.
CREATE SEQUENCE suggestion_ids START 1;

CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY DEFAULT nextval('suggestion_ids'),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,   -- last generation, edit or review
    period_start    DATE NOT NULL,
    period_end      DATE NOT NULL,
    brand           VARCHAR,                -- the brand the copy speaks for, if given
    card_key        VARCHAR NOT NULL,       -- kind and facts hashed: the same card, regenerated
    card_kind       VARCHAR NOT NULL,
    card_title      VARCHAR NOT NULL,
    facts           JSON NOT NULL,          -- the only material the copy may use
    examples        JSON NOT NULL,          -- example posts shown as evidence
    play            VARCHAR NOT NULL,       -- recommended play, e.g. 'Service recovery'
    action          VARCHAR NOT NULL,       -- what to do, one sentence
    format          VARCHAR NOT NULL,       -- social_post, email_subject, ad_headline, review_reply
    text            VARCHAR NOT NULL,       -- as generated (or the deterministic phrasing)
    edited_text     VARCHAR,                -- the marketer's edit; wins over text when set
    status          VARCHAR NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'approved', 'rejected')),
    reviewed_at     TIMESTAMPTZ,
    source          VARCHAR NOT NULL CHECK (source IN ('model', 'template')),
    generator       VARCHAR NOT NULL,       -- model name, endpoint, or 'template'
    problems        VARCHAR[] NOT NULL DEFAULT [],  -- grounding problems of the current text
    options         JSON NOT NULL           -- tone, keywords, sampling settings used
);
