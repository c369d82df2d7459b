"""The DuckDB store: connections with lock retry, and numbered schema migrations.

DuckDB lets one process write a database file at a time and locks the file while any
connection is open. Brandpulse therefore uses short-lived connections: readers open
read-only, run their queries and close; writers hold the lock only for the write
transaction. Both retry with backoff while the other side holds the lock.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import IO, TypeVar

import duckdb

from loaders.config import Settings, load_settings
from loaders.errors import DatabaseBusyError, SchemaError, StoreError
from loaders.store.primitives import transaction

T = TypeVar("T")
ATTACHED_NAME = "store"
_MIGRATION_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
# Messages DuckDB gives while another process (or another configuration) holds the file.
_LOCK_MARKERS = ("lock", "different configuration", "already attached")


def migrations() -> list[tuple[int, str, str]]:
    """All migrations shipped with the package as (version, name, sql), in order."""
    found = []
    for entry in resources.files("loaders.store.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


LATEST_VERSION = migrations()[-1][0]


def _is_lock_error(error: Exception) -> bool:
    return isinstance(error, duckdb.Error) and any(m in str(error).lower() for m in _LOCK_MARKERS)


def with_lock_retry(
    action: Callable[[], T],
    db: Path,
    timeout_s: float,
    on_wait: Callable[[], None] | None = None,
) -> T:
    """Run ``action`` (which opens ``db``), retrying with jittered backoff while the file is locked.

    ``on_wait`` is called before each wait, so a caller can say that it is waiting.
    """
    deadline = time.monotonic() + timeout_s
    delay = 0.02
    while True:
        try:
            return action()
        except duckdb.Error as error:
            if not _is_lock_error(error):
                detail = str(error).splitlines()[0]
                if "not a valid duckdb" in detail.lower():
                    raise SchemaError(
                        f"{db} is not a DuckDB database. Fix: point --db or BRANDPULSE_DB at a Brandpulse database."
                    ) from None
                if isinstance(error, duckdb.IOException):
                    raise StoreError(f"Cannot open the database {db}: {detail}") from None
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusyError(
                    f"The database {db} stayed locked by another process for {timeout_s:.0f} s. "
                    "Fix: wait for the running ingest or analysis to finish, or raise "
                    "BRANDPULSE_LOCK_TIMEOUT_S."
                ) from None
        if on_wait is not None:
            on_wait()
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 2, 0.5)


def schema_version(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> int:
    """The highest applied migration of the (attached) database; 0 for an empty file."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version' "
        "AND database_name = coalesce(?, current_database())",
        [catalog],
    ).fetchall()[0][0]
    if not exists:
        return 0
    # The catalog is named after the file ("my-brand" for my-brand.duckdb): quote it.
    quoted = '"' + catalog.replace('"', '""') + '"' if catalog else None
    table = f"{quoted}.main.schema_version" if quoted else "schema_version"
    return con.execute(f"SELECT coalesce(max(version), 0) FROM {table}").fetchall()[0][0]  # noqa: S608 - catalog is our constant


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply pending migrations to the current database, each in its own transaction."""
    current = schema_version(con, con.execute("SELECT current_database()").fetchall()[0][0])
    if current > LATEST_VERSION:
        raise SchemaError(
            f"This database has schema version {current}, newer than this Brandpulse "
            f"understands ({LATEST_VERSION}). Fix: upgrade Brandpulse."
        )
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    applied = False
    for version, name, sql in migrations():
        if version <= current:
            continue
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
        applied = True
    if applied:
        from loaders.store.facts import refresh_if_stale

        refresh_if_stale(con)  # a database from before doc_facts gets its read model now
    return max(current, LATEST_VERSION)


# DuckDB creates the database file and its .wal itself, with the process umask: while any
# write is open, the umask keeps new files to their owner. Counted, since threads nest.
_umask_lock = threading.Lock()
_umask_holders = 0
_umask_saved = 0


def _private_begin() -> None:
    global _umask_holders, _umask_saved
    with _umask_lock:
        if _umask_holders == 0:
            _umask_saved = os.umask(0o077)
            os.umask(_umask_saved | 0o077)
        _umask_holders += 1


def _private_end() -> None:
    global _umask_holders
    with _umask_lock:
        _umask_holders = max(0, _umask_holders - 1)
        if _umask_holders == 0:
            os.umask(_umask_saved)


@contextmanager
def private_files() -> Iterator[None]:
    """Files this process creates inside the block are readable by their owner only."""
    _private_begin()
    try:
        yield
    finally:
        _private_end()


def restrict_to_owner(db: Path) -> None:
    """Mode 0600 for the database file and its .wal (a database made before this was 0644)."""
    for path in (db, db.with_name(db.name + ".wal")):
        try:
            info = path.stat()
            if info.st_uid == os.geteuid() and info.st_mode & 0o077:
                path.chmod(0o600)
        except OSError:
            continue  # absent (no .wal), or not ours to change: DuckDB reports real problems


def open_private(path: Path) -> IO[str]:
    """Open ``path`` for appending, creating it with mode 0600 (e.g. a lock file next to the
    database); never through a symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o600), "a", encoding="utf-8")


def _ensure_folder(db: Path) -> None:
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"Cannot open the database {db}: cannot create its folder ({error.strerror})."
        ) from None


def _configure(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    # Stored instants are UTC; showing them in UTC keeps SQL results and exports unambiguous.
    con.execute("SET TimeZone = 'UTC'")
    if settings.threads:
        con.execute("SET threads = ?", [settings.threads])


def connect(
    db: Path | str | None = None,
    *,
    read_only: bool = False,
    settings: Settings | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the database (creating and migrating it when needed); retries while locked.

    Read-only connections never write; when the file is missing or has an older schema
    a short read-write connection migrates it first.
    """
    settings = settings or load_settings()
    path = Path(db or settings.db)

    def open_once(ro: bool) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(path), read_only=ro)

    if read_only:
        if path.exists():
            con = with_lock_retry(lambda: open_once(True), path, settings.lock_timeout_s)
            version = schema_version(con)
            if version == LATEST_VERSION:
                _configure(con, settings)
                return con
            con.close()
            if version > LATEST_VERSION:
                raise SchemaError(
                    f"{path} has schema version {version}, newer than this Brandpulse "
                    f"understands ({LATEST_VERSION}). Fix: upgrade Brandpulse."
                )
        # A missing file or an older schema: a short read-write connection creates or migrates it.
        connect(path, settings=settings).close()
        con = with_lock_retry(lambda: open_once(True), path, settings.lock_timeout_s)
        _configure(con, settings)
        return con

    _ensure_folder(path)
    with private_files():
        con = with_lock_retry(lambda: open_once(False), path, settings.lock_timeout_s)
        restrict_to_owner(path)
        try:
            migrate(con)
        except Exception:
            con.close()
            raise
    _configure(con, settings)
    return con


@contextmanager
def session(
    db: Path | str | None = None, *, read_only: bool = False, settings: Settings | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection that is closed (and the lock released) on exit."""
    with contextlib.nullcontext() if read_only else private_files():  # its .wal: 0600
        con = connect(db, read_only=read_only, settings=settings)
        try:
            yield con
            if not read_only:
                from loaders.store.facts import refresh_if_stale

                refresh_if_stale(con)  # whatever this session wrote, the charts' read model follows
        finally:
            con.close()


def attach_for_write(con: duckdb.DuckDBPyConnection, db: Path, settings: Settings) -> None:
    """Attach ``db`` read-write to a staging connection, migrate it and make it current.

    Staging work (parsing, normalising) runs on the in-memory database before this call,
    so the file lock is held only for the write itself.
    """
    _ensure_folder(db)
    _private_begin()  # until detach: the file and its .wal are created 0600
    try:
        with_lock_retry(
            lambda: con.execute("ATTACH ? AS store", [str(db)]), db, settings.lock_timeout_s
        )
        restrict_to_owner(db)
        con.execute(f"USE {ATTACHED_NAME}")
        migrate(con)
    except BaseException:
        _private_end()
        raise


def detach(con: duckdb.DuckDBPyConnection) -> None:
    """Release the file attached by :func:`attach_for_write`."""
    try:
        con.execute("USE memory")
        con.execute(f"DETACH {ATTACHED_NAME}")
    finally:
        _private_end()
