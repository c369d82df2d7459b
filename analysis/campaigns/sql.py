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

# Daily counts per brand and channel (brandless posts too: they are part of the market), the
# panel every campaign's windows and control are read from (one scan for all campaigns).
DAILY_PANEL = f"""
SELECT e.brand, e.channel, e.day,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'positive') AS positive,
       count(*) FILTER (WHERE e.label = 'negative') AS negative,
       count(e.rating) AS rated,
       coalesce(sum(e.rating), 0) AS rating_sum
FROM doc_facts e
WHERE e.day BETWEEN ?::DATE AND ?::DATE AND {READABLE_SQL}
GROUP BY ALL
"""  # noqa: S608 - a constant window

DATA_DAYS = f"SELECT min(e.day), max(e.day) FROM doc_facts e WHERE {READABLE_SQL}"  # noqa: S608

# Each campaign's own (attributed) posts per window (before and after: its length), all
# campaigns at once.
ATTRIBUTED_WINDOWS = f"""
WITH c AS (SELECT name, start_date, end_date, (end_date - start_date + 1)::INTEGER AS days
           FROM campaigns WHERE (?::VARCHAR IS NULL OR name = ?))
SELECT c.name,
       CASE WHEN e.day < c.start_date THEN 'before'
            WHEN e.day <= c.end_date THEN 'during' ELSE 'after' END AS phase,
       count(*) AS documents,
       count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'positive') AS positive,
       count(*) FILTER (WHERE e.label = 'negative') AS negative
FROM c
-- A post found by several rules (hashtag and UTM tag) counts once.
JOIN (SELECT DISTINCT campaign, doc_id FROM campaign_documents) cd ON cd.campaign = c.name
JOIN doc_facts e ON e.doc_id = cd.doc_id
WHERE e.day >= c.start_date - c.days AND e.day <= c.end_date + c.days AND {READABLE_SQL}
GROUP BY ALL
"""  # noqa: S608 - a constant window
