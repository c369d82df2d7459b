-- Documents, ingest runs and quarantined rows.
CREATE TABLE ingest_runs (
    run_id          INTEGER PRIMARY KEY,
    file            VARCHAR NOT NULL,      -- absolute path of the ingested file
    sha256          VARCHAR NOT NULL,
    format          VARCHAR NOT NULL,      -- csv, tsv, json, jsonl, parquet, xlsx
    encoding        VARCHAR,
    kind            VARCHAR NOT NULL,
    preset          VARCHAR,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ NOT NULL,
    rows_read       BIGINT NOT NULL,
    rows_inserted   BIGINT NOT NULL,
    rows_duplicate  BIGINT NOT NULL,
    rows_rejected   BIGINT NOT NULL,
    mapping         JSON NOT NULL,         -- field -> source column, plus constants used
    warnings        JSON,
    CHECK (rows_read = rows_inserted + rows_duplicate + rows_rejected)
);

CREATE TABLE documents (
    -- md5 of source + external id (or normalised text + time). Unique: the only writer inserts
    -- with an anti-join on it. No PRIMARY KEY: DuckDB's index on it doubled ingest time and memory.
    doc_id          VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL CHECK (kind IN ('review', 'social')),
    source          VARCHAR NOT NULL,      -- platform or export preset, e.g. twitter, trustpilot
    external_id     VARCHAR,               -- the id the source platform gave the post or review
    channel         VARCHAR,
    brand           VARCHAR,
    product         VARCHAR,
    campaign        VARCHAR,
    author          VARCHAR,
    created_at      TIMESTAMPTZ NOT NULL,
    title           VARCHAR,
    text            VARCHAR NOT NULL,
    rating          DOUBLE CHECK (rating BETWEEN 1 AND 5),
    language        VARCHAR,
    likes           BIGINT,
    shares          BIGINT,
    replies         BIGINT,
    url             VARCHAR,
    text_hash       VARCHAR NOT NULL,      -- md5 of the normalised text: reposts share it
    ingest_run_id   INTEGER NOT NULL,
    extra           JSON                   -- every unmapped column of the source row
);

CREATE TABLE rejected_rows (
    run_id          INTEGER NOT NULL,
    row_number      BIGINT NOT NULL,       -- 1-based record number in the file
    reason          VARCHAR NOT NULL,
    raw             JSON NOT NULL          -- the row as read, or the raw line for parse errors
);
