-- Which documents belong to which campaign, and by which rule. Derived from documents and
-- campaigns by loaders.facts (like doc_facts), so imports and ingests keep it current.
-- A document can belong to several campaigns, and to one campaign by several rules.
CREATE TABLE campaign_documents (
    campaign        VARCHAR NOT NULL,
    doc_id          VARCHAR NOT NULL,
    rule            VARCHAR NOT NULL       -- hashtag, utm, field or keyword
);

CREATE TABLE attribution_state (
    fingerprint     VARCHAR NOT NULL,
    refreshed_at    TIMESTAMPTZ NOT NULL
);
