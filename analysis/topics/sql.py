"""Named SQL of topic modeling and topic insight. Values are always ``?`` parameters.

The current topic model is the run with the highest ``run_id``. Insight queries start
from :data:`analysis.sentiment.sql.EFFECTIVE_SENTIMENT` so that topic figures use the same
sentiment (human corrections applied) as every other aggregate, and take the filters of
:mod:`analysis.filters`.
"""

from __future__ import annotations

from analysis.filters import FILTER_SQL
from analysis.sentiment.sql import EFFECTIVE_SENTIMENT

# --- embedding cache (relations ``wanted_hashes`` / ``embedded_batch`` are registered) ----------
CACHED_EMBEDDINGS = """
SELECT e.text_hash, any_value(e.vector) AS vector
FROM embeddings e JOIN wanted_hashes w USING (text_hash)
WHERE e.model = ?
GROUP BY e.text_hash
"""
INSERT_EMBEDDINGS = """
INSERT INTO embeddings
SELECT ?, b.text_hash, b.vector::FLOAT[]
FROM embedded_batch b
WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.text_hash = b.text_hash)
"""

# --- fitting and assignment ------------------------------------------------------------------
ALL_DOCUMENTS = "SELECT doc_id, text FROM documents ORDER BY doc_id"
# The stratum of each document for a sampled fit (analysis.topics.sample).
DOCUMENT_STRATA = """
SELECT doc_id, source || '|' || coalesce(brand, '') || '|' || strftime(created_at, '%G-W%V')
FROM documents
"""
UNASSIGNED_DOCUMENTS = """
SELECT d.doc_id, d.text FROM documents d
WHERE NOT EXISTS (SELECT 1 FROM doc_topics t WHERE t.doc_id = d.doc_id AND t.run_id = ?)
ORDER BY d.doc_id
"""
BRANDS = "SELECT DISTINCT brand FROM documents WHERE brand IS NOT NULL ORDER BY brand"
# @handles mentioned at least ? times: in brand-centred exports these are the brands' own.
FREQUENT_HANDLES = r"""
SELECT lower(handle) AS handle, count(*) AS mentions
FROM (SELECT unnest(regexp_extract_all(text, '(?:^|[^\w.])@(\w+)', 1)) AS handle FROM documents)
GROUP BY 1 HAVING count(*) >= ? ORDER BY mentions DESC, handle
"""
DOCUMENT_COUNT = "SELECT count(*) FROM documents"
CURRENT_RUN = "SELECT max(run_id) FROM topic_runs"
NEXT_RUN_ID = "SELECT coalesce(max(run_id), 0) + 1 FROM topic_runs"
INSERT_RUN = """
INSERT INTO topic_runs (run_id, started_at, finished_at, n_docs, n_texts, n_topics,
                        outlier_share, embedding_model, params, n_themes)
VALUES (?, ?, now(), ?, ?, ?, ?, ?, ?, ?)
"""
INSERT_TOPICS = """
INSERT INTO topics (run_id, topic, label, keywords, size, user_label, merged_into, centroid,
                    representative_docs, theme, min_similarity)
SELECT run_id, topic, label, keywords, 0, user_label, merged_into, centroid::FLOAT[],
       representative_docs, theme, min_similarity
FROM topic_batch
"""
INSERT_THEMES = """
INSERT INTO themes (run_id, theme, label, keywords, user_label, centroid)
SELECT run_id, theme, label, keywords, user_label, centroid::FLOAT[] FROM theme_batch
"""
INSERT_DOC_TOPICS = """
INSERT INTO doc_topics
SELECT b.doc_id, b.run_id, b.topic, b.probability FROM assigned_batch b
WHERE NOT EXISTS (SELECT 1 FROM doc_topics t WHERE t.doc_id = b.doc_id AND t.run_id = b.run_id)
"""
# Assignments of older runs are dropped at a refit; their topics stay, to carry user edits over.
DELETE_OLDER_DOC_TOPICS = "DELETE FROM doc_topics WHERE run_id < ?"
RUN_TOPICS = """
SELECT topic, label, user_label, merged_into, centroid, size, min_similarity
FROM topics WHERE run_id = ? ORDER BY topic
"""
RUN_THEMES = """
SELECT theme, label, user_label, centroid FROM themes WHERE run_id = ? ORDER BY theme
"""
REFRESH_SIZES = """
UPDATE topics SET size = (
    SELECT count(*) FROM doc_topics d WHERE d.run_id = topics.run_id AND d.topic = topics.topic
) WHERE run_id = ?
"""

# --- user edits ------------------------------------------------------------------------------
TOPIC_EXISTS = """
SELECT count(*) FROM topics WHERE run_id = ? AND topic = ? AND merged_into IS NULL
"""
RENAME_TOPIC = "UPDATE topics SET user_label = ? WHERE run_id = ? AND topic = ?"
SET_GENERATED_LABEL = "UPDATE topics SET label = ? WHERE run_id = ? AND topic = ?"
MERGE_TOPIC = (
    "UPDATE topics SET merged_into = ? WHERE run_id = ? AND (topic = ? OR merged_into = ?)"
)
MOVE_DOCUMENTS = "UPDATE doc_topics SET topic = ? WHERE run_id = ? AND topic = ?"
THEME_EXISTS = "SELECT count(*) FROM themes WHERE run_id = ? AND theme = ?"
RENAME_THEME = "UPDATE themes SET user_label = ? WHERE run_id = ? AND theme = ?"

# --- reading topics --------------------------------------------------------------------------
TOPIC_LIST = """
SELECT t.topic, coalesce(t.user_label, t.label) AS name, t.label, t.user_label, t.keywords,
       t.size, t.representative_docs, t.theme, coalesce(th.user_label, th.label) AS theme_name
FROM topics t
LEFT JOIN themes th ON th.run_id = t.run_id AND th.theme = t.theme
WHERE t.run_id = ? AND t.merged_into IS NULL
ORDER BY t.size DESC, t.topic
"""
THEME_LIST = """
SELECT theme, coalesce(user_label, label) AS name, label, user_label, keywords
FROM themes WHERE run_id = ? ORDER BY theme
"""
# Merged topics too: a document counted under a merged topic's number still has a theme.
TOPIC_THEME_NAMES = """
SELECT t.topic, coalesce(th.user_label, th.label) AS theme_name
FROM topics t JOIN themes th ON th.run_id = t.run_id AND th.theme = t.theme
WHERE t.run_id = ?
ORDER BY t.topic
"""
DOCUMENT_TEXTS = "SELECT doc_id, text FROM documents WHERE list_contains(?, doc_id)"
RUN_INFO = """
SELECT run_id, started_at, finished_at, n_docs, n_texts, n_topics, outlier_share,
       embedding_model, params
FROM topic_runs WHERE run_id = ?
"""

# --- insight ---------------------------------------------------------------------------------
# Only constant SQL fragments are composed here; every value is a ? parameter.
_CURRENT = ",\ncurrent_run AS (SELECT max(run_id) AS run_id FROM topic_runs)\n"

_TOPIC_SENTIMENT = """
SELECT e.topic, coalesce(t.user_label, t.label) AS label,
       t.theme, coalesce(th.user_label, th.label) AS theme_name,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'negative') AS negative,
       count(*) FILTER (WHERE e.label = 'neutral') AS neutral,
       count(*) FILTER (WHERE e.label = 'positive') AS positive,
       count(*) FILTER (WHERE e.label = 'negative') / nullif(count(e.label), 0) AS share_negative,
       count(*) FILTER (WHERE e.label = 'positive') / nullif(count(e.label), 0) AS share_positive,
       avg(e.score) AS mean_score
FROM effective e
JOIN topics t ON t.run_id = (SELECT run_id FROM current_run) AND t.topic = e.topic
LEFT JOIN themes th ON th.run_id = t.run_id AND th.theme = t.theme
WHERE {filters}
GROUP BY e.topic, coalesce(t.user_label, t.label), t.theme, coalesce(th.user_label, th.label)
ORDER BY documents DESC, e.topic
"""
TOPIC_SENTIMENT = EFFECTIVE_SENTIMENT + _CURRENT + _TOPIC_SENTIMENT.format(filters=FILTER_SQL)

# Per ISO week (Monday) and topic; topic -1 holds documents without a topic.
_WEEKLY_TOPIC_COUNTS = """
SELECT e.week,
       coalesce(e.topic, -1) AS topic,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'negative') AS negative
FROM effective e
WHERE {filters}
GROUP BY ALL
ORDER BY week, topic
"""
WEEKLY_TOPIC_COUNTS = (
    EFFECTIVE_SENTIMENT + _CURRENT + _WEEKLY_TOPIC_COUNTS.format(filters=FILTER_SQL)
)

# Topics over time, overall or per segment; the segment column comes from this fixed list.
SEGMENTS = ("brand", "channel", "product", "campaign", "kind", "source")
_OVER_TIME = """
SELECT e.week, {segment} AS segment,
       e.topic, coalesce(t.user_label, t.label) AS label,
       count(*) AS documents,
       count(*) / sum(count(*)) OVER (PARTITION BY week, segment) AS share
FROM effective e
LEFT JOIN topics t ON t.run_id = (SELECT run_id FROM current_run) AND t.topic = e.topic
WHERE e.topic IS NOT NULL AND {filters}
GROUP BY 1, 2, 3, 4
ORDER BY week, segment, documents DESC, e.topic
"""
TOPICS_OVER_TIME = {
    segment: EFFECTIVE_SENTIMENT
    + _CURRENT
    + _OVER_TIME.format(segment=f"e.{segment}" if segment else "NULL", filters=FILTER_SQL)
    for segment in (None, *SEGMENTS)
}

# The Topics page's table: per topic, its figures and weekly counts for a sparkline. Every
# topic gets one value per week of the filtered data (0 where it had none).
_TOPIC_TABLE = """
, weekly AS (
    SELECT e.topic, e.week,
           count(*) AS documents, count(e.label) AS labeled,
           count(*) FILTER (WHERE e.label = 'negative') AS negative,
           count(*) FILTER (WHERE e.label = 'positive') AS positive
    FROM effective e
    WHERE e.topic >= 0 AND {filters}
    GROUP BY ALL
),
grid AS (
    SELECT t.topic, w.week
    FROM (SELECT DISTINCT topic FROM weekly) t, (SELECT DISTINCT week FROM weekly) w
)
SELECT g.topic, coalesce(tp.user_label, tp.label) AS label, tp.keywords,
       tp.theme, coalesce(th.user_label, th.label) AS theme_name,
       sum(coalesce(w.documents, 0))::BIGINT AS documents,
       sum(w.negative) / nullif(sum(w.labeled), 0) AS share_negative,
       sum(w.positive) / nullif(sum(w.labeled), 0) AS share_positive,
       list(coalesce(w.documents, 0) ORDER BY g.week) AS weekly
FROM grid g
LEFT JOIN weekly w ON w.topic = g.topic AND w.week = g.week
JOIN topics tp ON tp.run_id = (SELECT run_id FROM current_run) AND tp.topic = g.topic
LEFT JOIN themes th ON th.run_id = tp.run_id AND th.theme = tp.theme
GROUP BY g.topic, tp.user_label, tp.label, tp.keywords, tp.theme, th.user_label, th.label
ORDER BY documents DESC, g.topic
"""
TOPIC_TABLE = EFFECTIVE_SENTIMENT + _CURRENT.rstrip("\n") + _TOPIC_TABLE.format(filters=FILTER_SQL)

# The same per theme (what the Topics page leads with). doc_facts carries each document's
# theme, so a theme's figures are one scan; runs fitted before themes (theme NULL) have none.
_THEME_TABLE = """
, weekly AS (
    SELECT e.theme, e.week,
           count(*) AS documents, count(e.label) AS labeled,
           count(*) FILTER (WHERE e.label = 'negative') AS negative,
           count(*) FILTER (WHERE e.label = 'positive') AS positive
    FROM effective e
    WHERE e.topic >= 0 AND e.theme IS NOT NULL AND {filters}
    GROUP BY ALL
),
grid AS (
    SELECT t.theme, w.week
    FROM (SELECT DISTINCT theme FROM weekly) t, (SELECT DISTINCT week FROM weekly) w
),
topic_counts AS (
    SELECT theme, count(*) AS topics FROM topics
    WHERE run_id = (SELECT run_id FROM current_run) AND merged_into IS NULL
    GROUP BY theme
)
SELECT g.theme, coalesce(th.user_label, th.label) AS name, th.keywords,
       any_value(coalesce(c.topics, 0))::BIGINT AS topics,
       sum(coalesce(w.documents, 0))::BIGINT AS documents,
       sum(w.negative) / nullif(sum(w.labeled), 0) AS share_negative,
       sum(w.positive) / nullif(sum(w.labeled), 0) AS share_positive,
       list(coalesce(w.documents, 0) ORDER BY g.week) AS weekly
FROM grid g
LEFT JOIN weekly w ON w.theme = g.theme AND w.week = g.week
JOIN themes th ON th.run_id = (SELECT run_id FROM current_run) AND th.theme = g.theme
LEFT JOIN topic_counts c ON c.theme = g.theme
GROUP BY g.theme, th.user_label, th.label, th.keywords
ORDER BY documents DESC, g.theme
"""
THEME_TABLE = EFFECTIVE_SENTIMENT + _CURRENT.rstrip("\n") + _THEME_TABLE.format(filters=FILTER_SQL)

# Documents in no topic: "Other" (topic -1) and those not assigned yet (topic NULL).
_OTHER_SHARE = """
SELECT count(*) AS documents,
       count(*) FILTER (WHERE e.topic < 0) AS other,
       count(*) FILTER (WHERE e.topic IS NULL) AS unassigned
FROM effective e
WHERE {filters}
"""
OTHER_SHARE = EFFECTIVE_SENTIMENT + _OTHER_SHARE.format(filters=FILTER_SQL)
TOPIC_CENTROIDS = """
SELECT topic, coalesce(user_label, label) AS label, size, centroid
FROM topics WHERE run_id = (SELECT max(run_id) FROM topic_runs) AND merged_into IS NULL
ORDER BY topic
"""
