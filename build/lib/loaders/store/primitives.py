"""The three ways every module talks to a connection: one transaction, one value, rows by name.

Kept apart from :mod:`loaders.store.connection` so that the read models it refreshes
(:mod:`loaders.store.facts`) can use them without importing it back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, *, commit: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the ``with`` block as one transaction: committed when the block ends, rolled back
    when it raises anything (KeyboardInterrupt too, so an interrupted write never leaves a
    transaction open on a connection that is used again). ``commit=False`` rolls back at the
    end as well: a dry run that sees its own changes and keeps none."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        # After a failed statement DuckDB may have ended the transaction itself; the error that
        # got us here is the one worth raising.
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT" if commit else "ROLLBACK")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row ``sql`` returns, or None when it returns no row."""
    result = con.execute(sql, list(params))
    row = result.fetchone()
    # duckdb 2.0 counts a result read part way as unfinished and then refuses con.register()
    # (and other work) on the connection: run it to its end.
    result.complete()
    return None if row is None else row[0]


def records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Run ``sql`` and return its rows as dicts keyed by column name."""
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
