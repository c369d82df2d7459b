-- Physical lines read beside records: a text file whose lines and records differ by more
-- than its multi-line fields explain had a quoting problem, and a user can see it.
-- NULL for Parquet and Excel files, and for runs before this migration.
ALTER TABLE ingest_runs ADD COLUMN lines_read BIGINT;
