"""Named SQL of ingestion: new documents, quarantined rows, ingest runs, known digests. Values are always ``?`` parameters."""

from __future__ import annotations

from loaders.ingest.normalize import STAGED_COLUMNS

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


# Which of these file digests an ingest or a campaign import has loaded (the inbox's memory).
KNOWN_DIGESTS = """
SELECT sha256 FROM ingest_runs WHERE list_contains($digests, sha256)
UNION
SELECT sha256 FROM campaign_imports WHERE list_contains($digests, sha256)
"""


# --- human labels that come with the export -------------------------------------------------------
STAGED_LABEL_VALUES = """
SELECT label_raw, count(*) FROM temp.staged
WHERE reason IS NULL AND label_raw IS NOT NULL
GROUP BY label_raw ORDER BY count(*) DESC, label_raw
LIMIT ?
"""


def insert_imported_labels(n_values: int) -> str:
    """Label each kept row by its column value (parameters: the note, then ``n_values``
    (raw, label) pairs); the first row of a document wins, and a document keeps its first imported label."""
    pairs = ", ".join("(?, ?)" for _ in range(n_values))
    return f"""
INSERT INTO labels (doc_id, label, labeled_at, note, origin)
SELECT s.doc_id, arg_min(v.label, s.__row),
       -- A label someone gave in Brandpulse stays the newest, so it keeps winning.
       coalesce(any_value(o.first_labeled) - INTERVAL 1 SECOND, now()), ?, 'import'
FROM temp.staged s JOIN (VALUES {pairs}) v(raw, label) ON v.raw = s.label_raw
LEFT JOIN (SELECT doc_id, min(labeled_at) AS first_labeled FROM labels GROUP BY doc_id) o
    ON o.doc_id = s.doc_id
WHERE s.reason IS NULL
  AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = s.doc_id AND l.origin = 'import')
GROUP BY s.doc_id
"""  # noqa: S608 - only placeholders are generated
