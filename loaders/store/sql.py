"""Named SQL for the store. Values are always ``?`` parameters."""

from __future__ import annotations

from loaders.dates import READABLE_CREATED_SQL

COUNTS_BY = {
    "kind": "SELECT kind, count(*) AS documents FROM documents GROUP BY ALL ORDER BY documents DESC",
    "source": "SELECT source, count(*) AS documents FROM documents GROUP BY ALL ORDER BY documents DESC",
    "brand": "SELECT coalesce(brand, '(none)') AS brand, count(*) AS documents FROM documents GROUP BY ALL ORDER BY documents DESC",
}

# First and last dates a reader can show (loaders.dates), how many documents are dated
# outside that window, and how many after now (placeholder dates such as 9999-12-31).
DATE_RANGE = f"""
SELECT count(*) AS documents,
       min(created_at) FILTER (WHERE {READABLE_CREATED_SQL}) AS first,
       max(created_at) FILTER (WHERE {READABLE_CREATED_SQL}) AS last,
       count(*) FILTER (WHERE NOT ({READABLE_CREATED_SQL})) AS outside_window,
       count(*) FILTER (WHERE created_at > now()) AS after_now
FROM documents
"""  # noqa: S608 - a constant window

COUNT_CAMPAIGNS = "SELECT count(*) FROM campaigns"

RECENT_RUNS = """
SELECT run_id, regexp_extract(file, '[^/\\\\]+$') AS file, kind, preset, rows_read, rows_inserted,
       rows_duplicate, rows_rejected, lines_read, finished_at
FROM ingest_runs ORDER BY run_id DESC LIMIT ?
"""

REJECTED_FOR_RUN = (
    "SELECT row_number, reason, raw FROM rejected_rows WHERE run_id = ? ORDER BY row_number LIMIT ?"
)

UPSERT_CAMPAIGNS = """
INSERT OR REPLACE INTO campaigns (name, brand, start_date, end_date, channels, hashtags, utm_campaign, keywords, budget)
SELECT name, brand, start_date, end_date, channels, hashtags, utm_campaign, keywords, budget FROM campaigns_arrow
"""

INSERT_CAMPAIGN_IMPORT = "INSERT INTO campaign_imports VALUES (?, ?, now(), ?)"

ANY_DOCUMENT = "SELECT EXISTS (SELECT 1 FROM documents)"

# --- workspace choices (loaders.workspace) ------------------------------------------------------
SELECT_WORKSPACE_VALUE = "SELECT value FROM workspace WHERE key = ?"
UPSERT_WORKSPACE_VALUE = """
INSERT INTO workspace (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_at = now()
"""
DELETE_WORKSPACE_VALUE = "DELETE FROM workspace WHERE key = ?"
