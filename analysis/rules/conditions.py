"""A rule's condition over the database at ``now``: zero or more candidate firings.

Each candidate names its window (what it fired for, so the same data never fires twice), a
plain sentence built from the figures, the figures themselves, the matched documents, up to
three telling posts and a dashboard link with the rule's filters. Week windows are the newest
ISO week with data up to ``now`` (so a crisis fires during its week, not after it); day
windows the newest day with data up to ``now``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import duckdb

from analysis.filters import Filters
from analysis.insight.posts import find_posts
from analysis.periods import iso_week
from analysis.rules import sql
from analysis.rules.model import Firing, Post, Rule
from analysis.rules.store import since_run
from loaders.dates import shift, utc_now
from loaders.errors import BrandpulseError, explain
from loaders.store import records, scalar

# Scope key -> the dashboard's URL key (dashboard.filter_state.URL_KEYS, which analysis
# cannot import: the dashboard sits above it).
_URL_KEYS = {"language": "lang"}


@dataclass(frozen=True)
class Candidate:
    firing: Firing
    value: float | None  # the figure a cooldown compares; higher is worse unless lower_is_worse
    lower_is_worse: bool = False


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


def _subject(rule: Rule) -> str:
    """Who the posts are about, e.g. "Tidewell" or "Tidewell (channel: amazon)"."""
    rest = [f"{k}: {v}" for k, v in rule.scope.items() if k != "brand"]
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


def negative_share(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    window = _window(con, rule, now, rule.params.get("window", "week"))
    if window is None:
        return []
    start, end = window
    now_fig = _figures(con, rule, now, start, end)
    if now_fig["labeled"] < rule.params.get("min_posts", 20):
        return []
    share = now_fig["negative"] / now_fig["labeled"]
    if share <= rule.params["above"]:
        return []
    before = _figures(con, rule, now, *_previous(start, end))
    before_share = before["negative"] / before["labeled"] if before["labeled"] else None
    label = _label(start, end)
    why = f"Negative posts about {_subject(rule)} rose to {share:.0%}"
    if before_share is not None:
        why += f" (from {before_share:.0%} the {'day' if start == end else 'week'} before)"
    why += f" in {label}"
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
    firing = Firing(
        rule=rule.name,
        window=label,
        fired_at=now,
        why=why,
        figures=figures,
        documents=now_fig["negative"],
        posts=_posts(con, replace(filters, sentiment="negative"), "most negative"),
        link=dashboard_link(settings, rule, start, end),
    )
    return [Candidate(firing, share)]


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
        baseline_weeks=int(rule.params.get("baseline_weeks", 4)),
        z_threshold=float(rule.params.get("z", 3.0)),
        min_relative_volume=float(rule.params.get("times", 2.0)),
    )
    out = []
    for spike in spikes:
        if spike.week != monday or spike.metric != "volume":
            continue
        label = iso_week(monday)
        drivers = _topic_drivers(spike)
        why = f"{spike.headline()} ({_subject(rule)})" + (
            f", driven by {drivers}" if drivers else ""
        )
        figures = {"window": label, "volume": spike.value, "baseline": spike.baseline, "z": spike.z}
        firing = Firing(
            rule=rule.name,
            window=label,
            fired_at=now,
            why=why,
            figures=figures,
            documents=int(spike.value),
            posts=_posts(con, scope_filters(rule, monday, sunday), "most negative"),
            link=dashboard_link(settings, rule, monday, sunday),
        )
        out.append(Candidate(firing, spike.value))
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
        alpha=float(rule.params.get("alpha", 0.01)),
        min_documents=int(rule.params.get("min_documents", 10)),
        min_growth=float(rule.params.get("min_growth", 2.0)),
    )
    out = []
    for topic in (t for t in found if t.emerging):
        label = f"{iso_week(monday)}:topic:{topic.topic}"
        why = (
            f"The topic '{topic.display_name}' is emerging for {_subject(rule)} in "
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
        firing = Firing(
            rule=rule.name,
            window=label,
            fired_at=now,
            why=why,
            figures=figures,
            documents=topic.documents,
            posts=_posts(con, filters, "most negative"),
            link=dashboard_link(
                settings, replace(rule, scope={**rule.scope, "topic": topic.topic}), monday, sunday
            ),
        )
        out.append(Candidate(firing, topic.share))
    return out


def keyword_pattern(words: list[str]) -> str:
    """Whole words, case-insensitive (RE2 syntax, as DuckDB's regexp_matches reads it)."""
    return r"\b(" + "|".join(re.escape(w) for w in words) + r")\b"


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
    matched = sorted(
        {w for p in found for w in words if re.search(keyword_pattern([w]), p["text"], re.I)}
    )
    why = (
        f"{len(found)} new post{'s' if len(found) != 1 else ''} about {_subject(rule)} "
        f"mention{'s' if len(found) == 1 else ''} {', '.join(repr(w) for w in matched)}"
    )
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
    return [Candidate(firing, float(len(found)))]


def rating_below(
    con: duckdb.DuckDBPyConnection, rule: Rule, now: datetime, settings: Any
) -> list[Candidate]:
    window = _window(con, rule, now, rule.params.get("window", "week"))
    if window is None:
        return []
    start, end = window
    fig = _figures(con, rule, now, start, end)
    if fig["rated"] < rule.params.get("min_posts", 10) or fig["average_rating"] is None:
        return []
    average = float(fig["average_rating"])
    if average >= rule.params["below"]:
        return []
    before = _figures(con, rule, now, *_previous(start, end))
    label = _label(start, end)
    why = f"The average rating of {_subject(rule)} fell to {average:.2f}"
    if before["average_rating"] is not None:
        why += (
            f" (from {before['average_rating']:.2f} the {'day' if start == end else 'week'} before)"
        )
    why += f" in {label}, over {fig['rated']} ratings"
    figures = {
        "window": label,
        "average_rating": average,
        "rated": fig["rated"],
        "previous_rating": before["average_rating"],
        "below": rule.params["below"],
    }
    firing = Firing(
        rule=rule.name,
        window=label,
        fired_at=now,
        why=why,
        figures=figures,
        documents=fig["rated"],
        posts=_posts(con, scope_filters(rule, start, end), "most negative"),
        link=dashboard_link(settings, rule, start, end),
    )
    return [Candidate(firing, average, lower_is_worse=True)]


EVALUATORS = {
    "negative_share": negative_share,
    "volume_spike": volume_spike,
    "emerging_topic": emerging_topic,
    "rating_below": rating_below,
}


def evaluate(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    settings: Any,
    now: datetime | None = None,
    *,
    after_run: int | None = None,
) -> list[Candidate]:
    """The candidate firings of ``rule`` at ``now`` (default: the clock)."""
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
    return evaluator(con, rule, moment, settings)
