"""Named SQL of the analysis layer. Values are always ``?`` parameters.

``EFFECTIVE_SENTIMENT`` is the one definition of a document's sentiment that every
aggregate uses: the newest human correction if there is one, otherwise the active
model's label. It is prefixed as a CTE to the queries below.
"""

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
ANY_DOCUMENT = "SELECT EXISTS (SELECT 1 FROM documents)"
INSERT_LABEL = "INSERT INTO labels VALUES (?, ?, now(), ?)"
CORRECTIONS = """
SELECT l.doc_id, arg_max(l.label, l.labeled_at) AS label, max(l.labeled_at) AS labeled_at,
       arg_max(l.note, l.labeled_at) AS note, any_value(d.text) AS text
FROM labels l JOIN documents d USING (doc_id)
GROUP BY l.doc_id ORDER BY labeled_at DESC
"""

# Every aggregate reads the ``doc_facts`` read model (see loaders.facts): documents with
# the effective label (a human correction wins over the active model), the current topic
# and UTC day/week/month, kept in step with the tables it is built from.
# Documents dated where no reader can go (see loaders.dates) are left out here.
EFFECTIVE_SENTIMENT = f"""
WITH effective AS (SELECT * FROM doc_facts e WHERE {READABLE_SQL})
"""  # noqa: S608 - a constant window

SENTIMENT_SUMMARY = (
    EFFECTIVE_SENTIMENT
    + """
SELECT count(*) AS documents,
       count(label) AS labeled,
       count(*) FILTER (WHERE label = 'positive') AS positive,
       count(*) FILTER (WHERE label = 'neutral') AS neutral,
       count(*) FILTER (WHERE label = 'negative') AS negative,
       avg(score) AS mean_score,
       count(*) FILTER (WHERE corrected) AS corrected
FROM effective
WHERE (? IS NULL OR brand = ?) AND (? IS NULL OR kind = ?)
"""
)

WEEKLY_SENTIMENT = (
    EFFECTIVE_SENTIMENT
    + """
SELECT week, brand,
       count(label) AS documents,
       avg(score) AS mean_score,
       count(*) FILTER (WHERE label = 'positive') / nullif(count(label), 0) AS share_positive,
       count(*) FILTER (WHERE label = 'negative') / nullif(count(label), 0) AS share_negative
FROM effective
WHERE label IS NOT NULL AND (? IS NULL OR brand = ?)
GROUP BY ALL ORDER BY week, brand
"""
)

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

# --- overview: a period against the one before ---------------------------------------------
# Parameters: current start, previous start, end (dates, inclusive), then the filters with
# their own dates left NULL. The previous period has the same length as the current one.
_PERIODS = """
SELECT {key} AS key,
       CASE WHEN e.day >= ?::DATE THEN 'current' ELSE 'previous' END AS period,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'negative') / nullif(count(e.label), 0) AS share_negative,
       (count(*) FILTER (WHERE e.label = 'positive') - count(*) FILTER (WHERE e.label = 'negative'))
           / nullif(count(e.label), 0) AS net_sentiment,
       avg(e.rating) AS average_rating
FROM effective e
WHERE e.day >= ?::DATE AND e.day <= ?::DATE AND {filters}
GROUP BY ALL
"""


def _periods(key: str) -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT + _PERIODS.format(key=key, filters=FILTER_SQL)


PERIOD_KPIS = _periods("NULL")
PERIOD_BY = {
    "brand": _periods("e.brand"),
    "product": _periods("e.product"),
    "channel": _periods("e.channel"),
    "source": _periods("e.source"),
    "topic": _periods("coalesce(e.topic, -1)"),
}
DATE_RANGE = (
    f"SELECT min(day), max(day) FROM doc_facts e WHERE {READABLE_SQL} AND e.created_at <= ?"  # noqa: S608
)

# --- sentiment page and post browser ---------------------------------------------------------
SENTIMENT_SEGMENTS = ("kind", "source", "channel", "brand", "product", "campaign")
_TREND = """
SELECT CASE ? WHEN 'day' THEN e.day WHEN 'week' THEN e.week ELSE e.month END AS period,
       {segment} AS segment,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'negative') AS negative,
       count(*) FILTER (WHERE e.label = 'neutral') AS neutral,
       count(*) FILTER (WHERE e.label = 'positive') AS positive,
       avg(e.score) AS mean_score
FROM effective e
WHERE {filters}
GROUP BY ALL ORDER BY period, segment
"""


def _trend(segment: str | None) -> str:
    from analysis.filters import FILTER_SQL

    column = f"e.{segment}" if segment else "NULL"
    return EFFECTIVE_SENTIMENT + _TREND.format(segment=column, filters=FILTER_SQL)


SENTIMENT_TREND = {segment: _trend(segment) for segment in (None, *SENTIMENT_SEGMENTS)}


_RATINGS = """
SELECT round(e.rating)::INTEGER AS rating, count(*) AS documents
FROM effective e
WHERE e.rating IS NOT NULL AND {filters}
GROUP BY ALL ORDER BY rating
"""


def _ratings() -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT + _RATINGS.format(filters=FILTER_SQL)


RATING_DISTRIBUTION = _ratings()
# Post browser: filters, then text search (NULL: none), then limit and offset.
_POSTS = """
, page AS (
    SELECT e.* FROM effective e
    WHERE {filters}
      AND (?::VARCHAR IS NULL OR e.doc_id IN (
          SELECT doc_id FROM documents WHERE text ILIKE '%' || ? || '%'))
    ORDER BY {order}
    LIMIT ? OFFSET ?
)
SELECT e.doc_id, e.created_at, e.kind, e.source, e.brand, e.product, d.text, e.rating,
       e.label, e.score, e.topic, coalesce(t.user_label, t.label) AS topic_name
FROM page e
JOIN documents d ON d.doc_id = e.doc_id
LEFT JOIN topics t ON t.run_id = (SELECT max(run_id) FROM topic_runs) AND t.topic = e.topic
ORDER BY {order}
"""
POST_ORDERS = {
    "newest": "e.created_at DESC, e.doc_id",
    "oldest": "e.created_at, e.doc_id",
    "most negative": "e.score ASC NULLS LAST, e.doc_id",
    "most positive": "e.score DESC NULLS LAST, e.doc_id",
}


def _posts(order: str) -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT.rstrip() + _POSTS.format(filters=FILTER_SQL, order=order)


POSTS = {name: _posts(order) for name, order in POST_ORDERS.items()}

# Values offered by the filter bar, most frequent first.
FACET_VALUES = """
SELECT facet, value, documents FROM (
    SELECT 'brand' AS facet, brand AS value, count(*) AS documents FROM documents GROUP BY ALL
    UNION ALL SELECT 'kind', kind, count(*) FROM documents GROUP BY ALL
    UNION ALL SELECT 'source', source, count(*) FROM documents GROUP BY ALL
    UNION ALL SELECT 'channel', channel, count(*) FROM documents GROUP BY ALL
    UNION ALL SELECT 'product', product, count(*) FROM documents GROUP BY ALL
    UNION ALL SELECT 'campaign', campaign, count(*) FROM documents GROUP BY ALL
    UNION ALL SELECT 'language', s.language, count(*)
        FROM sentiment s JOIN models m ON m.version = s.model_version AND m.active GROUP BY ALL
)
WHERE value IS NOT NULL
ORDER BY facet, documents DESC, value
"""

# What the empty states need: is there data, is it scored, is there a topic model?
ANALYSIS_STATE = """
SELECT (SELECT count(*) FROM documents) AS documents,
       (SELECT count(*) FROM sentiment
        WHERE model_version = (SELECT version FROM models WHERE active)) AS scored,
       (SELECT max(run_id) FROM topic_runs) AS topic_run,
       (SELECT count(*) FROM doc_facts WHERE topic IS NULL) AS without_topic,
       (SELECT count(DISTINCT doc_id) FROM labels) AS corrections
"""

# Overview: one row per brand with its weekly volume and net sentiment for sparklines.
_BRAND_SPARKLINES = """
, weekly AS (
    SELECT e.brand, e.week,
           count(*) AS documents, count(e.label) AS labeled,
           count(*) FILTER (WHERE e.label = 'positive') - count(*) FILTER (WHERE e.label = 'negative')
               AS net
    FROM effective e
    WHERE e.brand IS NOT NULL AND {filters}
    GROUP BY ALL
),
grid AS (
    SELECT b.brand, w.week
    FROM (SELECT DISTINCT brand FROM weekly) b, (SELECT DISTINCT week FROM weekly) w
)
SELECT g.brand,
       sum(coalesce(w.documents, 0))::BIGINT AS documents,
       sum(w.net) / nullif(sum(w.labeled), 0) AS net_sentiment,
       list(coalesce(w.documents, 0) ORDER BY g.week) AS weekly_documents,
       list(coalesce(w.net / nullif(w.labeled, 0), 0.0) ORDER BY g.week) AS weekly_net_sentiment
FROM grid g LEFT JOIN weekly w ON w.brand = g.brand AND w.week = g.week
GROUP BY g.brand
ORDER BY documents DESC, g.brand
"""


def _brand_sparklines() -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT.rstrip() + _BRAND_SPARKLINES.format(filters=FILTER_SQL)


BRAND_SPARKLINES = _brand_sparklines()
