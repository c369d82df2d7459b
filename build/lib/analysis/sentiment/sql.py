"""Named SQL of sentiment: models, scores, labels and corrections. Values are always ``?`` parameters."""

from __future__ import annotations

from loaders.dates import READABLE_SQL

# --- model registry --------------------------------------------------------------------------
INSERT_MODEL = """
INSERT INTO models (version, kind, source, base, label_map, metrics, created_at, active)
VALUES (?, ?, ?, ?, ?, ?, now(), false)
ON CONFLICT (version) DO UPDATE SET
    source = excluded.source, kind = excluded.kind, base = excluded.base,
    label_map = excluded.label_map, metrics = excluded.metrics
"""


DEACTIVATE_MODELS = "UPDATE models SET active = false WHERE active"


ACTIVATE_MODEL = "UPDATE models SET active = true WHERE version = ?"


MODEL_BY_VERSION = """
SELECT version, kind, source, base, label_map, metrics, created_at, active
FROM models WHERE version = ?
"""


ACTIVE_MODEL = """
SELECT version, kind, source, base, label_map, metrics, created_at, active
FROM models WHERE active
"""


LIST_MODELS = """
SELECT m.version, m.kind, m.source, m.base, m.label_map, m.metrics, m.created_at, m.active,
       (SELECT count(*) FROM sentiment s WHERE s.model_version = m.version) AS scored
FROM models m ORDER BY m.created_at
"""


# --- scoring -------------------------------------------------------------------------------
UNSCORED_DOCUMENTS = """
SELECT d.doc_id, d.text, d.language
FROM documents d
WHERE NOT EXISTS (
    SELECT 1 FROM sentiment s WHERE s.doc_id = d.doc_id AND s.model_version = ?
)
ORDER BY d.doc_id
"""


# The scored batch is registered as the relation ``scored_batch``; the anti-join keeps a
# concurrent or repeated run from inserting a second row for a document and version.
INSERT_SENTIMENT = """
INSERT INTO sentiment
SELECT b.doc_id, b.model_version, b.label, b.p_negative, b.p_neutral, b.p_positive, b.score,
       b.language, b.skip_reason, now()
FROM scored_batch b
WHERE NOT EXISTS (
    SELECT 1 FROM sentiment s WHERE s.doc_id = b.doc_id AND s.model_version = b.model_version
)
"""


RATED_REVIEWS = """
SELECT text, rating FROM documents
WHERE kind = 'review' AND rating IS NOT NULL AND length(trim(text)) > 0
ORDER BY md5(doc_id)
"""


# --- corrections and the effective label ----------------------------------------------------------
DOCUMENT_EXISTS = "SELECT count(*) FROM documents WHERE doc_id = ?"


INSERT_LABEL = "INSERT INTO labels VALUES (?, ?, now(), ?)"


CORRECTIONS = """
SELECT l.doc_id, arg_max(l.label, l.labeled_at) AS label, max(l.labeled_at) AS labeled_at,
       arg_max(l.note, l.labeled_at) AS note, any_value(d.text) AS text
FROM labels l JOIN documents d USING (doc_id)
GROUP BY l.doc_id ORDER BY labeled_at DESC
"""


# Every aggregate reads the ``doc_facts`` read model (see loaders.store.facts): documents with
# the effective label (a human correction wins over the active model), the current topic
# and UTC day/week/month, kept in step with the tables it is built from.
# Documents dated where no reader can go (see loaders.dates) are left out here.
EFFECTIVE_SENTIMENT = f"""
WITH effective AS (SELECT * FROM doc_facts e WHERE {READABLE_SQL})
"""  # noqa: S608 - a constant window


LEAST_CERTAIN = """
WITH active_model AS (SELECT version FROM models WHERE active)
SELECT s.doc_id, d.text, s.label, s.p_negative, s.p_neutral, s.p_positive,
       list_sort([s.p_negative, s.p_neutral, s.p_positive], 'DESC') AS ranked
FROM sentiment s
JOIN documents d USING (doc_id)
WHERE s.model_version = (SELECT version FROM active_model)
  AND s.label IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = s.doc_id)
ORDER BY ranked[1] - ranked[2], s.doc_id
LIMIT ?
"""
