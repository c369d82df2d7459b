"""The inbox of an unattended weekly run: export files (and campaign lists) dropped into
a folder, each loaded once.

A file counts as loaded when an ingest run or a campaign import has read its exact bytes
(the sha256 that `ingest_runs` and `campaign_imports` keep), whichever way it came in and
whatever it is called now. A file replaced by a new export under the same name is new
again; its rows that are already stored count as duplicates.

A symbolic link in the inbox that leads outside it is skipped and reported: whoever can
drop files into the inbox must not make the run read (and store) files elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from loaders.errors import InputFileError, explain
from loaders.ingest.formats import FORMAT_BY_SUFFIX, file_digest
from loaders.ingest.sql import KNOWN_DIGESTS


@dataclass(frozen=True)
class InboxFile:
    path: Path
    sha256: str


@dataclass(frozen=True)
class InboxScan:
    files: list[Path]  # export files to consider, in name order
    links_leaving: list[Path]  # symbolic links to files outside the inbox: skipped


def _hidden(path: Path, folder: Path) -> bool:
    """Dot files and folders, and the lock files of open Office documents (~$name.xlsx)."""
    return any(part.startswith((".", "~$")) for part in path.relative_to(folder).parts)


def check_folder(folder: Path) -> None:
    """Refuse a ``folder`` that is not one (before a run touches anything)."""
    if not folder.is_dir():
        raise InputFileError(
            explain(
                f"{folder} is not a folder",
                fix="create it, or name the folder your exports are saved to.",
            )
        )


def _exports(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix.lower() in FORMAT_BY_SUFFIX and not _hidden(path, folder)
    )


def export_files(folder: Path) -> list[Path]:
    """The supported export files in ``folder`` and its subfolders, in name order
    (links followed: for a folder a user names, e.g. ``brandpulse ingest FOLDER``)."""
    check_folder(folder)
    return _exports(folder)


def scan_inbox(folder: Path) -> InboxScan:
    """The inbox's export files, leaving out links (or files in linked folders) whose
    target lies outside the inbox."""
    check_folder(folder)
    root = folder.resolve()
    files, leaving = [], []
    for path in _exports(folder):
        (files if path.resolve().is_relative_to(root) else leaving).append(path)
    return InboxScan(files, leaving)


def leaves_inbox(path: Path, folder: Path) -> bool:
    """Whether ``path`` now leads out of ``folder`` (a link, or a link among its folders),
    checked again right before the file is read: it may have been swapped since the scan."""
    try:
        path.lstat()  # the entry itself, not where a link points
        return not path.resolve(strict=True).is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # gone, a dangling link or a loop: not read either way
        return False


def unreadable_message(path: Path, error: OSError) -> str:
    """One line naming a file the run could not read, which stays for the next run."""
    return explain(
        f"{path.name} could not be read",
        found=f"{type(error).__name__}: {error.strerror or error}",
        fix="it stays in the inbox for the next run; check that it is still there and readable.",
    )


def _digests(paths: list[Path], unreadable: dict[Path, str] | None) -> list[InboxFile]:
    """Each file's sha256; a file that cannot be read (removed since the scan, a permission)
    goes into ``unreadable`` with its one-line reason, or raises when that is None."""
    files = []
    for path in paths:
        try:
            files.append(InboxFile(path, file_digest(path)))
        except OSError as error:
            if unreadable is None:
                raise
            unreadable[path] = unreadable_message(path, error)
    return files


def new_inbox_files(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    paths: list[Path] | None = None,
    unreadable: dict[Path, str] | None = None,
) -> tuple[list[InboxFile], int]:
    """The inbox's files (or ``paths``, as :func:`scan_inbox` found them) whose bytes no
    ingest run has loaded (a copy counted once), and how many were left out because they were.

    Files that cannot be read are put into ``unreadable`` (file -> one-line reason) when
    it is given, so that one vanished file does not stop the others."""
    found = scan_inbox(folder).files if paths is None else paths
    files = _digests(found, unreadable)
    known = {
        digest
        for (digest,) in con.execute(
            KNOWN_DIGESTS, {"digests": [f.sha256 for f in files]}
        ).fetchall()
    }
    new: dict[str, InboxFile] = {}
    for file in files:
        if file.sha256 not in known:
            new.setdefault(file.sha256, file)
    return list(new.values()), len(files) - len(new)
