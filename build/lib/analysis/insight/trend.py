"""Sentiment over time: the trend by day, week or month, the rating distribution and per-brand sparklines."""

from __future__ import annotations

from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.sql import (
    BRAND_SPARKLINES,
    RATING_DISTRIBUTION,
    SENTIMENT_SEGMENTS,
    SENTIMENT_TREND,
)
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
) -> list[dict[str, Any]]:
    """Per day/week/month (and segment): documents, label counts and mean score."""
    if grain not in GRAINS or by not in SENTIMENT_TREND:
        raise BrandpulseError(
            explain(
                f"Cannot chart sentiment per {grain} by {by}",
                expected=f"grain in {', '.join(GRAINS)}; segment in "
                + ", ".join(SENTIMENT_SEGMENTS),
            )
        )
    return records(con, SENTIMENT_TREND[by], [grain, *filters.params()])


def rating_distribution(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Documents per star rating (1-5), for rated documents."""
    return records(con, RATING_DISTRIBUTION, filters.params())


def brand_sparklines(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS
) -> list[dict[str, Any]]:
    """Per brand: documents, net sentiment, and both per week (lists, oldest first)."""
    return records(con, BRAND_SPARKLINES, filters.params())
