"""The Overview's brand rows: each brand's share of voice, net sentiment and % negative in a
period, their changes against the period before, my brand first; and my brand's top complaints.

Aggregated in DuckDB (:data:`analysis.insight.sql.BRAND_ROWS`). Shares of voice are parts of
the period's posts that name a brand, so they sum to 1 over the brands.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.sql import BRAND_ROWS
from analysis.periods import Period
from analysis.topics.trends import topic_sentiment
from loaders.errors import BrandpulseError, explain
from loaders.store import records

# The figures each row holds for the period and, as ``*_change``, against the one before.
BRAND_FIGURES = ("share_of_voice", "net_sentiment", "share_negative")


def _change(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def brand_rows(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    filters: Filters = NO_FILTERS,
    *,
    mine: str | None = None,
) -> list[dict[str, Any]]:
    """One row per brand with posts in ``period``: ``brand``, ``mine``, ``documents``,
    ``previous_documents``, and each of :data:`BRAND_FIGURES` with its ``*_change``.

    ``filters``' own dates and brand are ignored (the period sets the dates, and a share of
    voice needs every brand). ``mine`` comes first, then the most posts.
    """
    if period.end < period.start:
        raise BrandpulseError(
            explain(
                "The period ends before it starts",
                found=f"{period.start} to {period.end}",
                fix="pick an end date on or after the start date.",
            )
        )
    every_brand = replace(filters, start=None, end=None, brand=None)
    params = [period.start, period.previous().start, period.end, *every_brand.params()]
    by_brand: dict[str, dict[str, dict[str, Any]]] = {}
    for row in records(con, BRAND_ROWS, params):
        by_brand.setdefault(row["brand"], {})[row["period"]] = row
    rows = []
    for brand, periods in by_brand.items():
        now, before = periods.get("current"), periods.get("previous") or {}
        if now is None:
            continue  # a brand of the previous period only has no row in this one
        row: dict[str, Any] = {
            "brand": brand,
            "mine": brand == mine,
            "documents": now["documents"],
            "previous_documents": before.get("documents", 0),
        }
        for name in BRAND_FIGURES:
            row[name] = now[name]
            row[f"{name}_change"] = _change(now[name], before.get(name))
        rows.append(row)
    rows.sort(key=lambda r: (not r["mine"], -r["documents"], r["brand"]))
    return rows


def top_complaints(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brand: str,
    filters: Filters = NO_FILTERS,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """``brand``'s topics with the most negative posts in ``period``: topic, its theme, the
    negative posts, all posts and % negative (topics with no negative post are left out)."""
    scope = replace(filters, start=period.start, end=period.end, brand=brand, sentiment=None)
    found = [r for r in topic_sentiment(con, scope) if r["topic"] >= 0 and r["negative"]]
    found.sort(key=lambda r: (-r["negative"], -(r["share_negative"] or 0), r["topic"]))
    return [
        {
            "topic": r["label"],
            "theme": r["theme_name"],
            "negative posts": r["negative"],
            "posts": r["documents"],
            "% negative": r["share_negative"],
        }
        for r in found[:limit]
    ]
