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


INSERT_LABEL = (
    "INSERT INTO labels (doc_id, label, labeled_at, note, origin) VALUES (?, ?, now(), ?, ?)"
)


CORRECTIONS = """
SELECT l.doc_id, arg_max(l.label, l.labeled_at) AS label, max(l.labeled_at) AS labeled_at,
       arg_max(l.note, l.labeled_at) AS note, any_value(d.text) AS text,
       bool_or(l.origin IN ('random', 'import')) AS fair
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


# A stable random order of the uncorrected documents (the order depends only on the doc
# id and the salt, so the queue does not reshuffle on every page load); labels given here
# are a fair sample of the data, which the model's error rates are estimated from.
RANDOM_SAMPLE = """
SELECT s.doc_id, d.text, s.label, s.p_negative, s.p_neutral, s.p_positive,
       list_sort([s.p_negative, s.p_neutral, s.p_positive], 'DESC') AS ranked
FROM sentiment s
JOIN documents d USING (doc_id)
WHERE s.model_version = (SELECT version FROM models WHERE active)
  AND s.label IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = s.doc_id)
ORDER BY md5(s.doc_id || ?), s.doc_id
LIMIT ?
"""


# --- the user's own labels: evaluation, error rates, adaptation ------------------------------------
# Each labelled document once: its newest label, and whether it is part of a fair sample
# (it was drawn by the random queue or imported with an export, whoever labelled it last).
_LATEST_LABELS = """
WITH latest AS (
    SELECT doc_id, arg_max(label, labeled_at) AS truth,
           bool_or(origin IN ('random', 'import')) AS fair
    FROM labels GROUP BY doc_id
)
"""


USER_LABELS = (
    _LATEST_LABELS  # noqa: S608 - constant SQL
    + """
SELECT l.doc_id, d.text, l.truth AS label, l.fair
FROM latest l JOIN documents d USING (doc_id)
ORDER BY l.doc_id
"""
)


# Per model version: gold label x predicted label counts over the labelled documents it
# scored, leaving out the documents whose labels it was trained on.
USER_LABEL_CONFUSION = (
    _LATEST_LABELS  # noqa: S608 - constant SQL
    + """
SELECT s.model_version, l.truth, s.label AS predicted, count(*) AS n
FROM latest l JOIN sentiment s ON s.doc_id = l.doc_id AND s.label IS NOT NULL
WHERE (? IS NULL OR s.model_version = ?)
  AND (NOT ? OR l.fair)
  AND NOT EXISTS (
    SELECT 1 FROM model_training_docs t WHERE t.version = s.model_version AND t.doc_id = l.doc_id
  )
GROUP BY ALL
"""
)


# The active model's confusion counts on the fair sample only (what corrected shares use).
FAIR_CONFUSION = (
    _LATEST_LABELS  # noqa: S608 - constant SQL
    + """
SELECT l.truth, s.label AS predicted, count(*) AS n
FROM latest l
JOIN sentiment s ON s.doc_id = l.doc_id AND s.label IS NOT NULL
JOIN models m ON m.version = s.model_version AND m.active
WHERE l.fair
  AND NOT EXISTS (
    SELECT 1 FROM model_training_docs t WHERE t.version = s.model_version AND t.doc_id = l.doc_id
  )
GROUP BY ALL
"""
)


INSERT_TRAINING_DOC = "INSERT OR IGNORE INTO model_training_docs VALUES (?, ?)"


# Documents of a filtered set by effective label and whether a person labelled them
# (parameters: the filters of analysis.filters).
def scope_label_counts() -> str:
    from analysis.filters import FILTER_SQL

    query = f"""
SELECT e.label, e.corrected, count(*) AS n
FROM effective e
WHERE e.label IS NOT NULL AND {FILTER_SQL}
GROUP BY ALL
"""  # noqa: S608 - a constant fragment
    return EFFECTIVE_SENTIMENT + query


# The active model's mean probabilities over the filtered documents no person labelled
# (parameters: the filters).
def scope_model_means() -> str:
    from analysis.filters import FILTER_SQL

    query = f"""
SELECT count(*) AS n, avg(s.p_negative), avg(s.p_neutral), avg(s.p_positive)
FROM effective e
JOIN sentiment s ON s.doc_id = e.doc_id AND s.model_version = (SELECT version FROM models WHERE active)
WHERE NOT e.corrected AND s.label IS NOT NULL AND {FILTER_SQL}
"""  # noqa: S608 - a constant fragment
    return EFFECTIVE_SENTIMENT + query


# The fair human labels inside the filtered documents, with the active model's probabilities
# (parameters: the filters); labels the active model learnt from are left out.
def scope_fair_labels() -> str:
    from analysis.filters import FILTER_SQL

    latest = _LATEST_LABELS.strip().removeprefix("WITH").strip()
    query = f""", {latest}
SELECT l.truth, s.p_negative, s.p_neutral, s.p_positive
FROM latest l
JOIN effective e ON e.doc_id = l.doc_id
JOIN sentiment s ON s.doc_id = l.doc_id AND s.label IS NOT NULL
JOIN models m ON m.version = s.model_version AND m.active
WHERE l.fair
  AND NOT EXISTS (
    SELECT 1 FROM model_training_docs t WHERE t.version = s.model_version AND t.doc_id = l.doc_id
  )
  AND {FILTER_SQL}
ORDER BY l.doc_id
"""  # noqa: S608 - constant fragments
    return EFFECTIVE_SENTIMENT + query


# --- adaptation to the user's posts -------------------------------------------------------
MODEL_TRAINING_DOCS = "SELECT doc_id FROM model_training_docs WHERE version = ? ORDER BY doc_id"


# Posts nobody labelled, in a stable order (md5 of the id) so a capped pool is a fair
# sample, with the given model's stored probabilities where it scored them (else NULLs).
UNLABELLED_POSTS = """
SELECT d.doc_id, d.text, s.p_negative, s.p_neutral, s.p_positive
FROM documents d
LEFT JOIN sentiment s
    ON s.doc_id = d.doc_id AND s.model_version = ? AND s.label IS NOT NULL
WHERE length(trim(d.text)) > 0
  AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = d.doc_id)
ORDER BY md5(d.doc_id), d.doc_id
LIMIT ?
"""
