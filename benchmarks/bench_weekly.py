"""The unattended weekly run when a new week's exports arrive, against rebuilding from scratch.

Real offline models (the default sentiment model, MiniLM embeddings for topics), the
bundled sample data (about 9,000 posts and reviews over 16 weeks):

1. History: `brandpulse weekly` over an inbox holding the sample's files (built once and
   copied for each run).
2. Next week's exports arrive: every post and review of the sample's last full week again,
   7 days later and with a word added so that no cached score or embedding is reused
   (about 600 new documents, in a reviews file and a social file).
3. Measured, each in a fresh process like cron's:
   - incremental: the weekly run on a copy of the history database: ingests the two new
     files, scores and assigns topics to their documents, writes the report as HTML and PDF;
   - again: the same run once more (nothing new; the report is replaced);
   - baseline: the same inbox into an empty database, analysed from scratch: what a
     pipeline without the inbox's memory and incremental analysis would do each week.
   Ratio = baseline / incremental. Also timed: `brandpulse report` alone, as HTML and PDF.

    .venv/bin/python benchmarks/bench_weekly.py

Writes benchmarks/results/bench_weekly.json; databases and inboxes go to benchmarks/work.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "bench_weekly"
RESULTS = ROOT / "benchmarks" / "results" / "bench_weekly.json"
BRANDPULSE = Path(sys.executable).parent / "brandpulse"
sys.path.insert(0, str(ROOT))

LAST_WEEK = """
SELECT kind, source, brand, product, created_at, text, rating
FROM documents
WHERE created_at >= ?::DATE AND created_at < ?::DATE + 7
ORDER BY created_at
"""


def weekly(db: Path, inbox: Path, outbox: Path) -> tuple[float, str]:
    """One `brandpulse weekly` in its own process: (seconds, output)."""
    started = time.perf_counter()
    finished = subprocess.run(
        [BRANDPULSE, "weekly", "--inbox", inbox, "--outbox", outbox, "--db", db],
        capture_output=True,
        text=True,
        env={**os.environ, "TQDM_DISABLE": "1"},
        check=False,
    )
    seconds = time.perf_counter() - started
    if finished.returncode:
        sys.exit(f"brandpulse weekly failed:\n{finished.stdout}\n{finished.stderr}")
    return seconds, finished.stdout


def write_next_week(db: Path, inbox: Path) -> tuple[str, int]:
    """The last full week's documents again, a week later, as two export files."""
    from analysis.periods import iso_week, last_full_week
    from loaders import store

    with store.session(db, read_only=True) as con:
        monday = last_full_week(con)
        documents = con.execute(LAST_WEEK, [monday, monday]).fetchall()
    for kind in ("review", "social"):
        with (inbox / f"next-week-{kind}s.csv").open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(
                ["created_at", "text", "source", "brand", "product"]
                + (["rating"] if kind == "review" else [])
            )
            for doc_kind, source, brand, product, created_at, text, rating in documents:
                if doc_kind == kind:
                    moved = (created_at + timedelta(days=7)).isoformat()
                    out.writerow(
                        [moved, f"{text} Again.", source, brand, product]
                        + ([rating] if kind == "review" else [])
                    )
    return iso_week(monday + timedelta(days=7)), len(documents)


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    inbox, history_db = WORK / "inbox", WORK / "history.duckdb"
    inbox.mkdir(parents=True)
    for name in ("reviews.csv", "social_posts.csv", "campaigns.csv"):
        shutil.copy(ROOT / "sample_data" / name, inbox / name)
    history_s, _ = weekly(history_db, inbox, WORK / "outbox-history")
    print(f"history (the sample, from scratch): {history_s:.1f}s", flush=True)

    next_week, added = write_next_week(history_db, inbox)
    incremental_db = WORK / "incremental.duckdb"
    shutil.copy(history_db, incremental_db)
    incremental_s, output = weekly(incremental_db, inbox, WORK / "outbox")
    print(f"incremental ({added} new documents): {incremental_s:.1f}s", flush=True)
    print(output)
    assert f"Report for {next_week} written to" in output, output
    again_s, again_output = weekly(incremental_db, inbox, WORK / "outbox")
    assert ": 0 new files, 5 already loaded" in again_output, again_output
    print(f"again (nothing new): {again_s:.1f}s", flush=True)
    baseline_s, _ = weekly(WORK / "baseline.duckdb", inbox, WORK / "outbox-baseline")
    print(f"baseline (everything from scratch): {baseline_s:.1f}s", flush=True)

    report = WORK / "outbox" / f"brandpulse-{next_week}"
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "new_week": next_week,
        "new_documents": added,
        "history_from_scratch_s": round(history_s, 1),
        "incremental_s": round(incremental_s, 1),
        "again_s": round(again_s, 1),
        "baseline_from_scratch_s": round(baseline_s, 1),
        "ratio_baseline_over_incremental": round(baseline_s / incremental_s, 1),
        "report_html_bytes": report.with_suffix(".html").stat().st_size,
        "report_pdf_bytes": report.with_suffix(".pdf").stat().st_size,
    }
    for suffix in (".html", ".pdf"):
        started = time.perf_counter()
        subprocess.run(
            [BRANDPULSE, "report", "--db", incremental_db, "--out", WORK / f"report{suffix}"],
            check=True,
            capture_output=True,
        )
        result[f"report_only_{suffix[1:]}_s"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
