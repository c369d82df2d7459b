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

from loaders import queries
from loaders.errors import InputFileError, explain
from loaders.formats import FORMAT_BY_SUFFIX, file_digest


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


def _check_folder(folder: Path) -> None:
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
    _check_folder(folder)
    return _exports(folder)


def scan_inbox(folder: Path) -> InboxScan:
    """The inbox's export files, leaving out links (or files in linked folders) whose
    target lies outside the inbox."""
    _check_folder(folder)
    root = folder.resolve()
    files, leaving = [], []
    for path in _exports(folder):
        (files if path.resolve().is_relative_to(root) else leaving).append(path)
    return InboxScan(files, leaving)


def new_inbox_files(
    con: duckdb.DuckDBPyConnection, folder: Path, paths: list[Path] | None = None
) -> tuple[list[InboxFile], int]:
    """The inbox's files (or ``paths``, as :func:`scan_inbox` found them) whose bytes no
    ingest run has loaded (a copy counted once), and how many were left out because they were."""
    found = scan_inbox(folder).files if paths is None else paths
    files = [InboxFile(path, file_digest(path)) for path in found]
    known = {
        digest
        for (digest,) in con.execute(
            queries.KNOWN_DIGESTS, {"digests": [f.sha256 for f in files]}
        ).fetchall()
    }
    new: dict[str, InboxFile] = {}
    for file in files:
        if file.sha256 not in known:
            new.setdefault(file.sha256, file)
    return list(new.values()), len(files) - len(new)
