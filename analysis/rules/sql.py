"""Named SQL of rules, firings and deliveries. Values are always ``?`` parameters."""

from __future__ import annotations

from analysis.filters import FILTER_SQL
from analysis.sentiment.sql import EFFECTIVE_SENTIMENT

_RULE_COLUMNS = (
    "rule_id, name, condition, params, scope, actions, cooldown_hours, enabled, since_run, "
    "created_at, updated_at"
)

INSERT_RULE = f"""
INSERT INTO rules (name, condition, params, scope, actions, cooldown_hours, enabled, since_run,
                   created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(run_id), 0) FROM ingest_runs), now(), now())
RETURNING {_RULE_COLUMNS}
"""  # noqa: S608 - constant columns

UPDATE_RULE = """
UPDATE rules SET condition = ?, params = ?, scope = ?, actions = ?, cooldown_hours = ?,
                 enabled = ?, updated_at = now()
WHERE name = ?
"""

RULE_BY_NAME = f"SELECT {_RULE_COLUMNS} FROM rules WHERE name = ?"  # noqa: S608
RULE_EXISTS = "SELECT count(*) FROM rules WHERE name = ?"
RULE_BY_ID = f"SELECT {_RULE_COLUMNS} FROM rules WHERE rule_id = ?"  # noqa: S608
LIST_RULES = f"SELECT {_RULE_COLUMNS} FROM rules ORDER BY name"  # noqa: S608
ENABLED_RULES = f"SELECT {_RULE_COLUMNS} FROM rules WHERE enabled ORDER BY name"  # noqa: S608
SET_ENABLED = "UPDATE rules SET enabled = ?, updated_at = now() WHERE name = ? RETURNING rule_id"
ANY_ENABLED = "SELECT count(*) FROM rules WHERE enabled"

# A rule's firings and deliveries go with it.
DELETE_DELIVERIES = """
DELETE FROM rule_deliveries WHERE firing_id IN (SELECT firing_id FROM rule_firings WHERE rule_id = ?)
"""
DELETE_FIRINGS = "DELETE FROM rule_firings WHERE rule_id = ?"
DELETE_RULE = "DELETE FROM rules WHERE rule_id = ?"

# --- firings ---------------------------------------------------------------------------------
FIRED_WINDOW = 'SELECT count(*) FROM rule_firings WHERE rule_id = ? AND "window" = ?'

LAST_FIRING = """
SELECT firing_id, "window", fired_at, value, figures FROM rule_firings
WHERE rule_id = ? ORDER BY fired_at DESC, firing_id DESC LIMIT 1
"""

# The last check of a rule (its creation before the first one).
LAST_CHECK = "SELECT coalesce(checked_at, created_at) FROM rules WHERE rule_id = ?"
SET_CHECKED = """
UPDATE rules SET checked_at = greatest(coalesce(checked_at, ?::TIMESTAMPTZ), ?) WHERE rule_id = ?
"""

# The newest ingest run a keywords rule's firings already reported posts of.
COVERED_RUN = """
SELECT max(json_extract(figures, '$.through_run')::INTEGER) FROM rule_firings WHERE rule_id = ?
"""

INSERT_FIRING = """
INSERT INTO rule_firings (rule_id, "window", fired_at, why, figures, documents, value, posts, link)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING firing_id
"""

FIRING_BY_ID = """
SELECT f.firing_id, r.name AS rule, f."window", f.fired_at, f.why, f.figures, f.documents,
       f.posts, f.link
FROM rule_firings f JOIN rules r USING (rule_id) WHERE f.firing_id = ?
"""

# The brand a firing speaks for (its rule's scope, or a campaign rule's campaign): a draft names it.
FIRING_BRAND = """
SELECT coalesce(json_extract_string(r.scope, '$.brand'), json_extract_string(f.figures, '$.brand'))
FROM rule_firings f JOIN rules r USING (rule_id) WHERE f.firing_id = ?
"""

FIRING_LOG = """
SELECT f.firing_id, r.name AS rule, f."window", f.fired_at, f.why, f.documents,
       count(d.firing_id) FILTER (WHERE d.ok) AS delivered,
       count(d.firing_id) FILTER (WHERE NOT d.ok) AS failed,
       string_agg(CASE WHEN NOT d.ok THEN d.detail END, '; ') AS errors
FROM rule_firings f JOIN rules r USING (rule_id)
LEFT JOIN rule_deliveries d USING (firing_id)
WHERE (?::VARCHAR IS NULL OR r.name = ?)
GROUP BY ALL ORDER BY f.fired_at DESC, f.firing_id DESC LIMIT ?
"""

# --- deliveries ------------------------------------------------------------------------------
# A new firing's actions start as due now, not yet tried (parameters: firing, index, action,
# now twice); a check that stops before delivering leaves them to the next one.
INSERT_PENDING_DELIVERY = """
INSERT INTO rule_deliveries VALUES (?, ?, ?, 0, false, 'not sent yet', ?, ?)
"""

# Claim the due deliveries for one check: pushed to the lease's end (which also marks them as
# this check's) so another process checking meanwhile does not send them too, and counted as
# an attempt now, so a check that dies mid-send still runs out of attempts (parameters: the
# lease's end, now, the most attempts).
CLAIM_DUE = """
UPDATE rule_deliveries SET next_attempt_at = ?, attempts = attempts + 1
WHERE NOT ok AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? AND attempts < ?
RETURNING firing_id, action_index, action, attempts
"""

# A claimed delivery's outcome; only while this check's claim holds (the lease's end it set).
UPDATE_DELIVERY = """
UPDATE rule_deliveries SET ok = ?, detail = ?, last_attempt_at = ?, next_attempt_at = ?
WHERE firing_id = ? AND action_index = ? AND next_attempt_at = ?
"""

DELIVERIES_OF = """
SELECT action_index, action, attempts, ok, detail, last_attempt_at, next_attempt_at
FROM rule_deliveries WHERE firing_id = ? ORDER BY action_index
"""

# --- conditions over the scope (parameters: the filters, then the window's bounds) ----------
_SCOPED = f"""
, scoped AS (
    SELECT e.* FROM effective e WHERE {FILTER_SQL} AND e.created_at <= ?
)
"""  # noqa: S608 - constant fragments
_SCOPE = EFFECTIVE_SENTIMENT + _SCOPED

# The newest day with data up to ``now`` in the scope.
LATEST_DAY = _SCOPE + "SELECT max(day) FROM scoped"  # noqa: S608 - constant

# Documents, labelled, negative, rated and mean rating between two days (inclusive).
WINDOW_FIGURES = (
    _SCOPE
    + """
SELECT count(*) AS documents, count(label) AS labeled,
       count(*) FILTER (WHERE label = 'negative') AS negative,
       count(rating) AS rated, avg(rating) AS average_rating
FROM scoped WHERE day BETWEEN ? AND ?
"""
)

# Posts of later ingest runs than ``since`` whose text holds one of the words (a regular
# expression of whole words, case-insensitive), newest run first.
KEYWORD_POSTS = (
    _SCOPE
    + """
SELECT s.doc_id, d.text, s.label, d.url, s.created_at, d.ingest_run_id
FROM scoped s JOIN documents d ON d.doc_id = s.doc_id
WHERE d.ingest_run_id > ? AND regexp_matches(d.text, ?, 'i')
ORDER BY d.ingest_run_id DESC, s.score ASC NULLS LAST, s.doc_id
"""
)

# The posts a window condition matched, for a tag action: the scope's posts between two days
# (only the negative ones when the label parameter is 'negative'), most negative first, capped.
WINDOW_DOC_IDS = (
    _SCOPE
    + """
SELECT doc_id FROM scoped
WHERE day BETWEEN ? AND ? AND (?::VARCHAR IS NULL OR label = ?)
ORDER BY score ASC NULLS LAST, doc_id
LIMIT ?
"""
)

# --- tags ----------------------------------------------------------------------------------
# A post keeps its first tagging: a later firing (or rule) with the same tag changes nothing.
INSERT_TAG = """
INSERT INTO doc_tags (doc_id, tag, rule_id, firing_id, tagged_at)
SELECT unnest(?::VARCHAR[]), ?, ?, ?, ?
ON CONFLICT DO NOTHING
"""
TAGGED_BY_FIRING = "SELECT count(*) FROM doc_tags WHERE firing_id = ? AND tag = ?"

# A delivery done in the firing's own transaction (a tag): recorded as sent, never due.
INSERT_DONE_DELIVERY = """
INSERT INTO rule_deliveries VALUES (?, ?, ?, 1, true, ?, ?, NULL)
"""

# --- campaign_negative -----------------------------------------------------------------------
# A campaign's running figures at ``now``: the brand's posts in the window before the campaign
# (as long as the campaign, as analysis.campaigns counts it) and from its start up to now
# (parameters: the campaign's name, now, now).
CAMPAIGN_RUNNING = (
    EFFECTIVE_SENTIMENT.rstrip()  # noqa: S608 - constant fragments
    + """
, c AS (
    SELECT name, brand, start_date, end_date, (end_date - start_date + 1)::INTEGER AS days
    FROM campaigns WHERE name = ?
)
SELECT CASE WHEN e.day < c.start_date THEN 'before' ELSE 'during' END AS phase,
       count(*) AS documents, count(e.label) AS labeled,
       count(*) FILTER (WHERE e.label = 'positive') AS positive,
       count(*) FILTER (WHERE e.label = 'negative') AS negative
FROM effective e, c
WHERE (c.brand IS NULL OR e.brand = c.brand) AND e.created_at <= ?
  AND e.day >= c.start_date - c.days AND e.day <= least(c.end_date, ?::DATE)
GROUP BY ALL
"""
)

# The brand's posts of the campaign so far, for a tag action (parameters: name, now, now, cap).
CAMPAIGN_DOC_IDS = (
    EFFECTIVE_SENTIMENT.rstrip()  # noqa: S608 - constant fragments
    + """
, c AS (SELECT brand, start_date, end_date FROM campaigns WHERE name = ?)
SELECT e.doc_id FROM effective e, c
WHERE (c.brand IS NULL OR e.brand = c.brand) AND e.created_at <= ?
  AND e.day >= c.start_date AND e.day <= least(c.end_date, ?::DATE)
ORDER BY e.score ASC NULLS LAST, e.doc_id
LIMIT ?
"""
)

CAMPAIGN_DATES = "SELECT name, brand, start_date, end_date FROM campaigns WHERE name = ?"


# --- what the Rules page lists ----------------------------------------------------------------
# Per firing: deliveries sent, failed and still waiting, and the failures' details.
_DELIVERIES = """
SELECT firing_id,
       count(*) FILTER (WHERE ok) AS delivered,
       count(*) FILTER (WHERE NOT ok AND next_attempt_at IS NULL) AS failed,
       count(*) FILTER (WHERE NOT ok AND next_attempt_at IS NOT NULL) AS waiting,
       string_agg(CASE WHEN NOT ok THEN detail END, '; ') AS errors
FROM rule_deliveries GROUP BY firing_id
"""

FIRINGS = f"""
WITH d AS ({_DELIVERIES})
SELECT f.firing_id, r.name AS rule, f."window", f.fired_at, f.why, f.documents, f.link,
       coalesce(d.delivered, 0) AS delivered, coalesce(d.failed, 0) AS failed,
       coalesce(d.waiting, 0) AS waiting, d.errors
FROM rule_firings f JOIN rules r USING (rule_id) LEFT JOIN d USING (firing_id)
ORDER BY f.fired_at DESC, f.firing_id DESC LIMIT ?
"""  # noqa: S608 - constant fragments

LAST_FIRINGS = f"""
WITH d AS ({_DELIVERIES}),
last AS (
    SELECT rule_id, arg_max(firing_id, (fired_at, firing_id)) AS firing_id, count(*) AS firings
    FROM rule_firings GROUP BY rule_id
)
SELECT last.rule_id, last.firings, f."window", f.fired_at,
       coalesce(d.delivered, 0) AS delivered, coalesce(d.failed, 0) AS failed,
       coalesce(d.waiting, 0) AS waiting, d.errors
FROM last JOIN rule_firings f USING (firing_id) LEFT JOIN d USING (firing_id)
"""  # noqa: S608 - constant fragments


# --- the backtest --------------------------------------------------------------------------------
# The first and last day with data in the scope (parameters: the filters).
BACKTEST_SPAN = f"""
SELECT min(e.day) AS first, max(e.day) AS last FROM effective e WHERE {FILTER_SQL}
"""  # noqa: S608 - constant fragments
BACKTEST_SPAN = EFFECTIVE_SENTIMENT + BACKTEST_SPAN
# The ingest runs that brought posts, in order, with when each finished.
BACKTEST_RUNS = "SELECT run_id, finished_at FROM ingest_runs ORDER BY run_id"

# The display name of a scope's topic or theme in the current topic model (no row: the model
# was refitted without it, and its number now means another group or nothing).
SCOPE_TOPIC_NAME = """
SELECT coalesce(user_label, label) FROM topics
WHERE run_id = (SELECT max(run_id) FROM topic_runs) AND topic = ? AND merged_into IS NULL
"""
# A theme whose topics were all merged into other themes' topics holds no posts any more.
SCOPE_THEME_NAME = """
SELECT coalesce(th.user_label, th.label) FROM themes th
WHERE th.run_id = (SELECT max(run_id) FROM topic_runs) AND th.theme = ?
  AND EXISTS (SELECT 1 FROM topics t WHERE t.run_id = th.run_id AND t.theme = th.theme
              AND t.merged_into IS NULL)
"""
