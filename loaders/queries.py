"""Named SQL for the store. Values are always ``?`` parameters."""

from __future__ import annotations

from loaders.dates import READABLE_CREATED_SQL
from loaders.normalize import STAGED_COLUMNS

_COLUMNS = ", ".join(STAGED_COLUMNS)

NEXT_RUN_ID = "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"

# Within the file the first occurrence wins; across files the stored row wins.
INSERT_NEW_DOCUMENTS = f"""
INSERT INTO documents ({_COLUMNS}, ingest_run_id)
SELECT {_COLUMNS}, ? FROM temp.staged s
WHERE s.reason IS NULL
  AND s.__row IN (SELECT min(__row) FROM temp.staged WHERE reason IS NULL GROUP BY doc_id)
  AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = s.doc_id)
"""  # noqa: S608 - constant column list

INSERT_STAGED_REJECTS = """
INSERT INTO rejected_rows (run_id, row_number, reason, raw)
SELECT ?, __row, reason, raw FROM temp.staged WHERE reason IS NOT NULL
"""

INSERT_PARSE_REJECTS = """
INSERT INTO rejected_rows (run_id, row_number, reason, raw)
SELECT ?, row_number, reason, CAST(raw AS JSON) FROM parse_rejects_arrow
"""

STAGED_COUNTS = """
SELECT count(*) AS staged, count(*) FILTER (WHERE reason IS NOT NULL) AS rejected FROM temp.staged
"""

INSERT_RUN = """
INSERT INTO ingest_runs (run_id, file, sha256, format, encoding, kind, preset, started_at, finished_at,
    rows_read, rows_inserted, rows_duplicate, rows_rejected, mapping, warnings, lines_read)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?)
"""

# An auto-detected id column that repeats with different texts is not a post id.
AMBIGUOUS_EXTERNAL_IDS = """
SELECT count(*) FROM (
    SELECT external_id FROM temp.staged
    WHERE reason IS NULL AND external_id IS NOT NULL
    GROUP BY external_id HAVING count(DISTINCT text_hash) > 1
)
"""

# Share of filled rating cells that are not a 1-5 number.
BAD_RATING_SHARE = """
SELECT coalesce(count(*) FILTER (WHERE rating IS NULL OR rating NOT BETWEEN 1 AND 5) / nullif(count(*), 0), 0)
FROM temp.staged WHERE rating_raw IS NOT NULL
"""

COUNTS_BY = {
    "kind": "SELECT kind, count(*) AS documents FROM documents GROUP BY ALL ORDER BY documents DESC",
    "source": "SELECT source, count(*) AS documents FROM documents GROUP BY ALL ORDER BY documents DESC",
    "brand": "SELECT coalesce(brand, '(none)') AS brand, count(*) AS documents FROM documents GROUP BY ALL ORDER BY documents DESC",
}

# First and last dates a reader can show (loaders.dates), how many documents are dated
# outside that window, and how many after now (placeholder dates such as 9999-12-31).
DATE_RANGE = f"""
SELECT count(*),
       min(created_at) FILTER (WHERE {READABLE_CREATED_SQL}),
       max(created_at) FILTER (WHERE {READABLE_CREATED_SQL}),
       count(*) FILTER (WHERE NOT ({READABLE_CREATED_SQL})),
       count(*) FILTER (WHERE created_at > now())
FROM documents
"""  # noqa: S608 - a constant window

RECENT_RUNS = """
SELECT run_id, regexp_extract(file, '[^/\\\\]+$') AS file, kind, preset, rows_read, rows_inserted,
       rows_duplicate, rows_rejected, lines_read, finished_at
FROM ingest_runs ORDER BY run_id DESC LIMIT ?
"""

REJECTED_FOR_RUN = (
    "SELECT row_number, reason, raw FROM rejected_rows WHERE run_id = ? ORDER BY row_number LIMIT ?"
)

WEEKLY_VOLUME = """
SELECT date_trunc('week', created_at) AS week, kind, count(*) AS documents
FROM documents GROUP BY ALL ORDER BY week, kind
"""

UPSERT_CAMPAIGNS = """
INSERT OR REPLACE INTO campaigns (name, brand, start_date, end_date, channels, hashtags, utm_campaign, keywords, budget)
SELECT name, brand, start_date, end_date, channels, hashtags, utm_campaign, keywords, budget FROM campaigns_arrow
"""

INSERT_CAMPAIGN_IMPORT = "INSERT INTO campaign_imports VALUES (?, ?, now(), ?)"

# Which of these file digests an ingest or a campaign import has loaded (the inbox's memory).
KNOWN_DIGESTS = """
SELECT sha256 FROM ingest_runs WHERE list_contains($digests, sha256)
UNION
SELECT sha256 FROM campaign_imports WHERE list_contains($digests, sha256)
"""
