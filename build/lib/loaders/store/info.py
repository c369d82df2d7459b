"""Summaries of what the store holds (``brandpulse db info``, the dashboard's data page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from loaders.store.connection import schema_version
from loaders.store.primitives import records, scalar
from loaders.store.sql import (
    COUNT_CAMPAIGNS,
    COUNTS_BY,
    DATE_RANGE,
    RECENT_RUNS,
    REJECTED_FOR_RUN,
)


@dataclass
class StoreInfo:
    schema_version: int
    documents: int
    first: datetime | None
    last: datetime | None  # first and last dates readers show (loaders.dates)
    counts: dict[
        str, list[tuple[Any, ...]]
    ]  # "kind" | "source" | "brand" -> rows (value, documents)
    runs: list[tuple[Any, ...]]
    campaigns: int
    outside_window: int = 0  # documents dated where no reader shows them (year 1, 9999, ...)
    after_now: int = 0  # documents dated in the future


RUN_COLUMNS = (
    "run",
    "file",
    "kind",
    "preset",
    "read",
    "inserted",
    "duplicates",
    "rejected",
    "lines",
    "finished (UTC)",
)


def store_info(con: duckdb.DuckDBPyConnection, recent_runs: int = 10) -> StoreInfo:
    """What the store holds: documents and their dates, counts by kind, source and brand, recent runs."""
    dates = records(con, DATE_RANGE)[0]
    return StoreInfo(
        schema_version=schema_version(con),
        documents=dates["documents"],
        first=dates["first"],
        last=dates["last"],
        counts={name: con.execute(sql).fetchall() for name, sql in COUNTS_BY.items()},
        runs=con.execute(RECENT_RUNS, [recent_runs]).fetchall(),
        campaigns=scalar(con, COUNT_CAMPAIGNS),
        outside_window=dates["outside_window"],
        after_now=dates["after_now"],
    )


def rejected_rows(
    con: duckdb.DuckDBPyConnection, run_id: int, limit: int = 50
) -> list[tuple[int, str, str]]:
    """The quarantined rows of one ingest run: (row number, reason, raw row), in file order."""
    return con.execute(REJECTED_FOR_RUN, [run_id, limit]).fetchall()
