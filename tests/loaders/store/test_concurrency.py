"""Two real processes against one database file, and an ingest killed mid-write."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, scalar


def write_posts(path: Path, count: int, offset: int = 0) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["post_id", "text", "created_at", "likes"])
        for i in range(offset, offset + count):
            out.writerow(
                [
                    f"p{i}",
                    f"Post number {i} about the bottle lid and the coffee",
                    f"2024-01-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
                    i % 97,
                ]
            )
    return path


def python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


READER = """
import sys, time
from loaders import store
from loaders.config import Settings
db, seconds = sys.argv[1], float(sys.argv[2])
settings = Settings(db=db, lock_timeout_s=60)
deadline, queries, last = time.monotonic() + seconds, 0, 0
while time.monotonic() < deadline:
    with store.session(db, read_only=True, settings=settings) as con:
        last = con.execute("SELECT count(*) FROM documents").fetchall()[0][0]
    queries += 1
print(queries, last)
"""

WRITER = """
import sys
from loaders.ingest.files import ingest_file
from loaders.config import Settings
db = sys.argv[1]
for path in sys.argv[2:]:
    result = ingest_file(path, settings=Settings(db=db, lock_timeout_s=60))
    print(result.inserted, flush=True)
"""


@pytest.mark.slow
def test_ingest_while_another_process_queries(tmp_path, db):
    files = [str(write_posts(tmp_path / f"batch{i}.csv", 40_000, i * 40_000)) for i in range(3)]
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from loaders import store; store.connect(sys.argv[1]).close()",
            str(db),
        ],
        cwd=REPO,
        check=True,
    )
    reader = python(READER, str(db), "12")
    time.sleep(0.5)
    writer = python(WRITER, str(db), *files)
    w_out, w_err = writer.communicate(timeout=120)
    r_out, r_err = reader.communicate(timeout=120)
    assert writer.returncode == 0, w_err
    assert reader.returncode == 0, r_err
    assert [int(x) for x in w_out.split()] == [40_000, 40_000, 40_000]
    queries, last_count = (int(x) for x in r_out.split())
    assert queries > 10  # the reader kept working during the ingests
    assert last_count == 120_000  # and sees the new rows afterwards


KILLABLE = """
import sys
from loaders.ingest.files import ingest_file
from loaders.config import Settings

def progress(stage, fraction):
    if stage == "writing":
        print("WRITING", flush=True)

ingest_file(sys.argv[2], settings=Settings(db=sys.argv[1]), progress=progress)
print("DONE", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4])
def test_killed_ingest_leaves_database_as_before(tmp_path, db, delay):
    from loaders.config import Settings
    from loaders.ingest.files import ingest_file

    settings = Settings(db=db)
    ingest_file(write_posts(tmp_path / "first.csv", 1000), settings=settings)
    big = write_posts(tmp_path / "big.csv", 300_000, 1000)
    process = python(KILLABLE, str(db), str(big))
    assert process.stdout.readline().strip() == "WRITING"
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert scalar(db, "SELECT count(*) FROM documents") == 1000
    assert scalar(db, "SELECT count(*) FROM ingest_runs") == 1
    assert scalar(db, "SELECT count(*) FROM rejected_rows") == 0
    again = ingest_file(big, settings=settings)
    assert (again.inserted, again.duplicates) == (300_000, 0)
    assert scalar(db, "SELECT count(*) FROM documents") == 301_000
    assert scalar(db, "SELECT count(DISTINCT doc_id) FROM documents") == 301_000
