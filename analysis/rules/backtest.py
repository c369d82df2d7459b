"""Replay a rule over the stored history: the windows where it would have fired.

A simulated check runs at the end of every week (every day for day windows) from the first
data in the rule's scope to the last, through the same :func:`evaluate` the engine calls, and
applies the engine's bookkeeping in memory: a window fires once, and within the cooldown only
a worse figure fires again. Nothing is written, so it runs on a read-only connection and a
marketer can tune a rule before saving it.

Keywords rules are replayed per ingest run instead: each run that brought matching posts is
one hit, at the time the run finished. A saved keywords rule only ever reports posts of runs
after it was added; the backtest shows what it would have said about every run so far.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import duckdb

from analysis.periods import iso_week
from analysis.rules import sql
from analysis.rules.conditions import (
    Candidate,
    dashboard_link,
    day_end,
    evaluate,
    held_back,
    keywords_why,
    scope_filters,
    scope_names,
    window_size,
)
from analysis.rules.model import Firing, Post, Rule
from analysis.rules.sql import BACKTEST_RUNS, BACKTEST_SPAN
from analysis.rules.words import keyword_pattern
from loaders.dates import shift
from loaders.store import records

MAX_WEEKS_BACK = 156  # three years of weekly checks
MAX_DAYS_BACK = 366  # a year of daily checks
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BacktestHit:
    """A window where the rule would have fired, as the engine would have recorded it."""

    window: str
    fired_at: datetime  # the simulated check's moment
    why: str
    figures: dict[str, Any]
    value: float | None  # the figure the cooldown compares
    firing: Firing  # the whole firing, e.g. for a test notification


@dataclass(frozen=True)
class WindowFigure:
    """One window's figure (fired or not), for a chart of the figure against the threshold."""

    window: str
    start: date
    end: date
    value: float | None  # negative share or average rating; None below the minimum posts
    posts: int  # labelled posts (negative share) or ratings (rating below)
    fired: bool


def check_moments(first: date, last: date, size: str) -> list[datetime]:
    """The end of every day (size "day") or ISO week between two days, in UTC."""
    if size == "day":
        days = [shift(first, n) for n in range((last - first).days + 1)]
    else:
        # Every Sunday from the first day's week to the last day's week.
        sunday = shift(first, 6 - first.weekday())
        days = [
            shift(sunday, 7 * n)
            for n in range((shift(last, 6 - last.weekday()) - sunday).days // 7 + 1)
        ]
    return [day_end(d) for d in days]


def _span(
    con: duckdb.DuckDBPyConnection, rule: Rule, start: date | None, end: date | None
) -> tuple[date, date] | None:
    [row] = records(con, BACKTEST_SPAN, scope_filters(rule).params())
    if row["first"] is None:
        return None
    first = max(row["first"], start) if start else row["first"]
    last = min(row["last"], end) if end else row["last"]
    # A replay is one check per week (or day): a span reaching back decades (placeholder
    # dates, or just old data) is cut to the recent history a threshold is tuned on.
    days = MAX_DAYS_BACK if window_size(rule) == "day" else 7 * MAX_WEEKS_BACK
    first = max(first, shift(last, -days))
    return (first, last) if first <= last else None


def _held_back(candidate: Candidate, last: BacktestHit | None, rule: Rule, now: datetime) -> bool:
    """The engine's cooldown (conditions.held_back) against the last simulated firing."""
    if last is None:
        return False
    return held_back(rule, candidate, last.fired_at, last.value, now)


def _hit(candidate: Candidate) -> BacktestHit:
    firing = candidate.firing
    return BacktestHit(
        firing.window, firing.fired_at, firing.why, firing.figures, candidate.value, firing
    )


def backtest(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    settings: Any,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[BacktestHit]:
    """The windows where ``rule`` would have fired, oldest first (see the module's notes)."""
    if rule.condition == "keywords":
        return _keyword_hits(con, rule, settings, start, end)
    span = _span(con, rule, start, end)
    if span is None:
        return []
    hits: list[BacktestHit] = []
    fired: set[str] = set()
    for moment in check_moments(*span, window_size(rule)):
        for candidate in evaluate(con, rule, settings, moment):
            window = candidate.firing.window
            last = hits[-1] if hits else None
            if window in fired or _held_back(candidate, last, rule, moment):
                continue
            fired.add(window)
            hits.append(_hit(candidate))
    return hits


def _keyword_hits(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    settings: Any,
    start: date | None,
    end: date | None,
) -> list[BacktestHit]:
    """One hit per ingest run with matching posts in the scope (and dates, when given)."""
    words = [str(w) for w in rule.params.get("words", [])]
    if not words:
        return []
    found = records(
        con,
        sql.KEYWORD_POSTS,
        [*scope_filters(rule, start, end).params(), _FAR_FUTURE, 0, keyword_pattern(words)],
    )
    names = scope_names(con, rule)
    by_run: dict[int, list[dict[str, Any]]] = {}
    for post in found:
        by_run.setdefault(post["ingest_run_id"], []).append(post)
    hits: list[BacktestHit] = []
    for run in records(con, BACKTEST_RUNS):
        posts = by_run.get(run["run_id"])
        if not posts:
            continue
        candidate = _keyword_candidate(rule, settings, run, posts, words, names)
        last = hits[-1] if hits else None
        if not _held_back(candidate, last, rule, candidate.firing.fired_at):
            hits.append(_hit(candidate))
    return hits


def _keyword_candidate(
    rule: Rule,
    settings: Any,
    run: dict[str, Any],
    posts: list[dict[str, Any]],
    words: list[str],
    names: dict[str, str],
) -> Candidate:
    # Worded as the engine's keywords condition words its firings.
    matched, why = keywords_why(rule, words, posts, names)
    count = len(posts)
    figures = {
        "posts": count,
        "words": matched,
        "through_run": run["run_id"],
        "doc_ids": [p["doc_id"] for p in posts[:100]],
    }
    firing = Firing(
        rule=rule.name,
        window=f"runs-through:{run['run_id']}",
        fired_at=run["finished_at"],
        why=why,
        figures=figures,
        documents=count,
        posts=tuple(
            Post(p["doc_id"], p["text"], p["label"], p["url"], p["created_at"]) for p in posts[:3]
        ),
        link=dashboard_link(settings, rule, None, None),
    )
    return Candidate(firing, float(count))


def window_figures(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    hits: list[BacktestHit],
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[WindowFigure]:
    """Every window's figure for the threshold rules (negative share, rating below), as the
    check at the window's end reads it; empty for the other conditions."""
    if rule.condition not in ("negative_share", "rating_below"):
        return []
    span = _span(con, rule, start, end)
    if span is None:
        return []
    size = window_size(rule)
    fired = {h.window for h in hits}
    out = []
    for moment in check_moments(*span, size):
        last = moment.date()
        first = last if size == "day" else shift(last, -6)
        [row] = records(
            con, sql.WINDOW_FIGURES, [*scope_filters(rule).params(), moment, first, last]
        )
        out.append(_figure(rule, row, first, last, size, fired))
    return [f for f in out if f.posts]


def _figure(
    rule: Rule, row: dict[str, Any], first: date, last: date, size: str, fired: set[str]
) -> WindowFigure:
    label = first.isoformat() if size == "day" else iso_week(first)
    if rule.condition == "negative_share":
        posts, enough = row["labeled"], row["labeled"] >= rule.param("min_posts")
        value = row["negative"] / posts if posts and enough else None
    else:
        posts, enough = row["rated"], row["rated"] >= rule.param("min_posts")
        average = row["average_rating"]
        value = float(average) if average is not None and enough else None
    return WindowFigure(label, first, last, value, posts, label in fired)


def sample_firing(rule: Rule, hits: list[BacktestHit], now: datetime) -> Firing:
    """A firing to try the rule's actions with: its latest backtest hit, or a clearly-marked
    made-up one when it never fired; either way the message says it is a test."""
    if hits:
        base = hits[-1].firing
        return replace(base, rule=rule.name, fired_at=now, why=f"TEST: {base.why}")
    return Firing(
        rule=rule.name,
        window="test",
        fired_at=now,
        why=f"TEST notification of the rule '{rule.name}': it has not fired on the data so far",
        figures={"test": True},
        documents=0,
    )
