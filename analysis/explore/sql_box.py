"""Ad-hoc SQL for the Explore page: read-only, no file or network access, bounded.

Four locks, so that a typo or a curious query can neither change, leak nor exhaust anything:

1. only one statement, and it must be a query (``SELECT``/``WITH``/``FROM``/``PIVOT``/
   ``DESCRIBE``/``SHOW``/``SUMMARIZE``, or ``EXPLAIN`` of one of these), checked with
   DuckDB's own parser and tokenizer before anything runs; functions that show the
   configuration or the database's path, or that run SQL given as a string, are refused
   by name: an allowlist of table functions, name patterns, and every built-in view or
   macro of DuckDB's catalog that uses a refused name;
2. the query runs in a worker process (:mod:`analysis.explore.worker`) on a private
   in-memory connection where the database is attached read-only, with a memory limit
   and thread count; then external access (files, URLs, ``ATTACH``, extensions) is
   switched off and the configuration locked, so ``read_csv('/etc/passwd')`` or
   ``COPY ... TO`` fail inside DuckDB too;
3. results are capped in rows and bytes while DuckDB hands them over in Arrow batches,
   and the worker's data memory is capped by the kernel (``RLIMIT_DATA``);
4. the worker is killed at the deadline: DuckDB cannot interrupt one long expression;
   the kernel also kills it when the dashboard dies and past a CPU-time limit.
   Messages never carry the database's path or a process id.
"""

from __future__ import annotations

import functools
import os
import pickle
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from analysis.explore.worker import WorkerRequest, sandbox
from loaders.config import Settings, load_settings, memory_bytes
from loaders.errors import BrandpulseError, explain
from loaders.store import with_lock_retry
from loaders.tempdirs import make_private_dir, private_tempdir, remove_dir

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]
BUSY_MESSAGE = (
    "The database is busy (another Brandpulse command is writing); try again in a moment."
)
# DuckDB parses PIVOT without an IN list into several statements (MULTI).
_PIVOTS = {"PIVOT", "PIVOT_WIDER", "UNPIVOT", "PIVOT_LONGER"}
# Functions, views and macros that show the database's path, the configuration (temp
# folder, allowed paths, extension folder) or secrets, that checkpoint, or that run SQL
# given as a string (``query``, ``json_execute_serialized_sql(json_serialize_sql('...'))``:
# the string is a literal, so the name check cannot see inside it). Refused wherever they
# appear, however they are quoted. Seeds; :func:`_hidden_names` adds whatever DuckDB's own
# catalog defines on top of them.
_HIDDEN = {
    "checkpoint",
    "current_setting",
    "force_checkpoint",
    "getenv",
    "getvariable",
    "query",
    "query_table",
    "which_secret",
    "database_list",
    "database_size",
}
# Name patterns refused unless vetted below: catalog functions (duckdb_*, pragma_*), SQL
# executors and (de)serialisers, and anything a future DuckDB adds with such a name.
_HIDDEN_PATTERN = re.compile(r"^(duckdb_|pragma_|json_execute)|serializ|checkpoint")
# Vetted: they show tables, columns, types and functions only, never a path or a setting.
_VETTED_CATALOG = {
    "duckdb_columns",
    "duckdb_constraints",
    "duckdb_dependencies",
    "duckdb_functions",
    "duckdb_indexes",
    "duckdb_keywords",
    "duckdb_schemas",
    "duckdb_sequences",
    "duckdb_tables",
    "duckdb_types",
    "duckdb_views",
    "pragma_collations",
    "pragma_show",
    "pragma_table_info",
}
# The only table functions allowed (an allowlist: a table function DuckDB adds later is
# refused until vetted). File readers are listed because DuckDB itself refuses them with
# external access off, and its message says so.
_VETTED_TABLE_FUNCTIONS = _VETTED_CATALOG | {
    "generate_series",
    "glob",
    "json_each",
    "json_tree",
    "parquet_metadata",
    "parquet_schema",
    "pg_timezone_names",
    "range",
    "read_blob",
    "read_csv",
    "read_csv_auto",
    "read_json",
    "read_json_auto",
    "read_json_objects",
    "read_ndjson",
    "read_ndjson_auto",
    "read_ndjson_objects",
    "read_parquet",
    "read_text",
    "repeat",
    "repeat_row",
    "sniff_csv",
    "unnest",
}

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
    "Themes of the current run with their topics": (
        "SELECT coalesce(th.user_label, th.label) AS theme, sum(t.size) AS documents,\n"
        "       list(coalesce(t.user_label, t.label) ORDER BY t.size DESC) AS topics\n"
        "FROM themes th JOIN topics t USING (run_id, theme)\n"
        "WHERE th.run_id = (SELECT max(run_id) FROM topic_runs) AND t.merged_into IS NULL\n"
        "GROUP BY ALL ORDER BY documents DESC"
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
    peak_rss_mb: float = 0.0  # the worker process's peak resident memory

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


class QueryRefused(BrandpulseError):
    """The SQL is not a single read-only query, or it failed, ran too long, needed too
    much memory or returned too much, or the database stayed busy."""


def _tokens(text: str, kinds: tuple[str, ...] | None = None) -> list[tuple[int, str]]:
    """(position, text) of each token that is not a comment (or only of ``kinds``)."""
    spans = duckdb.tokenize(text)
    found = []
    for index, (position, kind) in enumerate(spans):
        end = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        if kind.name != "comment" and (kinds is None or kind.name in kinds):
            found.append((position, text[position:end].strip()))
    return found


def _refuse_kind(kind: str) -> QueryRefused:
    return QueryRefused(
        explain(
            f"Only read-only queries can run here; this is a {kind} statement",
            expected="SELECT, WITH, FROM, PIVOT, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN of one",
            fix="use the brandpulse command line to change data.",
        )
    )


def _explained(text: str, tokens: list[tuple[int, str]]) -> str:
    """The statement that ``EXPLAIN [ANALYZE] [(options)] <statement>`` explains."""
    index = 1
    if index < len(tokens) and tokens[index][1].upper() == "ANALYZE":
        index += 1
    starts_query = {"SELECT", "WITH", "FROM", "VALUES", "TABLE", "(", *_PIVOTS}
    if (
        index + 1 < len(tokens)
        and tokens[index][1] == "("
        and tokens[index + 1][1].upper() not in starts_query
    ):
        depth = 0
        for index in range(index, len(tokens)):  # noqa: B020 - continue after the options
            depth += {"(": 1, ")": -1}.get(tokens[index][1], 0)
            if depth == 0:
                break
        index += 1
    if index >= len(tokens):
        raise _refuse_kind("EXPLAIN without a")
    return text[tokens[index][0] :]


def _statement_kind(text: str) -> str:
    """DuckDB's statement type of ``text`` (which must be exactly one statement)."""
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.Error as error:
        raise QueryRefused(
            explain(
                "The SQL does not parse",
                expected="one DuckDB query, e.g. SELECT count(*) FROM documents",
                found=str(error).splitlines()[0] if str(error) else type(error).__name__,
                fix="correct the syntax near the place DuckDB names.",
            )
        ) from None
    if len(statements) != 1:
        raise QueryRefused(
            explain(
                "Only one statement can run at a time",
                found=f"{len(statements)} statements",
                fix="run them one by one.",
            )
        )
    return statements[0].type.name


def _check_read_only(text: str, *, explain_allowed: bool) -> None:
    kind = _statement_kind(text)
    tokens = _tokens(text)
    first = tokens[0][1].upper() if tokens else ""
    if kind == "SELECT":
        return
    if kind == "MULTI" and first in _PIVOTS:
        return
    if kind == "EXPLAIN" and explain_allowed:
        _check_read_only(_explained(text, tokens), explain_allowed=False)
        return
    raise _refuse_kind(kind if kind != "MULTI" else first or kind)


def _is_hidden_name(name: str) -> bool:
    return name in _HIDDEN or (
        _HIDDEN_PATTERN.search(name) is not None and name not in _VETTED_CATALOG
    )


@functools.cache
def _hidden_names() -> frozenset[str]:
    """Every name refused in the SQL box, from DuckDB's own catalog: the seeds and pattern
    matches, table functions not vetted, then (to a fixed point) each built-in view or
    macro whose definition uses a refused name (``pg_settings`` reads ``duckdb_settings``,
    ``histogram_values`` calls ``query_table``)."""
    con = duckdb.connect(":memory:")
    try:
        functions = con.execute(
            "SELECT DISTINCT function_name, function_type, coalesce(macro_definition, '') "
            "FROM duckdb_functions()"
        ).fetchall()
        views = con.execute("SELECT view_name, sql FROM duckdb_views() WHERE internal").fetchall()
    finally:
        con.close()
    hidden = set(_HIDDEN)
    for name, kind, _ in functions:
        lowered = name.lower()
        if _is_hidden_name(lowered) or (
            kind in ("table", "table_macro") and lowered not in _VETTED_TABLE_FUNCTIONS
        ):
            hidden.add(lowered)
    definitions = [(n.lower(), d) for n, _, d in functions if d] + [
        (n.lower(), d) for n, d in views
    ]
    uses = {name: _names(text) for name, text in definitions}
    grown = True
    while grown:
        grown = False
        for name, used in uses.items():
            if name not in hidden and used & hidden:
                hidden.add(name)
                grown = True
    return frozenset(hidden)


def _names(text: str) -> set[str]:
    """The identifiers and keywords of ``text``, unquoted and lower-cased."""
    try:
        return {t.strip('"').lower() for _, t in _tokens(text, ("identifier", "keyword"))}
    except (duckdb.Error, RuntimeError):  # a definition the tokenizer cannot read
        return set()


def check_query(sql: str) -> str:
    """The single statement of ``sql`` if it is a read-only query; else QueryRefused."""
    text = sql.strip().rstrip(";").strip()
    if not text:
        raise QueryRefused("Write a query first, e.g. SELECT count(*) FROM documents.")
    _check_read_only(text, explain_allowed=True)
    names = _names(text)
    hidden = sorted(n for n in names if n in _hidden_names() or _is_hidden_name(n))
    if hidden:
        raise QueryRefused(
            explain(
                f"{hidden[0]} is not available here: it shows or touches the configuration "
                "or the database file, or runs SQL given as text",
                expected="queries over the Brandpulse tables and ordinary functions",
                found=", ".join(hidden[:5]),
                fix="query the Brandpulse tables (see Tables and columns).",
            )
        )
    return text


def _memory_bytes(limit: str) -> int:
    """Bytes of explore_memory_limit; checked when the settings were loaded or built."""
    return memory_bytes(limit)


# The kernel's cap on the worker's data segment is the budget plus this: the interpreter,
# DuckDB and Arrow reserve ~350 MB of data memory at start, of which ~100 MB is resident;
# measured, peak RSS then stays just under the budget (benchmarks/hostile_sql.py).
_WORKER_RESERVED_BYTES = 192 * 2**20


# CPU seconds the worker may use beyond the deadline's share: interpreter start-up and
# attaching (~2 s), plus slack for a busy machine. Waiting for the lock uses no CPU.
_WORKER_CPU_MARGIN_S = 30


def _cpu_seconds(timeout_s: float, threads: int) -> int:
    """The worker's CPU limit: every thread busy for the whole deadline, plus the margin
    (the parent kills it at the deadline first; this holds when the parent is gone)."""
    cores = threads if threads > 0 else os.cpu_count() or 1  # DuckDB's 0: every core
    return int(timeout_s * cores) + _WORKER_CPU_MARGIN_S


def _duckdb_share(budget: int) -> str:
    """DuckDB's own memory limit: half the budget, the rest for values it allocates outside
    its buffer pool (long strings, lists) and for the rows handed to Python."""
    return f"{budget // 2 // 2**20}MiB"


def _scrub(message: str, db: Path) -> str:
    """``message`` without the database's path, its folder or a process id."""
    for text in sorted({str(db.resolve()), str(db), str(db.resolve().parent)}, key=len)[::-1]:
        if len(text) > 1:  # never "/" or ".": that would mangle every message
            message = message.replace(text, "<database>")
    message = message.replace(db.name, "<database>")
    return re.sub(r"\(?\bPID\s*\d+\)?", "", message, flags=re.IGNORECASE).strip()


class _Worker:
    """A worker process answering one request, with timed reads of its messages."""

    def __init__(self, request: WorkerRequest) -> None:
        # The worker imports this very checkout, whatever the interpreter's path says.
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p
        )
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by run_query
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "analysis.explore.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            env=env,
        )
        self.messages: queue.Queue[tuple[Any, ...]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.process.stdin is not None
        pickle.dump(request, self.process.stdin)
        self.process.stdin.close()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while True:
            try:
                self.messages.put(pickle.load(self.process.stdout))
            except (EOFError, pickle.UnpicklingError, OSError):
                self.messages.put(("died",))
                return

    def next(self, deadline: float) -> tuple[Any, ...] | None:
        """The worker's next message, or None when the deadline passes first."""
        try:
            return self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    def last_error(self) -> str:
        """The last line the worker wrote to stderr (why it died before the query ran)."""
        self.errors.seek(0)
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self.process.returncode}"

    def exit_status(self) -> int | None:
        """The worker's exit status once it has ended (it just closed its output)."""
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def _answer(
    worker: _Worker,
    lock_timeout_s: float,
    timeout_s: float,
    on_busy: Callable[[], None] | None,
) -> tuple[tuple[Any, ...], float]:
    """The worker's final message and the query's start time; waits on the lock first."""
    # Starting the interpreter and attaching take a few seconds at most beyond the lock wait.
    deadline = time.monotonic() + lock_timeout_s + 30
    message = worker.next(deadline)
    while message is not None and message[0] == "waiting":
        if on_busy is not None:
            on_busy()
        message = worker.next(deadline)
    if message is None:
        return ("busy",), time.monotonic()
    started = time.monotonic()
    if message[0] == "died":
        worker.stop()
        return ("failed", f"the SQL box's worker did not start ({worker.last_error()})"), started
    if message[0] != "ready":
        return message, started
    answer = worker.next(started + timeout_s)
    if answer is None:
        return ("timeout",), started
    if answer[0] == "died" and worker.exit_status() == -signal.SIGXCPU:
        return ("timeout",), started  # the kernel's CPU limit stopped it
    return answer, started


def _refusal(
    message: tuple[Any, ...], db: Path, timeout_s: float, limits: WorkerRequest, budget: str
) -> str:
    kind = message[0]
    if kind == "busy":
        return BUSY_MESSAGE
    if kind == "timeout":
        return (
            f"The query ran longer than {timeout_s:.0f} s and was stopped. "
            "Fix: filter or aggregate more, or add a LIMIT."
        )
    if kind == "too_large":
        return explain(
            f"The result is larger than {limits.result_bytes / 2**20:.0f} MB and was not fetched",
            fix="select fewer columns, shorten long texts (left(text, 200)) or aggregate more.",
        )
    if kind in ("out_of_memory", "died"):
        return explain(
            f"The query needs more memory than the SQL box allows ({budget})",
            fix="filter or aggregate more, or raise BRANDPULSE_EXPLORE_MEMORY_LIMIT.",
        )
    text = _scrub(str(message[1]), db)
    if "external access" in text.lower() or "disabled" in text.lower():
        text = f"files, URLs and other databases cannot be read here (DuckDB says: {text})"
    return f"The query failed: {text}"


def run_query(
    db: Path | str,
    sql: str,
    *,
    row_limit: int | None = None,
    timeout_s: float | None = None,
    settings: Settings | None = None,
    on_busy: Callable[[], None] | None = None,
) -> QueryResult:
    """Run one read-only query against ``db`` in a bounded worker process.

    At most ``row_limit`` rows (default ``settings.explore_row_limit``) come back; a
    result over ``explore_result_mb``, a query over ``timeout_s`` or over the memory
    limit is refused with QueryRefused. ``on_busy`` is called while the database is
    locked by a writer (the wait lasts up to ``settings.lock_timeout_s``).
    """
    settings = settings or load_settings()
    text = check_query(sql)
    path = Path(db)
    if not path.exists():
        raise QueryRefused("There is no database yet. Fix: ingest some data first.")
    timeout_s = settings.explore_timeout_s if timeout_s is None else timeout_s
    memory = _memory_bytes(settings.explore_memory_limit)
    request = WorkerRequest(
        db=str(path),
        sql=text,
        row_limit=settings.explore_row_limit if row_limit is None else row_limit,
        result_bytes=settings.explore_result_mb * 2**20,
        memory_limit=_duckdb_share(memory),
        threads=settings.explore_threads,
        data_limit_bytes=memory + _WORKER_RESERVED_BYTES,
        lock_timeout_s=settings.lock_timeout_s,
        temp_dir=str(make_private_dir("sql")),  # swept by the next run after a kill -9
        cpu_limit_s=_cpu_seconds(timeout_s, settings.explore_threads),
        parent_pid=os.getpid(),
    )
    worker = _Worker(request)
    try:
        message, started = _answer(worker, settings.lock_timeout_s, timeout_s, on_busy)
    finally:
        worker.stop()
        worker.errors.close()
        remove_dir(Path(request.temp_dir))
    if message[0] != "ok":
        raise QueryRefused(
            _refusal(message, path, timeout_s, request, settings.explore_memory_limit)
        )
    _, columns, rows, truncated, peak_rss_mb = message
    return QueryResult(
        columns=columns,
        rows=rows,
        truncated=truncated,
        seconds=time.monotonic() - started,
        peak_rss_mb=peak_rss_mb,
    )


def schema(db: Path | str, settings: Settings | None = None) -> dict[str, list[tuple[str, str]]]:
    """Table -> [(column, type)] for the schema browser."""
    settings = settings or load_settings()
    path = Path(db)
    memory = _duckdb_share(_memory_bytes(settings.explore_memory_limit))
    with private_tempdir("sql") as spill:
        con = with_lock_retry(
            lambda: sandbox(path, memory, settings.explore_threads, spill),
            path,
            settings.lock_timeout_s,
        )
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
