"""Private temporary folders: readable by this user only, removed when done, swept when
a killed process left them behind.

Staged inputs, DuckDB spill files and dashboard uploads hold a user's data. Each lives in
``<tmp>/brandpulse-<kind>-<pid>-<random>`` made by :func:`tempfile.mkdtemp` (mode 0700,
an unpredictable name). The pid in the name lets the next process recognise folders of
processes that are gone (``kill -9`` runs no cleanup) and remove them.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

PREFIX = "brandpulse-"
_NAME = re.compile(rf"^{PREFIX}[a-z]+-(\d+)-")
_lock = threading.Lock()
_process_dirs: dict[str, Path] = {}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def sweep_stale(parent: Path | None = None) -> list[Path]:
    """Remove this user's brandpulse folders whose process is gone; return them."""
    parent = Path(parent or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            match = _NAME.match(entry.name)
            if not match or int(match.group(1)) == os.getpid() or _pid_alive(int(match.group(1))):
                continue
            try:
                info = entry.lstat()
            except OSError:
                continue
            # Only our own real folders: never follow a planted link, never touch others' files.
            if entry.is_symlink() or not entry.is_dir() or info.st_uid != os.geteuid():
                continue
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def make_private_dir(kind: str) -> Path:
    """A new folder ``brandpulse-<kind>-<pid>-<random>`` with mode 0700 (the caller removes it)."""
    if not kind.isalpha():
        raise ValueError(f"kind must be letters: {kind!r}")
    sweep_stale()  # a listing of the temp folder: cheap next to any ingest
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


def remove_dir(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While inside, SIGTERM raises SystemExit so ``finally`` blocks (and cleanups) run.

    Only in the main thread and only where SIGTERM still has its default action (a server
    such as the dashboard's handles it itself).
    """
    installed = False
    if threading.current_thread() is threading.main_thread():
        with contextlib.suppress(ValueError):
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _raise_exit)
                installed = True
    try:
        yield
    finally:
        if installed:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextlib.contextmanager
def private_tempdir(kind: str) -> Iterator[Path]:
    """A private folder for the duration of the block, removed on exit, on exceptions and
    on SIGTERM; folders left by killed processes are swept on the next call."""
    folder = make_private_dir(kind)
    try:
        with _sigterm_unwinds():
            yield folder
    finally:
        remove_dir(folder)


def process_dir(kind: str) -> Path:
    """One private folder of this kind per process (e.g. DuckDB's spill folder), removed
    when the process exits normally or by SIGTERM; swept after a kill -9."""
    with _lock:
        folder = _process_dirs.get(kind)
        if folder is None or not folder.is_dir():
            sweep_stale()
            folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))
            if not _process_dirs:
                atexit.register(_remove_process_dirs)
            _process_dirs[kind] = folder
        return folder


def _remove_process_dirs() -> None:
    for folder in _process_dirs.values():
        remove_dir(folder)
    _process_dirs.clear()


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new file readable by this user only (never through a link)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o600), "wb") as handle:
        handle.write(data)
    return path
