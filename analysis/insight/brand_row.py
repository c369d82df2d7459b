"""The Overview's brand rows: each brand's share of voice, net sentiment and % negative in a
period, their changes against the period before, my brand first; and my brand's top complaints.

Aggregated in DuckDB (:data:`analysis.insight.sql.BRAND_TABLE`). Shares of voice are parts of
the period's posts that name a brand, so they sum to 1 over the brands.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.brands import brand_table
from analysis.periods import Period
from analysis.topics.trends import topic_sentiment

# The figures each row holds for the period and, as ``*_change``, against the one before.
BRAND_FIGURES = ("share_of_voice", "net_sentiment", "share_negative")


def brand_rows(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    filters: Filters = NO_FILTERS,
    *,
    mine: str | None = None,
) -> list[dict[str, Any]]:
    """One row per brand with posts in ``period``: ``brand``, ``mine``, ``documents``,
    ``previous_documents``, and each of :data:`BRAND_FIGURES` with its ``*_change`` (from
    :func:`analysis.insight.brands.brand_table`, which the weekly report reads too).

    ``filters``' own dates and brand are ignored (the period sets the dates, and a share of
    voice needs every brand). ``mine`` comes first, then the most posts.
    """
    rows = []
    for found in brand_table(con, period, filters):
        if not found["posts"]:
            continue  # a brand of the previous period only has no row in this one
        row: dict[str, Any] = {
            "brand": found["brand"],
            "mine": found["brand"] == mine,
            "documents": found["posts"],
            "previous_documents": found["previous_posts"],
        }
        for name in BRAND_FIGURES:
            row[name] = found[name]
            # A brand new to the period has no share of voice to change from.
            row[f"{name}_change"] = found[f"{name}_change"] if found["previous_posts"] else None
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
