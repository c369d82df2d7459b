"""Read models derived from the source tables: ``doc_facts`` and ``campaign_documents``.

``doc_facts``: one narrow row per document with everything charts filter
and aggregate on, so a page's figures are single-table scans instead of four-way joins.

Built from documents, the active model's sentiment, the newest human correction and the
current topic model. Every read-write :func:`loaders.store.session` and every ingest calls
:func:`refresh_if_stale` before it commits, which compares a cheap fingerprint of those
tables with the one stored at the last build; so no writer has to remember to refresh it.
The fingerprint counts the append-only tables and checksums the ones edited in place
(topic assignments and merges), about 20 ms at a million documents.
"""

from __future__ import annotations

import duckdb

from loaders.store.primitives import transaction

FINGERPRINT = """
SELECT concat_ws('|',
    (SELECT count(*) FROM documents),
    (SELECT count(*) FROM sentiment),
    (SELECT coalesce(max(version), '') FROM models WHERE active),
    (SELECT count(*) FROM labels),
    (SELECT coalesce(max(run_id), 0) FROM topic_runs),
    (SELECT sum(hash(doc_id, run_id, topic)) FROM doc_topics),  -- merges move documents
    (SELECT sum(hash(run_id, topic, merged_into)) FROM topics))
"""
STORED_FINGERPRINT = "SELECT max(fingerprint) FROM facts_state"
# Sorted by time, so date filters skip most row groups.
REBUILD = """
INSERT INTO doc_facts
WITH latest_label AS (
    SELECT doc_id, arg_max(label, labeled_at) AS label FROM labels GROUP BY doc_id
),
scored AS (
    SELECT s.* FROM sentiment s JOIN models m ON m.version = s.model_version AND m.active
),
assigned AS (
    SELECT d.doc_id, d.topic, t.theme
    FROM doc_topics d
    LEFT JOIN topics t ON t.run_id = d.run_id AND t.topic = d.topic
    WHERE d.run_id = (SELECT max(run_id) FROM topic_runs)
)
SELECT d.doc_id, d.created_at,
       timezone('UTC', d.created_at)::DATE,
       date_trunc('week', timezone('UTC', d.created_at))::DATE,
       date_trunc('month', timezone('UTC', d.created_at))::DATE,
       d.kind, d.source, d.channel, d.brand, d.product, d.campaign, s.language, d.rating,
       coalesce(l.label, s.label),
       CASE l.label WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0
                    WHEN 'neutral' THEN 0.0 ELSE s.score END,
       l.label IS NOT NULL,
       a.topic,
       a.theme
FROM documents d
LEFT JOIN scored s ON s.doc_id = d.doc_id
LEFT JOIN latest_label l ON l.doc_id = d.doc_id
LEFT JOIN assigned a ON a.doc_id = d.doc_id
ORDER BY d.created_at
"""


# --- campaign attribution ---------------------------------------------------------------------
# Hashtags and UTM tags name a campaign wherever and whenever they appear (talk about a
# campaign after it ended is still about it); keywords are ambiguous, so they count only
# within the campaign's dates and for its brand. The export's own campaign column counts
# when it holds the campaign's name or UTM tag.
ATTRIBUTE = r"""
INSERT INTO campaign_documents
WITH tagged AS (
    SELECT doc_id, list_distinct(regexp_extract_all(lower(text), '#(\w+)', 1)) AS hashtags
    FROM documents WHERE text LIKE '%#%'
)
SELECT c.name, t.doc_id, 'hashtag'
FROM campaigns c JOIN tagged t ON list_has_any(c.hashtags, t.hashtags)
UNION ALL
SELECT c.name, d.doc_id, 'utm'
FROM campaigns c JOIN documents d
    ON c.utm_campaign IS NOT NULL
   AND (regexp_extract(coalesce(d.url, ''), '[?&]utm_campaign=([^&#\s]+)', 1) = c.utm_campaign
        OR regexp_extract(d.text, '[?&]utm_campaign=([^&#\s]+)', 1) = c.utm_campaign)
UNION ALL
SELECT c.name, d.doc_id, 'field'
FROM campaigns c JOIN documents d
    ON lower(d.campaign) IN (lower(c.name), lower(coalesce(c.utm_campaign, c.name)))
UNION ALL
SELECT c.name, d.doc_id, 'keyword'
FROM campaigns c JOIN documents d
    ON len(c.keywords) > 0
   AND timezone('UTC', d.created_at)::DATE BETWEEN c.start_date AND c.end_date
   AND (c.brand IS NULL OR d.brand = c.brand)
   AND list_bool_or(list_transform(c.keywords, lambda k: contains(lower(d.text), lower(k))))
"""
ATTRIBUTION_FINGERPRINT = """
SELECT concat_ws('|',
    (SELECT count(*) FROM documents),
    (SELECT coalesce(sum(hash(name, brand, start_date, end_date, hashtags, utm_campaign,
                              keywords)), 0) FROM campaigns))
"""


def attribution_current(con: duckdb.DuckDBPyConnection) -> bool:
    stored = con.execute("SELECT max(fingerprint) FROM attribution_state").fetchall()[0][0]
    return stored == con.execute(ATTRIBUTION_FINGERPRINT).fetchall()[0][0]


def attribute_campaigns(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``campaign_documents`` from the campaigns' hashtags, UTM tags and keywords."""
    con.execute("DELETE FROM campaign_documents")
    con.execute(ATTRIBUTE)
    con.execute("DELETE FROM attribution_state")
    con.execute("INSERT INTO attribution_state SELECT (" + ATTRIBUTION_FINGERPRINT + "), now()")


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute(FINGERPRINT).fetchall()[0][0]


def is_current(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(STORED_FINGERPRINT).fetchall()[0][0] == fingerprint(con)


APPLY_CORRECTION = """
UPDATE doc_facts
SET label = ?, corrected = true,
    score = CASE ? WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 ELSE 0.0 END
WHERE doc_id = ?
"""


def apply_correction(con: duckdb.DuckDBPyConnection, doc_id: str, label: str) -> None:
    """Update one document's facts for a new human label, and mark the facts current.

    Only valid when the facts were current before the label was inserted, in the same
    transaction; a labeling click then costs one UPDATE instead of a rebuild.
    """
    con.execute(APPLY_CORRECTION, [label, label, doc_id])
    con.execute("UPDATE facts_state SET fingerprint = ?, refreshed_at = now()", [fingerprint(con)])


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``doc_facts`` (about a second per million documents on two cores)."""
    con.execute("DELETE FROM doc_facts")
    con.execute(REBUILD)
    con.execute("DELETE FROM facts_state")
    con.execute("INSERT INTO facts_state VALUES (?, now())", [fingerprint(con)])


def refresh_if_stale(
    con: duckdb.DuckDBPyConnection, *, own_transaction: bool = True, force: bool = False
) -> bool:
    """Rebuild when the source tables changed since the last build; True when it did.

    ``own_transaction=False`` when the caller's open transaction should include the rebuild
    (an ingest: readers then see the new documents and their facts together). ``force``:
    rebuild both whatever the fingerprints say (a re-map changes documents in place).
    """
    stale_facts = force or not is_current(con)
    stale_attribution = force or not attribution_current(con)
    if not stale_facts and not stale_attribution:
        return False

    def rebuild() -> None:
        if stale_facts:
            refresh(con)
        if stale_attribution:
            attribute_campaigns(con)

    if not own_transaction:
        rebuild()
        return True
    with transaction(con):
        rebuild()
    return True
