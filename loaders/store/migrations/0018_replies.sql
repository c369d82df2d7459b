-- Replies (issue 22): the brand's knowledge base, reply drafts a person reviews, and the posts
-- rules put on the replies queue. Nothing here is ever published: approved replies are copied
-- or exported by a person.
CREATE SEQUENCE knowledge_entry_ids START 1;

CREATE TABLE knowledge_entries (
    id          INTEGER PRIMARY KEY DEFAULT nextval('knowledge_entry_ids'),
    brand       VARCHAR,                -- NULL: an entry for every brand
    issue       VARCHAR NOT NULL,       -- the problem or question the entry answers
    answer      VARCHAR NOT NULL,       -- the policy or answer a reply may state
    links       VARCHAR[] NOT NULL DEFAULT [],
    valid_from  DATE,
    valid_until DATE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until)
);

CREATE SEQUENCE reply_draft_ids START 1;

CREATE TABLE reply_drafts (
    id               INTEGER PRIMARY KEY DEFAULT nextval('reply_draft_ids'),
    doc_id           VARCHAR NOT NULL,      -- the post replied to
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    period_start     DATE,                  -- the queue's period when drafted
    period_end       DATE,
    rank             INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 3),
    text             VARCHAR NOT NULL,
    edited_text      VARCHAR,
    status           VARCHAR NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'rejected')),
    reviewed_at      TIMESTAMPTZ,
    source           VARCHAR NOT NULL,      -- model or template
    generator        VARCHAR,
    problems         VARCHAR[] NOT NULL DEFAULT [],
    score            DOUBLE,
    needs_edit       BOOLEAN NOT NULL DEFAULT false,
    entry_id         INTEGER,               -- the knowledge entry used, NULL when none matched
    entry_similarity DOUBLE,
    queued_by        VARCHAR NOT NULL       -- 'period' or 'rule:<rule id>'
);

-- Posts a rule's "reply" action put on the queue, beside the period's negative posts.
CREATE TABLE reply_queue (
    doc_id    VARCHAR PRIMARY KEY,
    added_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    added_by  VARCHAR NOT NULL              -- 'rule:<rule id>'
);
