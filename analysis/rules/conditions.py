"""A rule's condition over the database at ``now``: zero or more candidate firings.

Each candidate names its window (what it fired for, so the same data never fires twice), a
plain sentence built from the figures, the figures themselves, the matched documents (and
their ids, up to :data:`MAX_TAGGED`, for a tag action), up to three telling posts and a
dashboard link with the rule's filters. Week windows are the newest ISO week with data up
to ``now`` (so a crisis fires during its week, not after it); day windows the newest day
with data up to ``now``. A check also decides the window before the newest one when it
closed after the previous check (see :func:`_closed_since`): Monday's export that brings
Sunday's posts must still get last week judged on its whole data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

import duckdb

from analysis.filters import Filters
from analysis.insight.posts import find_posts
from analysis.periods import iso_week
from analysis.rules import sql
from analysis.rules.model import Firing, Post, Rule
from analysis.rules.store import since_run
from analysis.rules.words import keyword_pattern, python_keyword_pattern
from loaders.dates import shift, utc_now
from loaders.errors import BrandpulseError, explain
from loaders.store import records, scalar

# Scope key -> the dashboard's URL key (dashboard.filter_state.URL_KEYS, which analysis
# cannot import: the dashboard sits above it).
_URL_KEYS = {"language": "lang"}
# A tag action marks at most this many posts per firing: enough for a crisis week, and a
# broad rule (all posts of a busy week) cannot turn one check into a bulk rewrite.
MAX_TAGGED = 5000


@dataclass(frozen=True)
class Candidate:
    firing: Firing
    value: float | None  # the figure a cooldown compares; higher is worse unless lower_is_worse
    lower_is_worse: bool = False
    doc_ids: tuple[str, ...] = ()  # the posts the condition matched (a tag action tags them)


def _doc_ids(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    now: datetime,
    start: date,
    end: date,
    label: str | None = None,
) -> tuple[str, ...]:
    """The scope's posts between two days (of one label), most negative first, capped."""
    params = [*filters.params(), now, start, end, label, label, MAX_TAGGED]
    return tuple(row[0] for row in con.execute(sql.WINDOW_DOC_IDS, params).fetchall())


def scope_filters(rule: Rule, start: date | None = None, end: date | None = None) -> Filters:
    return Filters(start=start, end=end, **rule.scope)


def dashboard_link(settings: Any, rule: Rule, start: date | None, end: date | None) -> str:
    base = getattr(settings, "dashboard_url", None) or "http://localhost:8501"
    query = {_URL_KEYS.get(k, k): str(v) for k, v in rule.scope.items()}
    if start:
        query["from"] = start.isoformat()
    if end:
        query["to"] = end.isoformat()
    return f"{base.rstrip('/')}/?{urlencode(query)}" if query else base


def keywords_why(
    rule: Rule, words: list[str], posts: list[dict[str, Any]], names: dict[str, str] | None = None
) -> tuple[list[str], str]:
    """The words the posts matched, and the sentence a keywords firing says."""
    matched = sorted(
        {w for p in posts for w in words if re.search(python_keyword_pattern([w]), p["text"], re.I)}
    )
    count = len(posts)
    return matched, (
        f"{count} new post{'s' if count != 1 else ''} about {subject(rule, names)} "
        f"mention{'s' if count == 1 else ''} {', '.join(repr(w) for w in matched)}"
    )


def held_back(
    rule: Rule,
    candidate: Candidate,
    last_fired_at: datetime | None,
    last_value: float | None,
    now: datetime,
) -> bool:
    """The cooldown, for the engine and the backtest alike: within ``cooldown_hours`` of the
    rule's last firing only a worse figure fires again. New posts with crisis words are each
    news, so a keywords rule is never held back (its windows are already new posts only)."""
    if rule.condition == "keywords" or last_fired_at is None or rule.cooldown_hours <= 0:
        return False
    if now - last_fired_at >= timedelta(hours=rule.cooldown_hours):
        return False
    if last_value is None or candidate.value is None:
        return True
    if candidate.lower_is_worse:
        return not candidate.value < last_value
    return not candidate.value > last_value


def scope_names(con: duckdb.DuckDBPyConnection, rule: Rule) -> dict[str, str]:
    """The names of the scope's theme and topic in the current topic model. A refit numbers
    them anew: a number the model no longer has would silently watch nothing (or, later,
    another group), so it is a problem the check reports for the rule."""
    names = {}
    for key, query in (("theme", sql.SCOPE_THEME_NAME), ("topic", sql.SCOPE_TOPIC_NAME)):
        if key in rule.scope:
            name = scalar(con, query, [rule.scope[key]])
            if name is None:
                raise BrandpulseError(
                    f"scope {key} {rule.scope[key]} is not in the current topic model: "
                    "edit the rule"
                )
            names[key] = str(name)
    return names


def subject(rule: Rule, names: dict[str, str] | None = None) -> str:
    """Who the posts are about, e.g. "Tidewell" or "Tidewell (channel: amazon)"; a theme or
    topic by its name in ``names`` (:func:`scope_names`), not its bare number."""
    names = names or {}
    rest = [f"{k}: {names.get(k, v)}" for k, v in rule.scope.items() if k != "brand"]
    brand = rule.scope.get("brand")
    if brand and rest:
        return f"{brand} ({', '.join(rest)})"
    return str(brand) if brand else (", ".join(rest) or "all brands")


def _posts(con: duckdb.DuckDBPyConnection, filters: Filters, order: str) -> tuple[Post, ...]:
    found = find_posts(con, filters, order=order, limit=3)
    return tuple(Post(p["doc_id"], p["text"], p["label"], None, p["created_at"]) for p in found)


def _window(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, size: str
) -> tuple[date, date] | None:
    """The newest day, or the ISO week of the newest day, with data in the scope up to now."""
    last = scalar(con, sql.LATEST_DAY, [*scope_filters(rule).params(), now])
    if last is None:
        return None
    if size == "day":
        return last, last
    monday = shift(last, -last.weekday())
    return monday, shift(monday, 6)


def _figures(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, start: date, end: date
) -> dict[str, Any]:
    [row] = records(con, sql.WINDOW_FIGURES, [*scope_filters(rule).params(), now, start, end])
    return row


def _label(start: date, end: date) -> str:
    return start.isoformat() if start == end else iso_week(start)


def _previous(start: date, end: date) -> tuple[date, date]:
    days = (end - start).days + 1
    return shift(start, -days), shift(start, -1)


def _window_firing(
    con: duckdb.DuckDBPyConnection,
    settings: Any,
    rule: Rule,
    now: datetime,
    dates: tuple[date, date],
    *,
    window: str,
    why: str,
    figures: dict[str, Any],
    documents: int,
    posts: Filters | None = None,
    link_rule: Rule | None = None,
) -> Firing:
    """A firing about the posts of ``dates``: its most negative posts (of ``posts``, default
    the rule's scope in those dates) and a dashboard link to them (``link_rule``'s scope)."""
    start, end = dates
    return Firing(
        rule=rule.name,
        window=window,
        fired_at=now,
        why=why,
        figures=figures,
        documents=documents,
        posts=_posts(con, posts or scope_filters(rule, start, end), "most negative"),
        link=dashboard_link(settings, link_rule or rule, start, end),
    )


def negative_share(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    window = _window(con, rule, now, rule.param("window"))
    if window is None:
        return []
    start, end = window
    now_fig = _figures(con, rule, now, start, end)
    if now_fig["labeled"] < rule.param("min_posts"):
        return []
    share = now_fig["negative"] / now_fig["labeled"]
    if share <= rule.params["above"]:
        return []
    before = _figures(con, rule, now, *_previous(start, end))
    before_share = before["negative"] / before["labeled"] if before["labeled"] else None
    label = _label(start, end)
    why = f"Negative posts about {subject(rule, scope_names(con, rule))} rose to {share:.0%}"
    if before_share is not None:
        why += f" (from {before_share:.0%} the {'day' if start == end else 'week'} before)"
    why += f" {'on' if start == end else 'in'} {label}"
    drivers = _spike_drivers(con, rule, now, start, "negative_share") if start != end else None
    if drivers:
        why += f", driven by {drivers}"
    figures = {
        "window": label,
        "negative_share": share,
        "previous_share": before_share,
        "negative": now_fig["negative"],
        "labeled": now_fig["labeled"],
        "documents": now_fig["documents"],
        "above": rule.params["above"],
    }
    filters = scope_filters(rule, start, end)
    firing = _window_firing(
        con,
        settings,
        rule,
        now,
        (start, end),
        window=label,
        why=why,
        figures=figures,
        documents=now_fig["negative"],
        posts=replace(filters, sentiment="negative"),
    )
    matched = _doc_ids(con, scope_filters(rule), now, start, end, "negative")
    return [Candidate(firing, share, doc_ids=matched)]


def _spike_drivers(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, monday: date, metric: str
) -> str | None:
    """The drivers of the scope's spike in that week, as the dashboard words them."""
    from analysis.topics.spikes import detect_spikes

    for spike in detect_spikes(con, scope_filters(rule, end=now.date())):
        if spike.week == monday and spike.metric == metric:
            return _topic_drivers(spike)
    return None


def _topic_drivers(spike: Any) -> str | None:
    """The spike's drivers in words, or None when no topic explains it (no topics fitted, or
    only the posts no topic took): "driven by (no topic) 100%" tells a marketer nothing."""
    named = [d for d in spike.drivers if d.change > 0 and d.topic >= 0]
    return spike.drivers_text() if named else None


def volume_spike(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    from analysis.topics.spikes import detect_spikes

    window = _window(con, rule, now, "week")
    if window is None:
        return []
    monday, sunday = window
    spikes = detect_spikes(
        con,
        scope_filters(rule, end=now.date()),
        baseline_weeks=int(rule.param("baseline_weeks")),
        z_threshold=float(rule.param("z")),
        min_relative_volume=float(rule.param("times")),
    )
    out = []
    for spike in spikes:
        if spike.week != monday or spike.metric != "volume":
            continue
        label = iso_week(monday)
        drivers = _topic_drivers(spike)
        why = f"{spike.headline()} ({subject(rule, scope_names(con, rule))})" + (
            f", driven by {drivers}" if drivers else ""
        )
        figures = {"window": label, "volume": spike.value, "baseline": spike.baseline, "z": spike.z}
        firing = _window_firing(
            con,
            settings,
            rule,
            now,
            (monday, sunday),
            window=label,
            why=why,
            figures=figures,
            documents=int(spike.value),
        )
        matched = _doc_ids(con, scope_filters(rule), now, monday, sunday)
        out.append(Candidate(firing, spike.value, doc_ids=matched))
    return out


def emerging_topic(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    from analysis.topics.trends import emerging_topics

    window = _window(con, rule, now, "week")
    if window is None:
        return []
    monday, sunday = window
    found = emerging_topics(
        con,
        monday,
        scope_filters(rule, end=now.date()),
        alpha=float(rule.param("alpha")),
        min_documents=int(rule.param("min_documents")),
        min_growth=float(rule.param("min_growth")),
    )
    out = []
    for topic in (t for t in found if t.emerging):
        label = f"{iso_week(monday)}:topic:{topic.topic}"
        why = (
            f"The topic '{topic.display_name}' is emerging for "
            f"{subject(rule, scope_names(con, rule))} in "
            f"{iso_week(monday)}: {topic.documents} posts, {topic.share:.0%} of the week "
            f"against {topic.baseline_share:.0%} in the weeks before"
        )
        figures = {
            "window": iso_week(monday),
            "topic": topic.topic,
            "name": topic.display_name,
            "documents": topic.documents,
            "share": topic.share,
            "baseline_share": topic.baseline_share,
            "p_value": topic.p_value,
        }
        filters = replace(scope_filters(rule, monday, sunday), topic=topic.topic)
        firing = _window_firing(
            con,
            settings,
            rule,
            now,
            (monday, sunday),
            window=label,
            why=why,
            figures=figures,
            documents=topic.documents,
            posts=filters,
            link_rule=replace(rule, scope={**rule.scope, "topic": topic.topic}),
        )
        matched = _doc_ids(
            con, replace(scope_filters(rule), topic=topic.topic), now, monday, sunday
        )
        out.append(Candidate(firing, topic.share, doc_ids=matched))
    return out


def keywords(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    now: datetime,
    settings: Any,
    *,
    after_run: int | None = None,
) -> list[Candidate]:
    """One firing per check listing the new matching posts: those of ingest runs after the
    rule was added and after the runs its last firing covered (``after_run``). The window is
    the newest run it covers, so a concurrent check builds the same window and cannot fire twice."""
    floor = max(since_run(con, rule), after_run or 0)
    words = rule.params["words"]
    found = records(
        con,
        sql.KEYWORD_POSTS,
        [*scope_filters(rule).params(), now, floor, keyword_pattern(words)],
    )
    if not found:
        return []
    through = max(p["ingest_run_id"] for p in found)
    matched, why = keywords_why(rule, words, found, scope_names(con, rule))
    posts = tuple(
        Post(p["doc_id"], p["text"], p["label"], p["url"], p["created_at"]) for p in found[:3]
    )
    figures = {
        "posts": len(found),
        "words": matched,
        "through_run": through,
        "doc_ids": [p["doc_id"] for p in found[:100]],
    }
    firing = Firing(
        rule=rule.name,
        window=f"runs-through:{through}",
        fired_at=now,
        why=why,
        figures=figures,
        documents=len(found),
        posts=posts,
        link=dashboard_link(settings, rule, None, None),
    )
    matched = tuple(p["doc_id"] for p in found[:MAX_TAGGED])
    return [Candidate(firing, float(len(found)), doc_ids=matched)]


def rating_below(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    window = _window(con, rule, now, rule.param("window"))
    if window is None:
        return []
    start, end = window
    fig = _figures(con, rule, now, start, end)
    if fig["rated"] < rule.param("min_posts") or fig["average_rating"] is None:
        return []
    average = float(fig["average_rating"])
    if average >= rule.params["below"]:
        return []
    before = _figures(con, rule, now, *_previous(start, end))
    label = _label(start, end)
    why = f"The average rating of {subject(rule, scope_names(con, rule))} fell to {average:.2f}"
    if before["average_rating"] is not None:
        why += (
            f" (from {before['average_rating']:.2f} the {'day' if start == end else 'week'} before)"
        )
    why += f" {'on' if start == end else 'in'} {label}, over {fig['rated']} ratings"
    figures = {
        "window": label,
        "average_rating": average,
        "rated": fig["rated"],
        "previous_rating": before["average_rating"],
        "below": rule.params["below"],
    }
    firing = _window_firing(
        con,
        settings,
        rule,
        now,
        (start, end),
        window=label,
        why=why,
        figures=figures,
        documents=fig["rated"],
    )
    matched = _doc_ids(con, scope_filters(rule), now, start, end)
    return [Candidate(firing, average, lower_is_worse=True, doc_ids=matched)]


def campaign_negative(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    """A running campaign whose brand net sentiment so far is below the window before it.

    Fires at most once per campaign and day: the window is the campaign and today's date,
    and the cooldown keeps a steady figure from firing every day unless it worsens."""
    from analysis.campaigns.results import Sentiment, net_difference

    name = str(rule.params["campaign"])
    found = records(con, sql.CAMPAIGN_DATES, [name])
    if not found:
        raise BrandpulseError(
            explain(
                f"No campaign named '{name}'",
                fix="import it with `brandpulse campaigns import FILE`, or fix the rule.",
            )
        )
    campaign = found[0]
    start, end, today = campaign["start_date"], campaign["end_date"], now.date()
    if not start <= today <= end:
        return []  # only a running campaign: its final verdict is the Campaigns page's
    windows = {w: Sentiment() for w in ("before", "during")}
    for row in records(con, sql.CAMPAIGN_RUNNING, [name, now, today]):
        windows[row["phase"]] = Sentiment(
            row["documents"], row["labeled"], row["positive"], row["negative"]
        )
    during, before = windows["during"], windows["before"]
    uplift = net_difference(during, before)
    if uplift is None or during.documents < int(rule.param("min_posts")):
        return []
    change = uplift[0]
    if change >= float(rule.param("below")):
        return []
    why = (
        f"{name}'s net sentiment uplift turned negative: {change:+.2f} (net sentiment "
        f"{during.net:+.2f} during against {before.net:+.2f} before), "
        f"{during.documents} posts so far"
    )
    figures = {
        "window": today.isoformat(),
        "campaign": name,
        "brand": campaign["brand"],
        "uplift": round(change, 4),
        "net_during": round(during.net or 0.0, 4),
        "net_before": round(before.net or 0.0, 4),
        "documents": during.documents,
        "below": float(rule.param("below")),
    }
    # The link shows the brand's posts of the campaign's days: what the uplift counts.
    brand_scope = {"brand": campaign["brand"]} if campaign["brand"] else {}
    campaign_rule = replace(rule, scope={**rule.scope, **brand_scope})
    filters = replace(scope_filters(rule, start, today), brand=campaign["brand"])
    firing = _window_firing(
        con,
        settings,
        rule,
        now,
        (start, today),
        window=f"campaign:{name}:{today.isoformat()}",
        why=why,
        figures=figures,
        documents=during.documents,
        posts=filters,
        link_rule=campaign_rule,
    )
    ids = con.execute(sql.CAMPAIGN_DOC_IDS, [name, now, today, MAX_TAGGED]).fetchall()
    # A lower uplift is worse: the cooldown lets a deepening backfire through.
    return [Candidate(firing, change, lower_is_worse=True, doc_ids=tuple(r[0] for r in ids))]


EVALUATORS = {
    "negative_share": negative_share,
    "volume_spike": volume_spike,
    "emerging_topic": emerging_topic,
    "rating_below": rating_below,
    "campaign_negative": campaign_negative,
}


def window_size(rule: Rule) -> str:
    """ "day" or "week": the window a rule's figures are judged on."""
    if rule.condition in ("negative_share", "rating_below"):
        return str(rule.param("window"))
    return "week"  # volume spikes and emerging topics are weekly tests


def day_end(day: date) -> datetime:
    """The last moment of ``day`` in UTC (the next day's start less a microsecond, the
    database's precision): the moment a check at the day's end sees, posts of its last
    second included. The engine's catch-up and the backtest's checks both use it."""
    return datetime.combine(shift(day, 1), time(), tzinfo=UTC) - timedelta(microseconds=1)


def _closed_since(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, last_check: datetime
) -> datetime | None:
    """The end of the window before the newest one, when it ended after ``last_check``.

    Day windows take the newest earlier day with data: a Friday whose late posts arrive with
    Monday's export is still judged after an empty weekend. Week windows take only the
    adjacent week (after a week with no data the one before is history: the backtest
    shows it)."""
    size = window_size(rule)
    newest = _window(con, rule, now, size)
    if newest is None:
        return None
    previous = _window(con, rule, day_end(shift(newest[0], -1)), size)
    if previous is None or (size != "day" and previous[1] != shift(newest[0], -1)):
        return None
    closed = day_end(previous[1])
    return closed if closed > last_check else None


def evaluate(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    settings: Any,
    now: datetime | None = None,
    *,
    after_run: int | None = None,
    last_check: datetime | None = None,
) -> list[Candidate]:
    """The candidate firings of ``rule`` at ``now`` (default: the clock), oldest window first.

    With ``last_check`` (the rule's previous check), the window that closed since then is
    judged as it stood when it closed, as the backtest replays it."""
    moment = utc_now(now)
    if rule.condition == "keywords":
        return keywords(con, rule, moment, settings, after_run=after_run)
    evaluator = EVALUATORS.get(rule.condition)
    if evaluator is None:
        raise BrandpulseError(
            explain(
                f"The condition {rule.condition} is not checked yet",
                expected=", ".join([*EVALUATORS, "keywords"]),
                fix="disable the rule for now.",
            )
        )
    scope_names(con, rule)  # a theme or topic the current model lacks: reported, not watched
    windowed = rule.condition != "campaign_negative"  # a campaign's window is the day itself
    closed = _closed_since(con, rule, moment, last_check) if last_check and windowed else None
    caught_up = [
        replace(c, firing=replace(c.firing, fired_at=moment))
        for c in (evaluator(con, rule, closed, settings) if closed else [])
    ]
    return caught_up + evaluator(con, rule, moment, settings)
