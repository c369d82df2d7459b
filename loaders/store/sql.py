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

# --- a re-map keeps the user's work on the posts that come back (loaders.store.carry_over) -------
# Copied before the run is undone, into temp tables of the writing connection.
RUN_FILE_NAME = "SELECT regexp_extract(file, '[^/\\\\]+$') FROM ingest_runs WHERE run_id = ?"
KEEP_RUN_DOCS = (
    "CREATE OR REPLACE TEMP TABLE kept_docs AS "
    "SELECT doc_id, text_hash FROM documents WHERE ingest_run_id = ?"
)
# Human labels, less the ones this run's own file imported (the re-ingest imports them again,
# from the column the new mapping names, or not at all when it names none). Parameter: the
# note prefix of those imports.
KEEP_LABELS = """
CREATE OR REPLACE TEMP TABLE kept_labels AS
SELECT l.* FROM labels l
WHERE l.doc_id IN (SELECT doc_id FROM kept_docs)
  AND NOT (coalesce(l.origin, '') = 'import' AND starts_with(coalesce(l.note, ''), ?))
"""
KEEP_BY_DOC = {
    table: f"CREATE OR REPLACE TEMP TABLE kept_{table} AS "  # noqa: S608 - constant table names
    f"SELECT * FROM {table} WHERE doc_id IN (SELECT doc_id FROM kept_docs)"
    for table in ("doc_tags", "model_training_docs", "sentiment", "doc_topics")
}
KEEP_TOPICS = """
CREATE OR REPLACE TEMP TABLE kept_topics AS
SELECT run_id, topic, representative_docs FROM topics
WHERE list_has_any(representative_docs, (SELECT coalesce(list(doc_id), []) FROM kept_docs))
"""
# Put back after the new documents are in: what is about the post wherever its doc_id came
# back; what was computed from its text (scores, topics) only where the text is the same.
CAME_BACK = "SELECT doc_id FROM documents"
SAME_TEXT = (
    "SELECT d.doc_id FROM documents d JOIN kept_docs k "
    "ON k.doc_id = d.doc_id AND k.text_hash = d.text_hash"
)
RESTORE = {
    "labels": f"INSERT INTO labels SELECT * FROM kept_labels WHERE doc_id IN ({CAME_BACK})",  # noqa: S608 - constant
    "doc_tags": f"INSERT INTO doc_tags SELECT * FROM kept_doc_tags WHERE doc_id IN ({CAME_BACK})",  # noqa: S608
    "model_training_docs": "INSERT INTO model_training_docs SELECT * FROM kept_model_training_docs "  # noqa: S608
    f"WHERE doc_id IN ({CAME_BACK})",
    "sentiment": f"INSERT INTO sentiment SELECT * FROM kept_sentiment WHERE doc_id IN ({SAME_TEXT})",  # noqa: S608
    "doc_topics": f"INSERT INTO doc_topics SELECT * FROM kept_doc_topics WHERE doc_id IN ({SAME_TEXT})",  # noqa: S608
}
# Topic sizes count the assignments put back; representative documents are the ones saved,
# less those whose assignment did not come back. Parameter: those doc_ids.
RESTORE_TOPIC_SIZES = """
UPDATE topics SET size = (SELECT count(*) FROM doc_topics d
                          WHERE d.run_id = topics.run_id AND d.topic = topics.topic)
"""
RESTORE_REPRESENTATIVES = """
UPDATE topics SET representative_docs = list_filter(k.representative_docs, lambda x: NOT list_contains(?, x))
FROM kept_topics k WHERE k.run_id = topics.run_id AND k.topic = topics.topic
"""
LOST_TOPIC_DOCS = "SELECT doc_id FROM kept_docs WHERE doc_id NOT IN (SELECT doc_id FROM doc_topics)"
NOT_BACK = "SELECT count(*) FROM kept_docs WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
KEPT_TABLES = ("kept_docs", "kept_labels", "kept_topics", *(f"kept_{t}" for t in KEEP_BY_DOC))
