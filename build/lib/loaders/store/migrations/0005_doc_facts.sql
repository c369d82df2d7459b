-- The read model behind every chart: one row per document with its current sentiment
-- (a human correction wins over the active model), its topic in the current topic model,
-- and its UTC day, week and month. Rebuilt by loaders.facts after writes that change it;
-- facts_state holds the fingerprint of the tables it was built from.
CREATE TABLE doc_facts (
    doc_id          VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    day             DATE NOT NULL,         -- UTC
    week            DATE NOT NULL,         -- Monday of the ISO week
    month           DATE NOT NULL,
    kind            VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    channel         VARCHAR,
    brand           VARCHAR,
    product         VARCHAR,
    campaign        VARCHAR,
    language        VARCHAR,               -- detected by the active model's scoring run
    rating          DOUBLE,
    label           VARCHAR,               -- effective label: correction, else active model
    score           DOUBLE,                -- -1..1; a correction counts as -1, 0 or 1
    corrected       BOOLEAN NOT NULL,
    topic           INTEGER                -- current topic model; -1 outlier, NULL not assigned
);

CREATE TABLE facts_state (
    fingerprint     VARCHAR NOT NULL,
    refreshed_at    TIMESTAMPTZ NOT NULL
);
