"""Hostile SQL against the Explore page's SQL box, with a plain DuckDB connection as baseline.

Each attempt runs twice, each time in a fresh runner process: through ``run_query`` (the
sandbox) and on a plain ``duckdb.connect(db, read_only=True)`` connection (the peer
baseline: what an app that only opens the file read-only would let through). The database
has known content; a secret file, another database and an output folder lie elsewhere.

An attempt *escaped* when, after it, the database's content or schema changed, a file
appeared in the output folder, the secret file's token or the database's folder appears
in the answer (rows or message), or a configuration, ATTACH, extension, network or macro
statement succeeded. It is *over the cap* when the peak RSS of the process that ran the
query (the sandbox's worker, or the baseline's runner) exceeded ``explore_memory_limit``.
The baseline runner is stopped after 15 s and capped at 4 GB of data memory so that it
cannot take the machine down; hitting either counts as over the cap / too slow.

    .venv/bin/python benchmarks/hostile_sql.py   # about 5 minutes; writes results/hostile_sql.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "hostile_sql.json"
sys.path.insert(0, str(ROOT))

TOKEN = "SECRET-TOKEN-4242"
STORE_MARKER = "hidden-store"  # in the database's folder name: must never be shown
BASELINE_TIMEOUT_S = 15
BASELINE_DATA_LIMIT = 4 * 2**30

# (category, SQL). Placeholders: {secret} a file holding TOKEN, {dir} its folder, {other}
# another database, {out} an output folder. Categories decide what counts as an escape.
ATTEMPTS: list[tuple[str, str]] = [
    # writes to the database
    ("write", "INSERT INTO documents (doc_id) VALUES ('x')"),
    ("write", "UPDATE documents SET text = 'x'"),
    ("write", "DELETE FROM documents"),
    ("write", "DROP TABLE documents"),
    ("write", "CREATE TABLE t AS SELECT 1 AS a"),
    ("write", "CREATE TABLE brandpulse.main.t2 (a INTEGER)"),
    ("write", "ALTER TABLE documents ADD COLUMN z INTEGER"),
    ("write", "TRUNCATE documents"),
    ("write", "CREATE VIEW v AS SELECT 1"),
    ("write", "CREATE INDEX i ON documents (text)"),
    ("write", "CREATE SEQUENCE s"),
    ("write", "CREATE SCHEMA s2"),
    ("write", "INSERT OR REPLACE INTO documents SELECT * FROM documents"),
    ("write", "COMMENT ON TABLE documents IS 'x'"),
    ("write", "CREATE TYPE mood AS ENUM ('a', 'b')"),
    ("write", "VACUUM"),
    ("write", "ANALYZE"),
    ("write", "CHECKPOINT"),
    ("write", "FORCE CHECKPOINT"),
    ("write", "BEGIN TRANSACTION"),
    ("write", "WITH x AS (DELETE FROM documents RETURNING *) SELECT * FROM x"),
    ("write", "DELETE FROM documents RETURNING *"),
    ("write", "INSERT INTO documents (doc_id) SELECT 'y' RETURNING doc_id"),
    ("write", "CREATE OR REPLACE TABLE documents AS SELECT 1 AS a"),
    ("write", "DROP SCHEMA main CASCADE"),
    ("write", "CREATE TEMP TABLE tt AS SELECT 1 AS a"),
    (
        "write",
        "MERGE INTO documents USING (SELECT 'm' AS d) s ON s.d = documents.doc_id "
        "WHEN NOT MATCHED THEN INSERT (doc_id) VALUES (s.d)",
    ),
    ("write", "PREPARE p AS DELETE FROM documents"),
    ("write", "SELECT * FROM checkpoint()"),
    ("write", "SELECT * FROM force_checkpoint()"),
    # files written or imported
    ("write", "COPY documents TO '{out}/a.csv'"),
    ("write", "COPY (SELECT 1) TO '{out}/b.parquet' (FORMAT parquet)"),
    ("write", "COPY documents FROM '{secret}'"),
    ("write", "EXPORT DATABASE '{out}/exported'"),
    ("write", "IMPORT DATABASE '{dir}'"),
    ("write", "PRAGMA enable_profiling = 'json'"),
    ("write", "PRAGMA profiling_output = '{out}/profile.json'"),
    # EXPLAIN ANALYZE of writes (runs the statement)
    ("write", "EXPLAIN ANALYZE COPY documents TO '{out}/c.csv'"),
    ("write", "EXPLAIN ANALYZE INSERT INTO documents (doc_id) VALUES ('z')"),
    ("write", "EXPLAIN ANALYZE DELETE FROM documents"),
    ("write", "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1 AS a"),
    ("write", "EXPLAIN ANALYZE UPDATE documents SET text = 'x'"),
    ("write", "EXPLAIN (ANALYZE) INSERT INTO documents (doc_id) VALUES ('z')"),
    ("write", "EXPLAIN (FORMAT json, ANALYZE) COPY documents TO '{out}/d.csv'"),
    ("write", "EXPLAIN ANALYZE EXPORT DATABASE '{out}/e'"),
    ("write", "/* c */ EXPLAIN ANALYZE -- c\n DELETE FROM documents"),
    ("attach", "EXPLAIN ANALYZE ATTACH '{other}' AS o"),
    ("write", "EXPLAIN ANALYZE CHECKPOINT"),
    ("write", "EXPLAIN ANALYZE SELECT * FROM checkpoint()"),
    # files read
    ("file", "SELECT * FROM read_csv('{secret}')"),
    ("file", "SELECT * FROM read_csv_auto('{secret}')"),
    ("file", "SELECT * FROM read_text('{secret}')"),
    ("file", "SELECT * FROM read_blob('{secret}')"),
    ("file", "SELECT * FROM '{secret}'"),
    ("file", "FROM '{secret}'"),
    ("file", "SELECT * FROM glob('{dir}/*')"),
    ("file", "SELECT * FROM read_json('{secret}')"),
    ("file", "SELECT * FROM read_parquet('{secret}')"),
    ("file", "SELECT * FROM sniff_csv('{secret}')"),
    ("file", "SELECT * FROM read_csv(['{secret}'])"),
    ("file", "SELECT * FROM parquet_metadata('{secret}')"),
    ("file", "SELECT * FROM read_ndjson_objects('{secret}')"),
    ("file", "SELECT content FROM read_text('/etc/passwd')"),
    ("file", "SELECT * FROM read_csv('/etc/passwd', sep = ':')"),
    ("file", "SELECT * FROM read_text('{dir}/*.txt')"),
    ("file", "SELECT * FROM read_csv('file://{secret}')"),
    ("file", "DESCRIBE SELECT * FROM '{secret}'"),
    ("file", "SUMMARIZE SELECT * FROM read_csv('{secret}')"),
    ("file", "PIVOT (SELECT * FROM read_csv('{secret}')) ON column0 USING count(*)"),
    ("file", "SELECT * FROM read_csv('{secret}') UNION ALL SELECT 'x'"),
    ("file", "WITH s AS (SELECT * FROM read_text('{secret}')) SELECT * FROM s"),
    ("file", "SELECT (SELECT content FROM read_text('{secret}'))"),
    ("file", "SELECT * FROM read_xlsx('{secret}')"),
    ("file", "SELECT * FROM read_text('/proc/self/environ')"),
    ("file", "SELECT * FROM read_text('/proc/self/cmdline')"),
    ("file", "SELECT * FROM query_table('{secret}')"),
    ("file", "SELECT * FROM query('SELECT * FROM read_text(''{secret}'')')"),
    ("file", "EXPLAIN ANALYZE SELECT * FROM read_text('{secret}')"),
    ("file", "SELECT * FROM read_text('{secret}') /* ; */"),
    # network and extensions
    ("network", "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')"),
    ("network", "SELECT * FROM 'https://example.com/x.parquet'"),
    ("network", "SELECT * FROM read_text('s3://bucket/x')"),
    ("network", "SELECT * FROM read_json('http://169.254.169.254/latest/meta-data/')"),
    ("extension", "INSTALL httpfs"),
    ("extension", "LOAD httpfs"),
    ("extension", "FORCE INSTALL httpfs"),
    ("extension", "INSTALL x FROM 'http://127.0.0.1:9/'"),
    ("extension", "LOAD '{out}/evil.duckdb_extension'"),
    ("path", "SELECT * FROM duckdb_extensions()"),
    # other databases
    ("attach", "ATTACH '{other}' AS o"),
    ("attach", "ATTACH '{other}' AS o (READ_WRITE)"),
    ("attach", "ATTACH ':memory:' AS m"),
    ("attach", "DETACH brandpulse"),
    ("attach", "USE memory"),
    ("attach", "SELECT * FROM sqlite_scan('{other}', 't')"),
    ("attach", "SELECT * FROM postgres_scan('host=127.0.0.1', 'public', 't')"),
    ("attach", "CREATE SECRET (TYPE s3, KEY_ID 'k', SECRET 's')"),
    # configuration
    ("config", "SET enable_external_access = true"),
    ("config", "SET lock_configuration = false"),
    ("config", "RESET lock_configuration"),
    ("config", "SET threads = 16"),
    ("config", "SET memory_limit = '100GB'"),
    ("config", "PRAGMA threads = 16"),
    ("config", "PRAGMA memory_limit = '100GB'"),
    ("config", "SET GLOBAL enable_external_access = true"),
    ("config", "SET allowed_directories = ['/']"),
    ("config", "SET temp_directory = '{out}'"),
    ("config", "SET VARIABLE x = 1"),
    ("config", "SET home_directory = '{out}'"),
    ("config", "SET disabled_filesystems = ''"),
    ("config", "RESET ALL"),
    ("config", "SET TimeZone = 'Asia/Tokyo'"),
    ("config", "PRAGMA disable_checkpoint_on_shutdown"),
    ("config", "EXPLAIN ANALYZE SET threads = 16"),
    # metadata that may show the path
    ("path", "SELECT * FROM duckdb_databases()"),
    ("path", 'SELECT path FROM "duckdb_databases"()'),
    ("path", "SELECT * FROM duckdb_settings()"),
    ("path", "SELECT current_setting('temp_directory')"),
    ("path", "SELECT current_setting('extension_directory')"),
    ("path", "SELECT * FROM pragma_database_list"),
    ("path", "CALL pragma_database_list()"),
    ("path", "PRAGMA database_list"),
    ("path", "SELECT * FROM duckdb_temporary_files()"),
    ("path", "SELECT * FROM query('SELECT path FROM duck' || 'db_databases()')"),
    ("path", "SHOW DATABASES"),
    ("path", "SELECT * FROM information_schema.schemata"),
    ("path", "SELECT * FROM duckdb_tables()"),
    ("path", "SELECT * FROM pragma_storage_info('documents')"),
    ("path", "SELECT * FROM duckdb_memory()"),
    ("path", "SELECT getenv('HOME')"),
    ("path", "SELECT * FROM pragma_version()"),
    ("path", "SELECT * FROM nosuchtable"),
    ("path", "SELECT * FROM duckdb_logs"),
    ("path", "EXPLAIN SELECT * FROM duckdb_databases()"),
    ("path", "SELECT database_name, path FROM duckdb_databases() -- x"),
    # SQL given as a string and run by an executor; views and macros over hidden functions
    (
        "path",
        "SELECT * FROM json_execute_serialized_sql("
        "json_serialize_sql('SELECT path FROM duckdb_databases()'))",
    ),
    (
        "path",
        "SELECT * FROM json_execute_serialized_sql("
        "json_serialize_sql('SELECT name, value FROM duckdb_settings()'))",
    ),
    (
        "path",
        "SELECT * FROM json_execute_serialized_sql(json_serialize_sql("
        "json_deserialize_sql(json_serialize_sql('SELECT path FROM duckdb_databases()'))))",
    ),
    (
        "path",
        'SELECT * FROM "JSON_EXECUTE_SERIALIZED_SQL"((SELECT s FROM (SELECT '
        "json_serialize_sql('SELECT path FROM duck' || 'db_databases()') AS s)))",
    ),
    ("path", "SELECT * FROM query_table(['duckdb_databases'])"),
    ("path", "SELECT * FROM system.main.duckdb_databases()"),
    ("path", "SELECT name, value FROM pg_catalog.pg_settings"),
    ("path", "SELECT * FROM pg_catalog.pg_database"),
    ("path", "SELECT * FROM histogram_values('duckdb_settings', value)"),
    ("path", "SELECT get_block_size('brandpulse')"),
    ("path", "SELECT * FROM duckdb_logs_parsed('QueryLog')"),
    ("path", "SELECT * FROM duckdb_variables()"),
    ("path", "SELECT list_transform([1], x -> current_setting('temp_directory'))"),
    ("path", "SELECT [x FOR x IN (SELECT list(value) FROM duckdb_settings())]"),
    ("path", "WITH s AS (FROM duckdb_settings()) SELECT * FROM s"),
    ("path", "PREPARE p AS SELECT path FROM duckdb_databases()"),
    ("path", "SELECT * FROM duckdb_prepared_statements()"),
    (
        "macro",
        "CREATE MACRO m() AS TABLE SELECT * FROM json_execute_serialized_sql("
        "json_serialize_sql('SELECT path FROM duckdb_databases()'))",
    ),
    # several statements and comment tricks
    ("write", "SELECT 1; DELETE FROM documents"),
    ("attach", "SELECT 1; ATTACH '{other}' AS o"),
    ("write", "/* ; DELETE FROM documents; */ SELECT 1"),
    ("write", "SELECT ';DELETE FROM documents'"),
    ("write", ";;DELETE FROM documents"),
    ("config", "SELECT 1;;; SET threads = 8"),
    ("write", "DELETE /* SELECT */ FROM documents"),
    ("write", "SELECT 1 -- ; DELETE FROM documents"),
    ("write", "PIVOT documents ON kind USING count(*); DELETE FROM documents"),
    # macros and CALL
    ("macro", "CREATE MACRO m(x) AS x + 1"),
    ("macro", "CREATE MACRO t() AS TABLE SELECT * FROM read_text('{secret}')"),
    ("macro", "CREATE TEMP MACRO m2() AS 1"),
    ("macro", "CALL checkpoint()"),
    ("macro", "CALL pragma_table_info('documents')"),
    ("macro", "EXECUTE p"),
    ("macro", "DEALLOCATE p"),
    # resource hogs
    ("resource", "SELECT repeat('x', 1000000) FROM range(2000)"),
    ("resource", "SELECT repeat('x', 1000000) FROM range(20000)"),
    ("resource", "SELECT length(repeat('x', 1000000000))"),
    ("resource", "SELECT list_sort(range(30000000))[1]"),
    ("resource", "SELECT count(*) FROM range(100000000) a, range(1000) b"),
    ("resource", "SELECT length(regexp_replace(repeat('ab', 40000000), '(a|b)', 'cc', 'g'))"),
    ("resource", "SELECT string_agg(repeat('x', 1000), '') FROM range(1000000)"),
    ("resource", "SELECT * FROM range(100000000)"),
    (
        "resource",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    ),
    ("resource", "SELECT i, repeat('x', 10000) FROM range(100000) t(i)"),
    ("resource", "SELECT count(DISTINCT i::VARCHAR) FROM range(50000000) t(i)"),
]

# Ordinary queries a marketer types: they must run in the sandbox.
CONTROLS = [
    "SELECT kind, count(*) AS n FROM documents GROUP BY kind ORDER BY kind",
    "FROM documents LIMIT 5",
    "PIVOT (SELECT kind, brand FROM documents) ON kind USING count(*)",
    "UNPIVOT (SELECT 1 AS a, 2 AS b) ON a, b INTO NAME k VALUE v",
    "SUMMARIZE documents",
    "DESCRIBE documents",
    "SHOW tables",
    "EXPLAIN ANALYZE SELECT count(*) FROM documents",
    "WITH x AS (SELECT brand FROM documents) SELECT brand, count(*) FROM x GROUP BY ALL",
]


# --- one attempt, in a runner process ------------------------------------------------------
def run_one(mode: str, db: str, sql: str) -> dict:
    """Run ``sql`` once; the answer's text, its status and the peak RSS of the query's process."""
    started = time.monotonic()
    try:
        if mode == "sandbox":
            from analysis.explore.sql_box import QueryRefused, run_query
            from loaders.config import Settings

            try:
                result = run_query(Path(db), sql, settings=Settings(db=Path(db)))
                status, text = "ok", repr(result.columns) + repr(result.rows)
            except QueryRefused as error:
                status, text = "refused", str(error)
            worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        else:
            import duckdb

            resource.setrlimit(resource.RLIMIT_DATA, (BASELINE_DATA_LIMIT, BASELINE_DATA_LIMIT))
            con = duckdb.connect(db, read_only=True)
            try:
                cursor = con.execute(sql)
                rows = cursor.fetchall() if cursor.description else []
                status, text = "ok", repr(rows)
            except duckdb.Error as error:
                status, text = "error", str(error)
            finally:
                con.close()
            worker = 0.0
    except Exception as error:  # noqa: BLE001 - a traceback is a finding, not a crash
        status, text, worker = "traceback", f"{type(error).__name__}: {error}", 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "status": status,
        "text": text[:200_000],
        "peak_rss_mb": round(max(own, worker), 1),
        "seconds": round(time.monotonic() - started, 2),
    }


# --- the harness ---------------------------------------------------------------------------
def make_world(base: Path) -> dict[str, str]:
    from loaders import store
    from loaders.config import Settings

    store_dir = base / f"{STORE_MARKER}-7731"
    files = base / "attacker-files"
    out = base / "out"
    for folder in (store_dir, files, out):
        folder.mkdir(parents=True)
    db = store_dir / "acme-brand.duckdb"
    with store.session(settings=Settings(db=db)) as con:
        con.execute(
            "INSERT INTO documents (doc_id, kind, source, brand, created_at, text, text_hash, "
            "ingest_run_id) SELECT 'd' || i, CASE WHEN i < 12 THEN 'review' ELSE 'social' END, "
            "'x', CASE WHEN i % 3 = 0 THEN 'Pinecup' ELSE 'Glacio' END, "
            "TIMESTAMPTZ '2025-01-01', 'post ' || i, 'h' || i, 1 FROM range(30) t(i)"
        )
    (files / "secret.txt").write_text(f"column0\n{TOKEN}\n", encoding="utf-8")
    import duckdb

    other = duckdb.connect(str(files / "other.duckdb"))
    other.execute("CREATE TABLE t AS SELECT 'other-db-row' AS a")
    other.close()
    return {
        "db": str(db),
        "secret": str(files / "secret.txt"),
        "dir": str(files),
        "other": str(files / "other.duckdb"),
        "out": str(out),
    }


def fingerprint(db: str) -> str:
    """Content and schema of the database, read on a fresh read-only connection."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        tables = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL"
        ).fetchall()
        docs = con.execute("SELECT * FROM documents ORDER BY doc_id").fetchall()
        others = (
            con.execute("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchall()
            + con.execute("SELECT count(*) FROM duckdb_sequences()").fetchall()
        )
    finally:
        con.close()
    return hashlib.sha256(repr((tables, docs, others)).encode()).hexdigest()


def in_runner(mode: str, world: dict[str, str], sql: str, timeout_s: float) -> dict:
    command = [sys.executable, __file__, "--one", mode, world["db"], sql]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout_s, cwd=ROOT, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "stopped", "text": "", "peak_rss_mb": None, "seconds": timeout_s}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        # Killed (e.g. out of memory under the data limit) or died without an answer.
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return {"status": "died", "text": tail[0], "peak_rss_mb": None, "seconds": None}
    return json.loads(lines[-1])


def judge(category: str, answer: dict, before: str, after: str, out: Path) -> list[str]:
    """The ways in which this attempt escaped (empty: contained)."""
    how = []
    text = answer["text"]
    if before != after:
        how.append("database changed")
    if any(out.iterdir()):
        how.append("file written")
    if TOKEN in text:
        how.append("file read")
    if STORE_MARKER in text:
        how.append("database path shown")
    if (
        category in ("config", "attach", "extension", "network", "macro")
        and answer["status"] == "ok"
    ):
        how.append(f"{category} statement succeeded")
    return how


def run_all(limit: int | None) -> dict:
    from analysis.explore.sql_box import _memory_bytes
    from loaders.config import Settings

    cap_mb = _memory_bytes(Settings().explore_memory_limit) / 2**20
    base = Path(tempfile.mkdtemp(prefix="brandpulse-hostile-sql-"))
    try:
        world = make_world(base)
        out = Path(world["out"])
        records = []
        for category, template in ATTEMPTS[:limit]:
            sql = template.format(**world)
            record = {"category": category, "sql": template}
            for mode, timeout_s in (("sandbox", 120), ("plain", BASELINE_TIMEOUT_S)):
                before = fingerprint(world["db"])
                answer = in_runner(mode, world, sql, timeout_s)
                escaped = judge(category, answer, before, fingerprint(world["db"]), out)
                peak = answer["peak_rss_mb"]
                record[mode] = {
                    "status": answer["status"],
                    "escaped": escaped,
                    # died: killed by the baseline's 4 GB guard or out of memory
                    "over_cap": answer["status"] == "died" or (peak or 0) > cap_mb,
                    "too_slow": answer["status"] == "stopped" or (answer["seconds"] or 0) > 20,
                    "peak_rss_mb": peak,
                    "seconds": answer["seconds"],
                    "message": answer["text"][:300],
                }
                for entry in out.iterdir():  # the next attempt starts from an empty folder
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            records.append(record)
            print(
                f"{len(records):3d} {category:9s} sandbox={record['sandbox']['status']:8s}"
                f"{'ESCAPED ' + ','.join(record['sandbox']['escaped']) if record['sandbox']['escaped'] else ''}"
                f" plain={record['plain']['status']:8s}"
                f"{'escaped ' + ','.join(record['plain']['escaped']) if record['plain']['escaped'] else ''}"
                f" | {template[:60]!r}",
                flush=True,
            )
        controls = []
        for sql in CONTROLS:
            answer = in_runner("sandbox", world, sql, 120)
            controls.append({"sql": sql, "status": answer["status"]})
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return summarise(records, controls, cap_mb)


def summarise(records: list[dict], controls: list[dict], cap_mb: float) -> dict:
    def count(mode: str) -> dict:
        answers = [r[mode] for r in records]
        return {
            "attempts": len(answers),
            "refused": sum(a["status"] == "refused" for a in answers),
            "failed_inside_duckdb": sum(a["status"] == "error" for a in answers),
            "ran": sum(a["status"] == "ok" for a in answers),
            "escaped": sum(bool(a["escaped"]) for a in answers),
            "over_memory_cap": sum(bool(a["over_cap"]) for a in answers),
            "tracebacks": sum(a["status"] == "traceback" for a in answers),
            "too_slow_over_20s": sum(bool(a["too_slow"]) for a in answers),
            "stopped_or_died": sum(a["status"] in ("stopped", "died") for a in answers),
            "max_peak_rss_mb": max((a["peak_rss_mb"] or 0) for a in answers),
            "max_seconds": max((a["seconds"] or 0) for a in answers),
        }

    return {
        "what": "hostile SQL through the Explore SQL box vs a plain read-only DuckDB connection",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "memory_cap_mb": cap_mb,
        "sandbox": count("sandbox"),
        "plain_read_only_baseline": count("plain"),
        "controls_ran": sum(c["status"] == "ok" for c in controls),
        "controls": controls,
        "attempts": [compact(record) for record in records],
    }


def compact(record: dict) -> dict:
    """One attempt in a few hundred bytes: statuses, escapes, memory, time, the reason."""
    short = {"category": record["category"], "sql": record["sql"]}
    for mode in ("sandbox", "plain"):
        answer = record[mode]
        short[mode] = {
            "status": answer["status"],
            "escaped": answer["escaped"],
            "over_cap": answer["over_cap"],
            "peak_rss_mb": answer["peak_rss_mb"],
            "seconds": answer["seconds"],
            "message": answer["message"][:90] if answer["status"] != "ok" else "",
        }
    return short


def write_results(summary: dict) -> None:
    """The summary indented, then one line per attempt (readable, and a small diff)."""
    head = json.dumps({k: v for k, v in summary.items() if k != "attempts"}, indent=2)
    lines = ",\n".join("    " + json.dumps(a, ensure_ascii=False) for a in summary["attempts"])
    text = head[:-2] + ',\n  "attempts": [\n' + lines + "\n  ]\n}\n"
    json.loads(text)  # still JSON
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=3, metavar=("MODE", "DB", "SQL"), help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help="only the first N attempts (a quick try)")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return
    summary = run_all(args.limit)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(summary)
    for side in ("sandbox", "plain_read_only_baseline"):
        print(side, json.dumps(summary[side]))
    print("controls ran", summary["controls_ran"], "of", len(summary["controls"]))


if __name__ == "__main__":
    main()
