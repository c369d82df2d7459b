"""The Overview page's figures: a period against the one before, and what moved most.

Every figure is aggregated in DuckDB (:data:`analysis.queries.PERIOD_KPIS`) over the same
effective sentiment as the rest of the app, with the filters of :mod:`analysis.filters`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import duckdb

from analysis import queries
from analysis.filters import NO_FILTERS, Filters
from loaders.dates import shift, utc_now
from loaders.errors import BrandpulseError, explain
from loaders.store import records

KPI_FIELDS = ("documents", "net_sentiment", "share_negative", "average_rating")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The as long period right before (held at Python's first date in year 1)."""
        return Period(shift(self.start, -self.days), shift(self.start, -1))


def data_span(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> Period | None:
    """First to last day with data, leaving out documents dated after ``now`` (default:
    the clock) and those no reader can place (see loaders.dates); None when none is left."""
    first, last = con.execute(queries.DATE_RANGE, [utc_now(now)]).fetchall()[0]
    return None if last is None else Period(first, last)


def default_period(
    con: duckdb.DuckDBPyConnection, days: int = 7, now: datetime | None = None
) -> Period | None:
    """The last ``days`` days that have data up to ``now``, or None for an empty database.

    A placeholder date in the future (9999-12-31) does not move the period there.
    """
    span = data_span(con, now)
    if span is None:
        return None
    return Period(max(span.start, shift(span.end, 1 - days)), span.end)


@dataclass(frozen=True)
class Kpi:
    name: str
    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def _period_rows(
    con: duckdb.DuckDBPyConnection, sql: str, period: Period, filters: Filters
) -> list[dict[str, Any]]:
    if period.end < period.start:
        raise BrandpulseError(
            explain(
                "The period ends before it starts",
                found=f"{period.start} to {period.end}",
                fix="pick an end date on or after the start date.",
            )
        )
    undated = replace(filters, start=None, end=None)
    params = [period.start, period.previous().start, period.end, *undated.params()]
    return records(con, sql, params)


def period_kpis(
    con: duckdb.DuckDBPyConnection, period: Period, filters: Filters = NO_FILTERS
) -> dict[str, Kpi]:
    """Volume, net sentiment, share negative and average rating, now and the period before."""
    rows = {r["period"]: r for r in _period_rows(con, queries.PERIOD_KPIS, period, filters)}
    empty = dict.fromkeys(KPI_FIELDS)
    now, before = rows.get("current", empty), rows.get("previous", empty)
    return {
        name: Kpi(
            name,
            now[name] if name != "documents" else (now["documents"] or 0),
            before[name] if name != "documents" else (before["documents"] or 0),
        )
        for name in KPI_FIELDS
    }


@dataclass(frozen=True)
class Mover:
    key: Any  # the brand, product, channel, source, or topic number
    documents: int
    previous_documents: int
    share_negative: float | None
    previous_share_negative: float | None

    @property
    def change(self) -> int:
        return self.documents - self.previous_documents


def top_movers(
    con: duckdb.DuckDBPyConnection,
    by: str,
    period: Period,
    filters: Filters = NO_FILTERS,
    limit: int = 5,
) -> list[Mover]:
    """The ``by`` values whose volume changed most against the previous period."""
    if by not in queries.PERIOD_BY:
        raise BrandpulseError(
            explain(f"Cannot rank movers by '{by}'", expected=", ".join(queries.PERIOD_BY))
        )
    merged: dict[Any, dict[str, Any]] = {}
    for row in _period_rows(con, queries.PERIOD_BY[by], period, filters):
        if row["key"] is None or (by == "topic" and row["key"] < 0):
            continue
        merged.setdefault(row["key"], {})[row["period"]] = row
    movers = [
        Mover(
            key,
            (p.get("current") or {}).get("documents", 0),
            (p.get("previous") or {}).get("documents", 0),
            (p.get("current") or {}).get("share_negative"),
            (p.get("previous") or {}).get("share_negative"),
        )
        for key, p in merged.items()
    ]
    movers.sort(key=lambda m: (-abs(m.change), str(m.key)))
    return movers[:limit]


# --- sentiment page and post browser -----------------------------------------------------------
GRAINS = ("day", "week", "month")


def sentiment_trend(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = NO_FILTERS,
    *,
    grain: str = "week",
    by: str | None = None,
) -> list[dict[str, Any]]:
    """Per day/week/month (and segment): documents, label counts and mean score."""
    if grain not in GRAINS or by not in queries.SENTIMENT_TREND:
        raise BrandpulseError(
            explain(
                f"Cannot chart sentiment per {grain} by {by}",
                expected=f"grain in {', '.join(GRAINS)}; segment in "
                + ", ".join(queries.SENTIMENT_SEGMENTS),
            )
        )
    return records(con, queries.SENTIMENT_TREND[by], [grain, *filters.params()])


def rating_distribution(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Documents per star rating (1-5), for rated documents."""
    return records(con, queries.RATING_DISTRIBUTION, filters.params())


def find_posts(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = NO_FILTERS,
    *,
    search: str | None = None,
    order: str = "newest",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The posts behind any figure: filtered, optionally searched (case-insensitive), sorted."""
    if order not in queries.POSTS:
        raise BrandpulseError(
            explain(f"Cannot sort posts by '{order}'", expected=", ".join(queries.POSTS))
        )
    term = search.strip() if search and search.strip() else None
    params = [*filters.params(), term, term, max(1, min(limit, 1000)), max(0, offset)]
    return records(con, queries.POSTS[order], params)


def facet_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, int]]]:
    """Filter bar choices: facet -> [(value, documents)], most frequent first."""
    found: dict[str, list[tuple[str, int]]] = {}
    for facet, value, documents in con.execute(queries.FACET_VALUES).fetchall():
        found.setdefault(facet, []).append((value, documents))
    return found


@dataclass(frozen=True)
class AnalysisState:
    documents: int
    scored: int  # documents with a row from the active sentiment model
    topic_run: int | None  # the current topic model, None before the first fit
    without_topic: int  # documents not yet given a topic by the current model
    corrections: int  # documents with a human sentiment label

    @property
    def pending(self) -> bool:
        """True when `analyze` has work: unscored documents, or documents without a topic."""
        return self.scored < self.documents or self.topic_run is None or self.without_topic > 0


def analysis_state(con: duckdb.DuckDBPyConnection) -> AnalysisState:
    """Counts behind the empty states: no data yet, analysis not run, new data to analyze."""
    return AnalysisState(**records(con, queries.ANALYSIS_STATE)[0])


def brand_sparklines(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per brand: documents, net sentiment, and both per week (lists, oldest first)."""
    return records(con, queries.BRAND_SPARKLINES, filters.params())
