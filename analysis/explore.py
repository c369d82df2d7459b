"""Ad-hoc SQL for the Explore page: read-only, no file or network access, a time limit.

Three locks, so that a typo or a curious query can neither change nor leak anything:

1. only one statement, and it must be a query (``SELECT``/``WITH``/``DESCRIBE``/...),
   checked with DuckDB's own parser before anything runs;
2. the database is attached read-only to a private in-memory connection, then external
   access (files, URLs, ``ATTACH``, extensions) is switched off and the configuration
   locked, so ``read_csv('/etc/passwd')`` or ``COPY ... TO`` fail inside DuckDB too;
3. a timer interrupts queries that run longer than the limit.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from loaders.errors import BrandpulseError, explain

DEFAULT_ROW_LIMIT = 10_000
DEFAULT_TIMEOUT_S = 10.0
_ALLOWED = {"SELECT", "EXPLAIN"}

EXAMPLE_QUERIES = {
    "Documents per source and kind": (
        "SELECT source, kind, count(*) AS documents\n"
        "FROM documents GROUP BY ALL ORDER BY documents DESC"
    ),
    "Most negative products (with 20+ scored posts)": (
        "SELECT d.product, count(*) AS scored,\n"
        "       avg(CASE s.label WHEN 'negative' THEN 1.0 ELSE 0 END) AS share_negative\n"
        "FROM documents d JOIN sentiment s USING (doc_id)\n"
        "JOIN models m ON m.version = s.model_version AND m.active\n"
        "WHERE d.product IS NOT NULL GROUP BY d.product HAVING count(*) >= 20\n"
        "ORDER BY share_negative DESC"
    ),
    "Topics of the current run by size": (
        "SELECT topic, coalesce(user_label, label) AS name, size, keywords\n"
        "FROM topics WHERE run_id = (SELECT max(run_id) FROM topic_runs)\n"
        "  AND merged_into IS NULL\nORDER BY size DESC"
    ),
    "Posts mentioning a word": (
        "SELECT created_at, source, brand, text\nFROM documents\n"
        "WHERE text ILIKE '%leak%'\nORDER BY created_at DESC LIMIT 100"
    ),
}


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool  # more rows existed than the limit
    seconds: float

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


class QueryRefused(BrandpulseError):
    """The SQL is not a single read-only query, or it failed, or it ran too long."""


def check_query(sql: str) -> str:
    """The single statement of ``sql`` if it is a read-only query; else QueryRefused."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryRefused("Write a query first, e.g. SELECT count(*) FROM documents.")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as error:
        raise QueryRefused(f"The SQL does not parse: {str(error).splitlines()[0]}") from None
    if len(statements) != 1:
        raise QueryRefused(
            explain(
                "Only one statement can run at a time",
                found=f"{len(statements)} statements",
                fix="run them one by one.",
            )
        )
    kind = statements[0].type.name
    if kind not in _ALLOWED:
        raise QueryRefused(
            explain(
                f"Only read-only queries can run here; this is a {kind} statement",
                expected="SELECT, WITH ... SELECT, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN",
                fix="use the brandpulse command line to change data.",
            )
        )
    return text


def _connect(db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ? AS brandpulse (READ_ONLY)", [str(db)])
    con.execute("USE brandpulse")
    con.execute("SET TimeZone = 'UTC'")
    # After these two, no statement can read or write files, reach the network or undo them.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def run_query(
    db: Path | str,
    sql: str,
    *,
    row_limit: int = DEFAULT_ROW_LIMIT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Run one read-only query against ``db``; at most ``row_limit`` rows come back."""
    text = check_query(sql)
    path = Path(db)
    if not path.exists():
        raise QueryRefused(f"There is no database at {path} yet. Fix: ingest some data first.")
    con = _connect(path)
    timer = threading.Timer(timeout_s, con.interrupt)
    started = time.monotonic()
    timer.start()
    try:
        result = con.execute(text)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchmany(row_limit + 1)
    except duckdb.InterruptException:
        raise QueryRefused(
            f"The query ran longer than {timeout_s:.0f} s and was stopped. "
            "Fix: filter or aggregate more, or add a LIMIT."
        ) from None
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        if "external access" in message.lower() or "disabled" in message.lower():
            message = (
                f"files, URLs and other databases cannot be read here (DuckDB says: {message})"
            )
        raise QueryRefused(f"The query failed: {message}") from None
    finally:
        timer.cancel()
        con.close()
    return QueryResult(
        columns=columns,
        rows=rows[:row_limit],
        truncated=len(rows) > row_limit,
        seconds=time.monotonic() - started,
    )


def schema(db: Path | str) -> dict[str, list[tuple[str, str]]]:
    """Table -> [(column, type)] for the schema browser."""
    con = _connect(Path(db))
    try:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = 'brandpulse' AND table_schema = 'main' "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables
