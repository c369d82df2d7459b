"""Ingest benchmark: `brandpulse ingest` of a 1,000,000-row social-posts CSV against DuckDB's
own `CREATE TABLE t AS SELECT * FROM read_csv(file)` on the same file, in one run.

Each side runs in its own process, alternately, on a fresh database, best of --repeats;
wall time and peak memory (max RSS) come from wait4.
Targets: ratio <= 3 and peak memory under 2 GB.

    .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results" / "bench_ingest.json"
sys.path.insert(0, str(ROOT))


def write_posts(path: Path, rows: int) -> None:
    """Social posts built from the sample generator's texts, each made distinct."""
    from loaders.demo_data import generate

    docs = [d for d in generate(seed=7) if d.kind == "social"]
    platforms = ("twitter", "instagram", "reddit")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(
            [
                "post_id",
                "platform",
                "author",
                "created_at",
                "text",
                "likes",
                "shares",
                "replies",
                "url",
                "brand",
                "lang",
            ]
        )
        base = 1_756_000_000
        for i in range(rows):
            doc = docs[i % len(docs)]
            out.writerow(
                [
                    f"s{i}",
                    platforms[i % 3],
                    f"user{i % 50_000}",
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + i * 7)),
                    f"{doc.text} #{i}",
                    i % 311,
                    i % 41,
                    i % 17,
                    "",
                    doc.brand,
                    doc.language,
                ]
            )


def timed(command: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per side; the best is reported"
    )
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    data = WORK / "posts.csv"
    write_posts(data, args.rows)
    size_mb = data.stat().st_size / 1e6

    baseline_code = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('CREATE TABLE t AS SELECT * FROM read_csv(?)', [sys.argv[2]])"
    ours_db = WORK / "brandpulse.duckdb"
    ingest = [sys.executable, "-m", "dashboard.cli", "ingest", str(data), "--db", str(ours_db)]
    duck_runs, ours_runs = [], []
    for _ in range(args.repeats):  # alternate the two sides, each on a fresh database
        for leftover in WORK.glob("*.duckdb*"):
            leftover.unlink()
        duck_runs.append(
            timed([sys.executable, "-c", baseline_code, str(WORK / "baseline.duckdb"), str(data)])
        )
        ours_runs.append(timed(ingest))
    again_s, _ = timed(ingest)  # the same file again: every row is a duplicate
    duck_s, duck_mb = min(duck_runs)
    ours_s, ours_mb = min(ours_runs)

    figures = {
        "rows": args.rows,
        "file_mb": round(size_mb, 1),
        "duckdb_read_csv_ctas_s": round(duck_s, 2),
        "brandpulse_ingest_s": round(ours_s, 2),
        "ratio": round(ours_s / duck_s, 2),
        "repeats": args.repeats,
        "duckdb_runs_s": [round(t, 2) for t, _ in duck_runs],
        "brandpulse_runs_s": [round(t, 2) for t, _ in ours_runs],
        "brandpulse_reingest_all_duplicates_s": round(again_s, 2),
        "duckdb_peak_mb": round(duck_mb),
        "brandpulse_peak_mb": round(ours_mb),
        "targets": {"ratio_max": 3, "peak_mb_max": 2048},
        "cpu_count": os.cpu_count(),
    }
    print(f"{args.rows:,} rows, {size_mb:.0f} MB CSV")
    print(f"DuckDB CREATE TABLE AS read_csv: {duck_s:6.2f} s, peak {duck_mb:5.0f} MB")
    print(f"brandpulse ingest:               {ours_s:6.2f} s, peak {ours_mb:5.0f} MB")
    print(
        f"ratio: {ours_s / duck_s:.2f} (target <= 3); re-ingest (all duplicates): {again_s:.2f} s"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
