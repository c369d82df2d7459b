"""Files on disk against other local users and killed processes (issue 15, item 13): the
database, its .wal and the weekly lock are 0600; temporary folders are private, removed
after use (also on SIGTERM) and swept after a kill -9."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from loaders import store, tempdirs
from loaders.config import Settings
from loaders.ingest.files import ingest_file
from tests.conftest import REPO

CSV = "date,text\n2025-11-03,Loved the new bottle\n2025-11-04,Leaked in my bag\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def shared_umask():
    """The usual umask, under which files are world-readable unless Brandpulse says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """A temp folder of the test's own, as the system temp folder of this process."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def brandpulse_dirs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("brandpulse-"))


def test_new_database_and_its_wal_are_owner_only(tmp_path):
    db = tmp_path / "new.duckdb"
    with store.session(db) as con:
        assert mode(db) == 0o600
        con.execute("CREATE TABLE notes (text VARCHAR)")
        con.execute("INSERT INTO notes VALUES ('private')")
        wal = db.with_name(db.name + ".wal")
        assert wal.exists() and mode(wal) == 0o600
    assert os.umask(0o022) == 0o022  # the process umask is back once the write is over
    report = tmp_path / "report.md"
    report.write_text("x")
    assert mode(report) == 0o644  # files outside the store keep the user's umask


def test_existing_world_readable_database_is_tightened_on_write(tmp_path):
    db = tmp_path / "old.duckdb"
    store.connect(db).close()
    db.chmod(0o644)
    with store.session(db, read_only=True):
        assert mode(db) == 0o644  # a reader changes nothing
    store.connect(db).close()
    assert mode(db) == 0o600


def test_ingest_creates_a_private_database_and_leaves_no_temp_folders(
    tmp_path, private_tmp, monkeypatch
):
    monkeypatch.setattr(tempdirs, "_process_dirs", {})  # as in a fresh process
    source = tmp_path / "posts.csv"
    source.write_text(CSV, encoding="utf-8")
    db = tmp_path / "ingest.duckdb"
    result = ingest_file(source, settings=Settings(db=db, lock_timeout_s=30))
    assert (result.rows_read, result.inserted, result.rejected) == (2, 2, 0)
    assert mode(db) == 0o600
    # Staging folders are gone; only this process's spill folder stays, private, until exit.
    left = brandpulse_dirs(private_tmp)
    assert [name.split("-")[1] for name in left] == ["spill"]
    assert mode(private_tmp / left[0]) == 0o700


def test_weekly_lock_file_is_owner_only(tmp_path):
    from analysis.jobs.weekly import _exclusive, lock_file

    lock = lock_file(tmp_path / "db.duckdb")
    with _exclusive(lock, 1.0):
        assert mode(lock) == 0o600


def test_private_tempdir_is_0700_and_removed_on_exceptions(private_tmp):
    with pytest.raises(RuntimeError), tempdirs.private_tempdir("stage") as folder:
        assert mode(folder) == 0o700
        assert folder.name.startswith(f"brandpulse-stage-{os.getpid()}-")
        tempdirs.write_private(folder / "rows.csv", b"secret")
        assert mode(folder / "rows.csv") == 0o600
        raise RuntimeError("reader failed")
    assert not folder.exists()


def test_write_private_never_follows_a_planted_link(tmp_path):
    target = tmp_path / "victim.txt"
    target.write_text("keep")
    link = tmp_path / "upload.csv"
    link.symlink_to(target)
    with pytest.raises(OSError):
        tempdirs.write_private(link, b"overwritten?")
    assert target.read_text() == "keep"


HOLDER = textwrap.dedent(
    """
    import sys, time
    from loaders import tempdirs
    spill = tempdirs.process_dir("spill")
    with tempdirs.private_tempdir("stage") as stage:
        print(stage, spill, flush=True)
        time.sleep(60)
    """
)


def start_holder(private_tmp: Path) -> tuple[subprocess.Popen, list[Path]]:
    """A process holding a staging and a spill folder, as an ingest does mid-file."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER],
        cwd=REPO,
        env={**os.environ, "TMPDIR": str(private_tmp), "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    folders = [Path(p) for p in process.stdout.readline().split()]
    assert len(folders) == 2 and all(f.is_dir() for f in folders)
    return process, folders


@pytest.mark.parametrize(
    ("signum", "exit_code", "left_after_exit"), [(signal.SIGTERM, 143, 0), (signal.SIGKILL, -9, 2)]
)
def test_killed_process_folders_are_removed_or_swept(
    tmp_path, private_tmp, signum, exit_code, left_after_exit
):
    process, folders = start_holder(private_tmp)
    process.send_signal(signum)
    assert process.wait(timeout=60) == exit_code
    assert sum(f.exists() for f in folders) == left_after_exit
    # The next ingest sweeps what a kill -9 left (the process is gone) ...
    other = tmp_path / "other-user-like"  # ... but never a live process's folder
    live = private_tmp / f"brandpulse-stage-{os.getppid()}-abc"
    live.mkdir()
    link = private_tmp / "brandpulse-stage-999999999-link"
    link.symlink_to(other)
    other.mkdir()
    source = tmp_path / "posts.csv"
    source.write_text(CSV, encoding="utf-8")
    ingest_file(source, settings=Settings(db=tmp_path / "db.duckdb", lock_timeout_s=30))
    assert not any(f.exists() for f in folders)
    assert live.is_dir() and other.is_dir()  # a live pid's folder; a link's target
