"""The SQL box's worker process: runs one checked query on a sandboxed connection.

:mod:`analysis.explore.sql_box` starts this module as a separate process (``python -m
analysis.explore.worker``) so that a query can always be stopped and its memory bounded:
DuckDB checks for interrupts only between vectors of 2,048 rows, and one vector of big
values (``repeat('x', 1000000)``) or one huge expression (``list_sort(range(3e7))``)
allocates gigabytes outside its memory limit before the next check. A process can be
killed at the deadline, and its data segment is capped with ``RLIMIT_DATA``.

It must also end when nobody waits for it: if the dashboard is killed (``kill -9`` runs no
cleanup) or its script thread never unwinds, an orphan would run ``SELECT count(*) FROM
range(1e15)`` for days. So the kernel kills it when its parent dies (Linux
``PR_SET_PDEATHSIG``; it checks that the parent is still there after asking) and when it
has used more CPU time than the deadline allows (``RLIMIT_CPU``, everywhere).

Protocol: the parent writes one pickled :class:`WorkerRequest` to stdin; the worker
writes pickled tuples to its original stdout, in order: ``("waiting",)`` when the
database is locked and it starts retrying, then ``("ready",)`` once attached (or
``("busy",)``), then ``("ok", columns, rows, truncated, peak_rss_mb)``,
``("too_large", bytes_seen)``, ``("out_of_memory",)`` or ``("failed", message)``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pickle
import resource
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pyarrow as pa  # imported before the memory cap is set

from loaders.errors import DatabaseBusyError
from loaders.store import with_lock_retry

# Rows per Arrow batch pulled from DuckDB; the byte cap is checked after each batch.
_BATCH_ROWS = 256


@dataclass(frozen=True)
class WorkerRequest:
    db: str
    sql: str
    row_limit: int
    result_bytes: int
    memory_limit: str
    threads: int
    data_limit_bytes: int
    lock_timeout_s: float
    temp_dir: str  # private folder for DuckDB to spill to; the parent removes it
    cpu_limit_s: int = 0  # CPU seconds (all threads) before the kernel stops the worker
    parent_pid: int = 0  # the process that waits for the answer; the worker dies with it


def sandbox(db: Path, memory_limit: str, threads: int, temp_dir: Path) -> duckdb.DuckDBPyConnection:
    """A private in-memory connection with ``db`` attached read-only as ``brandpulse``.

    Memory, threads and the spill folder are set before ``lock_configuration``: afterwards
    no statement can change them, read or write files, reach the network or attach
    anything. (Without a spill folder an in-memory database spills to ./.tmp.)
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET memory_limit = ?", [memory_limit])
        con.execute("SET threads = ?", [threads])
        con.execute("SET temp_directory = ?", [str(temp_dir)])
        con.execute("SET enable_progress_bar = false")
        con.execute("ATTACH ? AS brandpulse (READ_ONLY)", [str(db)])
        con.execute("USE brandpulse")
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def _peak_rss_mb() -> float:
    # VmHWM is this process's own peak; Linux carries ru_maxrss across exec, so on its own
    # it would report the (larger) dashboard process that started the worker.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fetch(con: duckdb.DuckDBPyConnection, request: WorkerRequest) -> tuple[Any, ...]:
    """Pull Arrow batches until the row or byte cap is reached, then convert to rows."""
    # A relation streams its Arrow batches; con.execute(...).to_arrow_reader() would first
    # materialise the whole result (890 MB for SELECT * FROM range(100000000)).
    relation = con.sql(request.sql)
    if relation is None:
        return ("ok", [], [], False, _peak_rss_mb())
    columns = list(relation.columns)
    reader = relation.to_arrow_reader(_BATCH_ROWS)
    batches, rows, size = [], 0, 0
    for batch in reader:
        size += batch.nbytes
        if size > request.result_bytes:
            return ("too_large", size)
        batches.append(batch)
        rows += batch.num_rows
        if rows > request.row_limit:
            break
    table = pa.Table.from_batches(batches, schema=reader.schema).slice(0, request.row_limit + 1)
    # Back through DuckDB so that values have the types DuckDB's own fetch gives.
    reader.close()
    values = con.cursor().from_arrow(table).fetchall() if table.num_rows else []
    truncated = len(values) > request.row_limit
    return ("ok", columns, values[: request.row_limit], truncated, _peak_rss_mb())


def serve(request: WorkerRequest, out: BinaryIO) -> None:
    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out)
        out.flush()

    waiting = []

    def on_wait() -> None:
        if not waiting:
            waiting.append(True)
            send(("waiting",))

    try:
        con = with_lock_retry(
            lambda: sandbox(
                Path(request.db), request.memory_limit, request.threads, Path(request.temp_dir)
            ),
            Path(request.db),
            request.lock_timeout_s,
            on_wait=on_wait,
        )
    except DatabaseBusyError:
        send(("busy",))
        return
    except Exception as error:  # noqa: BLE001 - reported to the parent as one line
        send(("failed", str(error).splitlines()[0] if str(error) else type(error).__name__))
        return
    send(("ready",))
    try:
        send(_fetch(con, request))
    except (duckdb.OutOfMemoryException, MemoryError):
        send(("out_of_memory",))
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        if "out of memory" in message.lower() or "allocation failure" in message.lower():
            send(("out_of_memory",))
        else:
            send(("failed", message))
    finally:
        con.close()


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux only; elsewhere
    the CPU limit still ends an orphan). Exits at once if the parent is already gone."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died before the request above: then we were already re-parented.
    if parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def limit_cpu(seconds: int) -> None:
    """SIGXCPU (which ends the process) after ``seconds`` of CPU time, SIGKILL 5 s later."""
    if seconds > 0:
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        wanted = seconds + 5 if hard == resource.RLIM_INFINITY else min(seconds + 5, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (min(seconds, wanted), wanted))


def main() -> None:
    # Only our own frames go to the parent: keep the original stdout for them and point
    # fd 1 at stderr, so nothing a library prints can corrupt the stream.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    request: WorkerRequest = pickle.load(sys.stdin.buffer)
    die_with_parent(request.parent_pid)
    limit_cpu(request.cpu_limit_s)
    if request.data_limit_bytes > 0:
        resource.setrlimit(
            resource.RLIMIT_DATA, (request.data_limit_bytes, request.data_limit_bytes)
        )
    serve(request, out)


if __name__ == "__main__":
    main()
