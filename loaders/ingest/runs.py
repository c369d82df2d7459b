"""Re-map an ingest run: the same file ingested again with a corrected column mapping,
replacing the run in one write (``brandpulse data remap``, the Data page).

Each run records its file's absolute path, digest and mapping (``ingest_runs``). The
mapping of the re-ingest is the run's own with the given changes on top, so what was
right stays right; the file must still be where it was, unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from loaders import store
from loaders.config import Settings
from loaders.errors import BrandpulseError, InputFileError, explain
from loaders.ingest.files import IngestResult, ingest_file
from loaders.ingest.formats import Progress
from loaders.ingest.mapping import FIELDS

_CHUNK = 1 << 20


@dataclass(frozen=True)
class RunRecord:
    """What an ingest run recorded about its file."""

    run_id: int
    file: Path
    sha256: str
    mapping: dict[str, Any]  # columns, kind, preset, source, brand (ColumnMapping.as_json)
    undone: bool


def run_record(con: duckdb.DuckDBPyConnection, run_id: int) -> RunRecord:
    """The file, digest and mapping of ``run_id``; BrandpulseError when there is no such run."""
    found = con.execute(
        "SELECT r.file, r.sha256, r.mapping, u.run_id IS NOT NULL FROM ingest_runs r "
        "LEFT JOIN undone_runs u USING (run_id) WHERE r.run_id = ?",
        [run_id],
    ).fetchall()
    if not found:
        raise BrandpulseError(
            explain(
                f"There is no ingest run {run_id}",
                fix="`brandpulse db info` lists the runs.",
            )
        )
    file, sha256, mapping, undone = found[0]
    return RunRecord(run_id, Path(file), sha256, json.loads(mapping), bool(undone))


def remap_columns(old: Mapping[str, str], changes: Mapping[str, str]) -> dict[str, str]:
    """Every field as the run mapped it (unmapped ones stay unmapped), with ``changes`` on top."""
    return {**{name: old.get(name, "") for name in FIELDS}, **changes}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_file(record: RunRecord, path: Path | None = None) -> None:
    """Raise InputFileError when the run's file (or ``path``, the same file from elsewhere,
    e.g. uploaded again) is gone or is not the file the run read."""
    if path is not None:
        found = _sha256(path)
        if found != record.sha256:
            raise InputFileError(
                explain(
                    f"{path.name} is not the file ingest run {record.run_id} read",
                    expected=f"{record.file.name}, sha256 {record.sha256[:12]}...",
                    found=f"sha256 {found[:12]}...",
                    fix="give the same file, or undo the run and ingest the new file.",
                )
            )
        return
    if not record.file.is_file():
        raise InputFileError(
            explain(
                f"The file of ingest run {record.run_id} is gone",
                expected=str(record.file),
                found="no file at that path",
                fix=f"put the file back there, or `brandpulse data undo {record.run_id}` and "
                "ingest it from where it is now with `brandpulse ingest FILE --map FIELD=COLUMN`.",
            )
        )
    found = _sha256(record.file)
    if found != record.sha256:
        raise InputFileError(
            explain(
                f"{record.file.name} has changed since ingest run {record.run_id} read it",
                expected=f"sha256 {record.sha256[:12]}...",
                found=f"sha256 {found[:12]}...",
                fix=f"`brandpulse data undo {record.run_id}`, then ingest the new file "
                "with `brandpulse ingest FILE --map FIELD=COLUMN`.",
            )
        )


def remap_run(
    run_id: int,
    changes: Mapping[str, str],
    *,
    settings: Settings,
    kind: str | None = None,
    source: str | None = None,
    brand: str | None = None,
    progress: Progress | None = None,
    path: Path | None = None,
) -> IngestResult:
    """Ingest the file of ``run_id`` again with ``changes`` (field -> column, "" unmaps) to
    its mapping, undoing the run in the same write. The database is unchanged when the file
    is gone or changed, the new mapping does not fit, or the run is already undone.

    ``path``: the same file from another place (the Data page's copy of an upload is removed
    after its ingest, so the file is uploaded again); its digest must be the run's.
    """
    with store.session(settings=settings, read_only=True) as con:
        record = run_record(con, run_id)
    if record.undone:
        raise BrandpulseError(
            explain(
                f"Ingest run {run_id} is already undone",
                fix=f"ingest its file again: `brandpulse ingest {record.file} --map FIELD=COLUMN`.",
            )
        )
    check_file(record, path)
    old = record.mapping
    return ingest_file(
        path or record.file,
        settings=settings,
        columns=remap_columns(old.get("columns", {}), changes),
        preset=old.get("preset"),
        kind=kind or old.get("kind"),
        source=source or old.get("source"),
        brand=brand or old.get("brand"),
        progress=progress,
        replaces=run_id,
    )
