-- Campaign lists imported from files, by their bytes: an unattended weekly run imports
-- each file once (documents' files are remembered in ingest_runs).
CREATE TABLE campaign_imports (
    file            VARCHAR NOT NULL,      -- absolute path of the imported file
    sha256          VARCHAR NOT NULL,
    imported_at     TIMESTAMPTZ NOT NULL,
    campaigns       INTEGER NOT NULL
);
