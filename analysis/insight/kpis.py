"""The Overview page's figures: a period against the one before, and what moved most.

Every figure is aggregated in DuckDB (:data:`analysis.insight.sql.PERIOD_KPIS`) over the same
effective sentiment as the rest of the app, with the filters of :mod:`analysis.filters`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.sql import PERIOD_BY, PERIOD_KPIS
from analysis.periods import Period
from loaders.errors import BrandpulseError, explain
from loaders.store import records

KPI_FIELDS = ("documents", "net_sentiment", "share_negative", "average_rating")


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


def period_rows(
    con: duckdb.DuckDBPyConnection, sql: str, period: Period, filters: Filters
) -> list[dict[str, Any]]:
    """Rows of a query over ``period`` and the one before it (parameters: current start,
    previous start, end, then the filters without their dates)."""
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
    rows = {r["period"]: r for r in period_rows(con, PERIOD_KPIS, period, filters)}
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
    if by not in PERIOD_BY:
        raise BrandpulseError(
            explain(f"Cannot rank movers by '{by}'", expected=", ".join(PERIOD_BY))
        )
    merged: dict[Any, dict[str, Any]] = {}
    for row in period_rows(con, PERIOD_BY[by], period, filters):
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
