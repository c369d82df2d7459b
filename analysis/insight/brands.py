"""Each brand against its competitors: share of voice, volume, net sentiment and negative share
of a period, with their change against the previous period of the same length.

Aggregated in DuckDB (:data:`analysis.insight.sql.BRAND_TABLE`) over the same effective
sentiment and KPI definitions as :mod:`analysis.insight.kpis`; the report's competitor table
and the Overview's per-brand row read it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.kpis import period_rows
from analysis.insight.sql import BRAND_TABLE
from analysis.periods import Period

# The figures that get a change against the previous period (key -> previous_key).
COMPARED = ("posts", "share_of_voice", "net_sentiment", "share_negative")


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def brand_table(
    con: duckdb.DuckDBPyConnection, period: Period, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per brand, largest first: ``posts``, ``share_of_voice`` (of every branded post in the
    period), ``net_sentiment``, ``share_negative`` (of its ``labeled`` posts), each with
    ``previous_<name>`` and
    ``<name>_change`` against the previous period of the same length, and ``days_with_data``
    / ``previous_days_with_data``. The filters' own dates and brand are ignored: ``period``
    sets the dates, and every brand is a row. A brand with posts only in the previous period
    is a row with 0 posts."""
    rows = period_rows(con, BRAND_TABLE, period, replace(filters, brand=None))
    for row in rows:
        for name in COMPARED:
            row[f"{name}_change"] = _change(row[name], row[f"previous_{name}"])
    return rows
