"""Named SQL of the suggestions under review (table ``suggestions``, migration 0007)."""

from __future__ import annotations

# Brands, products and campaigns in the database: names a suggestion must not invent.
KNOWN_NAMES = """
SELECT DISTINCT brand AS name FROM documents WHERE brand IS NOT NULL
UNION SELECT DISTINCT product FROM documents WHERE product IS NOT NULL
UNION SELECT name FROM campaigns
UNION SELECT DISTINCT brand FROM campaigns WHERE brand IS NOT NULL
ORDER BY name
"""

INSERT = """
INSERT INTO suggestions (
    created_at, updated_at, period_start, period_end, brand, card_key, card_kind, card_title,
    facts, examples, play, action, format, text, source, generator, problems, options, score,
    needs_edit
) VALUES (now(), now(), ?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?)
RETURNING id
"""

# Generating a card again replaces its drafts; reviewed suggestions stay.
DELETE_DRAFTS_OF_CARD = """
DELETE FROM suggestions
WHERE card_key = ? AND status = 'draft' AND period_start = ? AND period_end = ?
  AND brand IS NOT DISTINCT FROM ?
"""

_COLUMNS = """
SELECT id, created_at, updated_at, period_start, period_end, brand, card_key, card_kind,
       card_title, facts, examples, play, action, format, text, edited_text, status,
       reviewed_at, source, generator, problems, options, score, needs_edit
FROM suggestions
"""

ONE = _COLUMNS + "WHERE id = ?"

LIST = (
    _COLUMNS
    + """
WHERE (?::VARCHAR IS NULL OR status = ?)
  AND (?::DATE IS NULL OR period_end >= ?)
  AND (?::DATE IS NULL OR period_start <= ?)
ORDER BY period_end DESC, card_title,
         list_position(['social_post', 'email_subject', 'ad_headline', 'review_reply'], format), id
"""
)

REVIEW = """
UPDATE suggestions
SET status = ?, edited_text = ?, problems = ?, updated_at = now(),
    needs_edit = CASE WHEN ? IS NOT NULL THEN false ELSE needs_edit END,  -- a person edited it
    reviewed_at = CASE WHEN ? <> 'draft' THEN now() ELSE reviewed_at END
WHERE id = ?
"""

REPLACE_TEXT = """
UPDATE suggestions
SET text = ?, edited_text = NULL, source = ?, generator = ?, problems = ?, options = ?::JSON,
    score = ?, needs_edit = ?, status = 'draft', reviewed_at = NULL, updated_at = now()
WHERE id = ?
"""

# --- brand-voice adapter training (analysis/suggestions/adapter.py) --------------------------
# Approved copy, the marketer's edit winning, with the card it was approved for.
APPROVED_SUGGESTIONS = """
SELECT id, format, card_kind, card_title, facts, coalesce(edited_text, text) AS final_text
FROM suggestions
WHERE status = 'approved' AND trim(coalesce(edited_text, text)) <> ''
ORDER BY id
"""

# Whether a table exists: the replies queue and knowledge base (migration 0018) may be absent.
APPROVED_REPLIES = """
SELECT id, coalesce(edited_text, text) AS final_text
FROM reply_drafts
WHERE status = 'approved' AND trim(coalesce(edited_text, text)) <> ''
ORDER BY id
"""

KNOWLEDGE_ENTRIES = """
SELECT id, issue, answer FROM knowledge_entries
WHERE trim(coalesce(answer, '')) <> '' AND trim(coalesce(issue, '')) <> ''
ORDER BY id
"""
