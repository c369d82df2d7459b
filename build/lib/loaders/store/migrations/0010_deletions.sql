-- Documents removed with `brandpulse db delete`, and what each removal took with it.
-- ingest_runs keep what each run read (rows_read = inserted + duplicate + rejected still
-- holds); deleted_documents says how many of a run's inserted documents (and quarantined
-- rows) were removed since, so a run's inserted - deleted = its documents still stored.
CREATE SEQUENCE deletion_ids START 1;

CREATE TABLE deletions (
    deletion_id     INTEGER PRIMARY KEY DEFAULT nextval('deletion_ids'),
    deleted_at      TIMESTAMPTZ NOT NULL,
    criteria        VARCHAR NOT NULL,      -- what was asked, e.g. "run 3; from 9000-01-01"
    documents       BIGINT NOT NULL,
    derived         JSON NOT NULL          -- rows removed from each table derived from them
);

CREATE TABLE deleted_documents (
    deletion_id     INTEGER NOT NULL,
    run_id          INTEGER NOT NULL,      -- the ingest run that had inserted them
    documents       BIGINT NOT NULL,
    rejected_rows   BIGINT NOT NULL        -- quarantined rows removed (deleting a whole run)
);
