-- Ingest runs undone (`brandpulse data undo`, `data remap`, the Data page): their documents
-- and quarantined rows were removed by the deletion named here. The run keeps its row in
-- ingest_runs (what it read then), so the history shows it undone instead of losing it.
CREATE TABLE undone_runs (
    run_id          INTEGER PRIMARY KEY,   -- the ingest run undone
    deletion_id     INTEGER NOT NULL,      -- the deletion that removed its documents
    undone_at       TIMESTAMPTZ NOT NULL,
    replaced_by     INTEGER                -- the run that re-ingested its file with a new mapping
);
