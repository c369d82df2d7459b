"""Pages wait for a writer under a 'database busy' spinner instead of staying blank."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard import cache
from loaders import store
from loaders.config import Settings


@pytest.fixture
def db(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "busy.duckdb"
    store.connect(path, settings=Settings(db=path)).close()
    monkeypatch.setenv("BRANDPULSE_DB", str(path))
    monkeypatch.setenv("BRANDPULSE_LOCK_TIMEOUT_S", "30")
    return path


@pytest.fixture
def spinners(monkeypatch) -> list[str]:
    shown: list[str] = []

    @contextlib.contextmanager
    def spinner(text: str, **_: object):
        shown.append(text)
        yield

    monkeypatch.setattr(cache.st, "spinner", spinner)
    return shown


def hold_the_lock(db: Path, seconds: float) -> subprocess.Popen:
    script = (
        "import sys, time, duckdb\n"
        "con = duckdb.connect(sys.argv[1])\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "con.close()\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
    return writer


def test_a_page_waits_for_a_writer_under_the_busy_spinner(db, spinners):
    writer = hold_the_lock(db, 2)
    started = time.monotonic()
    try:
        info = cache.info()
    finally:
        writer.wait(timeout=30)
    assert info.documents == 0
    assert time.monotonic() - started > 1  # it did wait for the writer
    assert spinners == [cache.BUSY_SPINNER]


def test_no_spinner_when_nobody_writes(db, spinners):
    assert cache.schema()["documents"][0] == ("doc_id", "VARCHAR")
    assert spinners == []
