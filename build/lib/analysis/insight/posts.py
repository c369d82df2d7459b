"""The posts behind a figure: filtered, ordered (newest, most negative, most liked ...) and bounded."""

from __future__ import annotations

from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.insight.sql import POSTS
from loaders.errors import BrandpulseError, explain
from loaders.store import records


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
    if order not in POSTS:
        raise BrandpulseError(explain(f"Cannot sort posts by '{order}'", expected=", ".join(POSTS)))
    term = search.strip() if search and search.strip() else None
    params = [*filters.params(), term, term, max(1, min(limit, 1000)), max(0, offset)]
    return records(con, POSTS[order], params)
