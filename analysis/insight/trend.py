"""Sentiment over time: the trend by day, week or month, the rating distribution and per-brand sparklines."""

from __future__ import annotations

from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.sql import (
    BRAND_WEEKLY,
    RATING_DISTRIBUTION,
    SENTIMENT_SEGMENTS,
    SENTIMENT_TREND,
    SENTIMENT_TREND_BY_CATEGORY,
)
from analysis.periods import bucket_coverage, iso_week
from loaders.errors import BrandpulseError, explain
from loaders.store import records

# --- sentiment page and post browser -----------------------------------------------------------
GRAINS = ("day", "week", "month")


def sentiment_trend(
    con: duckdb.DuckDBPyConnection,
    filters: Filters = NO_FILTERS,
    *,
    grain: str = "week",
    by: str | None = None,
    category: str | None = None,
) -> list[dict[str, Any]]:
    """Per day/week/month (and segment, or ``category``: one of the export's own columns,
    see :func:`analysis.filters.category_values`): documents, label counts and mean score, and the
    bucket's coverage: its ``days`` inside the data's span (within the filter's dates) of its
    ``bucket_days``, and ``partial`` when fewer (a first or last week cut by the period or by
    the export's first or last day, whose volume would read as a drop)."""
    if grain not in GRAINS or by not in SENTIMENT_TREND:
        raise BrandpulseError(
            explain(
                f"Cannot chart sentiment per {grain} by {by}",
                expected=f"grain in {', '.join(GRAINS)}; segment in "
                + ", ".join(SENTIMENT_SEGMENTS),
            )
        )
    if category is not None:  # split by one of the export's own columns instead
        rows = records(con, SENTIMENT_TREND_BY_CATEGORY, [grain, category, *filters.params()])
    else:
        rows = records(con, SENTIMENT_TREND[by], [grain, *filters.params()])
    coverage = bucket_coverage(con, grain, filters.start, filters.end)
    for row in rows:
        days, length = coverage.get(row["period"], (0, 1))
        row.update(days=days, bucket_days=length, partial=days < length)
    return rows


def partial_text(row: dict[str, Any], grain: str) -> str:
    """'partial week (3 of 7 days)' for a partial row of :func:`sentiment_trend`, else ''."""
    if not row.get("partial"):
        return ""
    return f"partial {grain} ({row['days']} of {row['bucket_days']} days)"


def rating_distribution(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Documents per star rating (1-5), for rated documents."""
    return records(con, RATING_DISTRIBUTION, filters.params())


def brand_sparklines(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per brand: documents, net sentiment, and both per full week (lists, oldest first).

    A partial first or last week (cut by the filter's dates or the data's first or last day)
    is left out of the lists, as its lower volume would draw a steep drop that is not one;
    ``partial_weeks`` names them ('2025-W42 (3 of 7 days)'). ``documents`` counts every week.
    """
    rows = records(con, BRAND_WEEKLY, filters.params())
    coverage = bucket_coverage(con, "week", filters.start, filters.end)
    for row in rows:
        weeks = row.pop("weeks")
        full = [coverage.get(w, (0, 7))[0] >= 7 for w in weeks]
        for name in ("weekly_documents", "weekly_net_sentiment"):
            row[name] = [v for v, keep in zip(row[name], full, strict=True) if keep]
        row["partial_weeks"] = [
            f"{iso_week(w)} ({coverage.get(w, (0, 7))[0]} of 7 days)"
            for w, keep in zip(weeks, full, strict=True)
            if not keep
        ]
    return rows
