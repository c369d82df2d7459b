"""Named SQL of the insight views (overview, sentiment page, post browser). Values are always
``?`` parameters.

Every query starts from :data:`analysis.sentiment.sql.EFFECTIVE_SENTIMENT`, the one definition
of a document's sentiment (a human correction wins over the active model's label), prefixed as a
CTE, and takes the filters of :mod:`analysis.filters`.
"""

from __future__ import annotations

from analysis.sentiment.sql import EFFECTIVE_SENTIMENT

# Net sentiment, the one formula: (positive - negative) / labeled documents, NULL when none is
# labeled. Aggregates over ``effective e``; sums of per-group counts go through net_sentiment().
POSITIVE_MINUS_NEGATIVE = (
    "(count(*) FILTER (WHERE e.label = 'positive') - count(*) FILTER (WHERE e.label = 'negative'))"
)


def net_sentiment(positive_minus_negative: str, labeled: str) -> str:
    """Net sentiment as SQL from two fixed column expressions (never user input)."""
    return f"{positive_minus_negative} / nullif({labeled}, 0)"


NET_SENTIMENT = net_sentiment(POSITIVE_MINUS_NEGATIVE, "count(e.label)")


# --- overview: a period against the one before ---------------------------------------------
# Parameters: current start, previous start, end (dates, inclusive), then the filters with
# their own dates left NULL. The previous period has the same length as the current one.
_PERIODS = """
SELECT {key} AS key,
       CASE WHEN e.day >= ?::DATE THEN 'current' ELSE 'previous' END AS period,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'negative') / nullif(count(e.label), 0) AS share_negative,
       {net_sentiment} AS net_sentiment,
       avg(e.rating) AS average_rating
FROM effective e
WHERE e.day >= ?::DATE AND e.day <= ?::DATE AND {filters}
GROUP BY ALL
"""


def _periods(key: str) -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT + _PERIODS.format(
        key=key, filters=FILTER_SQL, net_sentiment=NET_SENTIMENT
    )


PERIOD_KPIS = _periods("NULL")
PERIOD_BY = {
    "brand": _periods("e.brand"),
    "product": _periods("e.product"),
    "channel": _periods("e.channel"),
    "source": _periods("e.source"),
    "topic": _periods("coalesce(e.topic, -1)"),
}

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


def _trend_by_category() -> str:
    from analysis.filters import FILTER_SQL

    # The export's own column (a parameter, made a JSON Pointer as the category filter does).
    column = (
        "(SELECT json_extract_string(x.extra, '/' || replace(replace(?::VARCHAR, '~', '~0'), "
        "'/', '~1')) FROM documents x WHERE x.doc_id = e.doc_id)"
    )
    return EFFECTIVE_SENTIMENT + _TREND.format(segment=column, filters=FILTER_SQL)


# Parameters: grain, the export column, then the filters.
SENTIMENT_TREND_BY_CATEGORY = _trend_by_category()


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
       e.label, e.score, e.topic, coalesce(t.user_label, t.label) AS topic_name,
       coalesce((SELECT list(g.tag ORDER BY g.tag) FROM doc_tags g WHERE g.doc_id = e.doc_id),
                []) AS tags
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
    UNION ALL SELECT 'tag', tag, count(*) FROM doc_tags GROUP BY ALL
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
           {positive_minus_negative} AS net
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
       {net_sentiment} AS net_sentiment,
       list(coalesce(w.documents, 0) ORDER BY g.week) AS weekly_documents,
       list(coalesce({weekly_net_sentiment}, 0.0) ORDER BY g.week) AS weekly_net_sentiment
FROM grid g LEFT JOIN weekly w ON w.brand = g.brand AND w.week = g.week
GROUP BY g.brand
ORDER BY documents DESC, g.brand
"""


def _brand_sparklines() -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT.rstrip() + _BRAND_SPARKLINES.format(
        filters=FILTER_SQL,
        positive_minus_negative=POSITIVE_MINUS_NEGATIVE,
        net_sentiment=net_sentiment("sum(w.net)", "sum(w.labeled)"),
        weekly_net_sentiment=net_sentiment("w.net", "w.labeled"),
    )


BRAND_SPARKLINES = _brand_sparklines()

# --- report and overview: each brand against the previous period ------------------------------
# Parameters: current start, previous start, end (dates, inclusive), then the filters with
# their own dates and brand left NULL. Share of voice: a brand's posts over every branded post
# of the same period.
_BRAND_TABLE = """
, per_period AS (
    SELECT e.brand,
           CASE WHEN e.day >= ?::DATE THEN 'current' ELSE 'previous' END AS period,
           count(*) AS documents,
           count(e.label) AS labeled,
           count(*) FILTER (WHERE e.label = 'negative') / nullif(count(e.label), 0)
               AS share_negative,
           {net_sentiment} AS net_sentiment,
           count(DISTINCT e.day) AS days
    FROM effective e
    WHERE e.day >= ?::DATE AND e.day <= ?::DATE AND e.brand IS NOT NULL AND {filters}
    GROUP BY ALL
),
voiced AS (
    SELECT *, documents / sum(documents) OVER (PARTITION BY period) AS share_of_voice
    FROM per_period
)
SELECT brand,
       coalesce(sum(documents) FILTER (WHERE period = 'current'), 0)::BIGINT AS posts,
       coalesce(sum(documents) FILTER (WHERE period = 'previous'), 0)::BIGINT AS previous_posts,
       coalesce(sum(labeled) FILTER (WHERE period = 'current'), 0)::BIGINT AS labeled,
       coalesce(sum(labeled) FILTER (WHERE period = 'previous'), 0)::BIGINT AS previous_labeled,
       coalesce(any_value(share_of_voice) FILTER (WHERE period = 'current'), 0.0)
           AS share_of_voice,
       coalesce(any_value(share_of_voice) FILTER (WHERE period = 'previous'), 0.0)
           AS previous_share_of_voice,
       any_value(net_sentiment) FILTER (WHERE period = 'current') AS net_sentiment,
       any_value(net_sentiment) FILTER (WHERE period = 'previous') AS previous_net_sentiment,
       any_value(share_negative) FILTER (WHERE period = 'current') AS share_negative,
       any_value(share_negative) FILTER (WHERE period = 'previous') AS previous_share_negative,
       coalesce(sum(days) FILTER (WHERE period = 'current'), 0)::BIGINT AS days_with_data,
       coalesce(sum(days) FILTER (WHERE period = 'previous'), 0)::BIGINT
           AS previous_days_with_data
FROM voiced
GROUP BY brand
ORDER BY posts DESC, brand
"""


def _brand_table() -> str:
    from analysis.filters import FILTER_SQL

    return EFFECTIVE_SENTIMENT.rstrip() + _BRAND_TABLE.format(
        filters=FILTER_SQL, net_sentiment=NET_SENTIMENT
    )


BRAND_TABLE = _brand_table()


# The brand sparklines of BRAND_SPARKLINES plus the weeks (Mondays) their lists follow, so a
# partial week can be told apart from a steep drop.
def _brand_weekly() -> str:
    from analysis.filters import FILTER_SQL

    with_weeks = _BRAND_SPARKLINES.replace(
        "AS weekly_net_sentiment\n",
        "AS weekly_net_sentiment,\n       list(g.week ORDER BY g.week) AS weeks\n",
    )
    return EFFECTIVE_SENTIMENT.rstrip() + with_weeks.format(
        filters=FILTER_SQL,
        positive_minus_negative=POSITIVE_MINUS_NEGATIVE,
        net_sentiment=net_sentiment("sum(w.net)", "sum(w.labeled)"),
        weekly_net_sentiment=net_sentiment("w.net", "w.labeled"),
    )


BRAND_WEEKLY = _brand_weekly()
