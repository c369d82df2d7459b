"""Named SQL of the replies queue (tables ``reply_drafts`` and ``reply_queue``, migration 0018)."""

from __future__ import annotations

from analysis.filters import FILTER_SQL
from analysis.sentiment.sql import EFFECTIVE_SENTIMENT

# The queue: the filtered period's negative posts, and posts a rule put on the queue (whatever
# their label), newest first. Reviewed posts stay listed with their reviewed drafts.
_QUEUE = """
SELECT e.doc_id, d.created_at, e.day, e.brand, e.source, d.author, d.text, d.url,
       d.external_id, e.label, q.added_by
FROM effective e
JOIN documents d ON d.doc_id = e.doc_id
LEFT JOIN reply_queue q ON q.doc_id = e.doc_id
WHERE (e.label = 'negative' OR q.doc_id IS NOT NULL) AND {filters}
ORDER BY (q.doc_id IS NOT NULL) DESC, d.created_at DESC, e.doc_id
LIMIT ?
"""
QUEUE_POSTS = EFFECTIVE_SENTIMENT + _QUEUE.format(filters=FILTER_SQL)

QUEUE_ADD = """
INSERT INTO reply_queue (doc_id, added_by) SELECT ?, ?
WHERE EXISTS (SELECT 1 FROM documents WHERE doc_id = ?)
ON CONFLICT (doc_id) DO NOTHING
"""

INSERT_DRAFT = """
INSERT INTO reply_drafts (
    doc_id, period_start, period_end, rank, text, source, generator, problems, score,
    needs_edit, entry_id, entry_similarity, queued_by
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id
"""
# Drafting a post again replaces its drafts; approved and rejected ones stay.
DELETE_DRAFTS_OF_POST = "DELETE FROM reply_drafts WHERE doc_id = ? AND status = 'draft'"

_COLUMNS = """
SELECT r.id, r.doc_id, r.created_at, r.updated_at, r.period_start, r.period_end, r.rank,
       r.text, r.edited_text, r.status, r.reviewed_at, r.source, r.generator, r.problems,
       r.score, r.needs_edit, r.entry_id, r.entry_similarity, r.queued_by,
       d.brand, d.text AS post_text, d.url, d.external_id, d.source AS post_source
FROM reply_drafts r
LEFT JOIN documents d ON d.doc_id = r.doc_id
"""
SELECT_DRAFT = _COLUMNS + " WHERE r.id = ?"
SELECT_DRAFTS = (
    _COLUMNS
    + """ WHERE (?::VARCHAR IS NULL OR r.status = ?)
    AND (?::VARCHAR IS NULL OR r.doc_id = ?)
ORDER BY r.doc_id, r.status = 'draft', r.rank, r.id"""
)

REVIEW = """
UPDATE reply_drafts SET status = ?, edited_text = ?, problems = ?, reviewed_at = now(),
    updated_at = now()
WHERE id = ?
"""
