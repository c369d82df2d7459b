"""Named SQL of campaign insight, over ``doc_facts`` and ``campaign_documents``.

Windows: *before* and *after* have the campaign's own length, right before its start and
right after its end; *during* is start to end, inclusive. Days are UTC.
"""

from __future__ import annotations

from loaders.dates import READABLE_SQL

CAMPAIGN = """
SELECT name, brand, start_date, end_date, channels, hashtags, utm_campaign, keywords, budget
FROM campaigns WHERE (?::VARCHAR IS NULL OR name = ?) ORDER BY start_date, name
"""

_WINDOWS = f"""
WITH c AS (SELECT *, (end_date - start_date + 1)::INTEGER AS days FROM campaigns WHERE name = ?),
windowed AS (
    SELECT e.*,
           CASE WHEN e.day < c.start_date THEN 'before'
                WHEN e.day <= c.end_date THEN 'during' ELSE 'after' END AS phase,
           (c.brand IS NULL OR e.brand = c.brand) AS own,
           e.doc_id IN (SELECT doc_id FROM campaign_documents WHERE campaign = c.name)
               AS attributed
    FROM doc_facts e, c
    WHERE e.day >= c.start_date - c.days AND e.day <= c.end_date + c.days AND {READABLE_SQL}
)
"""  # noqa: S608 - a constant window
# Per window: the brand's documents (own), all brands' documents, and the campaign's own posts.
WINDOW_FIGURES = (
    _WINDOWS
    + """
SELECT phase, own, attributed,
       count(*) AS documents,
       count(label) AS labeled,
       count(*) FILTER (WHERE label = 'positive') AS positive,
       count(*) FILTER (WHERE label = 'negative') AS negative
FROM windowed
GROUP BY ALL
"""
)
CAMPAIGN_TOPICS = """
SELECT e.topic, coalesce(t.user_label, t.label) AS label, count(*) AS documents,
       count(*) FILTER (WHERE e.label = 'negative') / nullif(count(e.label), 0) AS share_negative
FROM doc_facts e
JOIN topics t ON t.run_id = (SELECT max(run_id) FROM topic_runs) AND t.topic = e.topic
WHERE e.doc_id IN (SELECT doc_id FROM campaign_documents WHERE campaign = ?)
GROUP BY ALL ORDER BY documents DESC, e.topic LIMIT ?
"""
_CAMPAIGN_POSTS = """
SELECT e.doc_id, e.created_at, e.source, d.text, e.label, e.score
FROM doc_facts e JOIN documents d ON d.doc_id = e.doc_id
WHERE e.doc_id IN (SELECT doc_id FROM campaign_documents WHERE campaign = ?)
  AND e.score IS NOT NULL AND {readable}
ORDER BY e.score {direction}, e.doc_id LIMIT ?
"""
MOST_POSITIVE = _CAMPAIGN_POSTS.format(direction="DESC", readable=READABLE_SQL)
MOST_NEGATIVE = _CAMPAIGN_POSTS.format(direction="ASC", readable=READABLE_SQL)

# Daily counts per brand and channel: the panel campaign impact compares a brand with its
# control on (one scan for every campaign; each takes its days and units from it).
DAILY_PANEL = f"""
SELECT e.brand, e.channel, e.day,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'positive') AS positive,
       count(*) FILTER (WHERE e.label = 'negative') AS negative,
       count(e.rating) AS rated,
       coalesce(sum(e.rating), 0) AS rating_sum
FROM doc_facts e
WHERE e.brand IS NOT NULL AND e.day BETWEEN ?::DATE AND ?::DATE AND {READABLE_SQL}
GROUP BY ALL
"""  # noqa: S608 - a constant window

DATA_DAYS = f"SELECT min(e.day), max(e.day) FROM doc_facts e WHERE {READABLE_SQL}"  # noqa: S608
