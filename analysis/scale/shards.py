"""Parquet shards of pending texts and of their results, named by content.

An input shard ``in-<digest>.parquet`` holds (text_hash, text) rows; its result is
``out-<digest>.parquet`` beside it. The digest covers the task, the model version and the
shard's text hashes, so a repeated run over the same pending texts cuts the same shards, and
a result shard whose file exists is finished: it is loaded, never computed again. Files
appear under their final name only when complete (written to a temporary name, then renamed),
so a run killed while writing leaves no half shard behind a finished name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.config import Settings

IN_PREFIX, OUT_PREFIX = "in-", "out-"


def digest(*parts: str) -> str:
    """A short, stable name part for ``parts`` (sha256, 20 hex digits)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


def job_folder(settings: Settings, task: str, version: str) -> Path:
    """``<model_dir>/jobs/<database>/<task>-<version digest>``: one folder per database, task and
    model version, so shards of another database or an older model are never mixed in."""
    db = settings.db.expanduser().resolve()
    return (
        settings.model_dir.expanduser()
        / "jobs"
        / f"{db.stem}-{digest(str(db))[:8]}"
        / f"{task}-{digest(version)[:12]}"
    )


def result_path(shard: Path) -> Path:
    return shard.with_name(OUT_PREFIX + shard.name.removeprefix(IN_PREFIX))


def write_atomically(table: Any, path: Path) -> None:
    """Write ``table`` to ``path`` through a temporary name: the final name means complete."""
    import pyarrow.parquet as pq

    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    pq.write_table(table, partial)
    os.replace(partial, path)


@dataclass
class Plan:
    """The input shards of a run and their row counts (what each result must hold)."""

    shards: list[Path]
    rows: dict[str, int]  # shard file name -> rows

    @property
    def texts(self) -> int:
        return sum(self.rows.values())


def export(folder: Path, task: str, version: str, batches: Iterable[Any], shard_rows: int) -> Plan:
    """Cut the (text_hash, text) record batches, in hash order, into shards of ``shard_rows``.

    A shard whose name already exists (an interrupted run over the same texts) is kept as it
    is; input shards of an earlier plan that this one does not name are removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    plan = Plan([], {})
    for table in _cut(batches, shard_rows):
        hashes = table.column("text_hash").to_pylist()
        path = folder / f"{IN_PREFIX}{digest(task, version, *hashes)}.parquet"
        if not path.exists():
            write_atomically(table, path)
        plan.shards.append(path)
        plan.rows[path.name] = table.num_rows
    named = {p.name for p in plan.shards}
    for stale in folder.glob(f"{IN_PREFIX}*.parquet"):
        if stale.name not in named:
            stale.unlink()
    return plan


def _cut(batches: Iterable[Any], shard_rows: int) -> Iterator[Any]:
    """Tables of exactly ``shard_rows`` rows (the last one shorter) from record batches; holds
    at most one shard in memory."""
    import pyarrow as pa

    pending: list[Any] = []
    held = 0
    for batch in batches:
        offset = 0
        while offset < batch.num_rows:
            take = min(shard_rows - held, batch.num_rows - offset)
            pending.append(batch.slice(offset, take))
            held += take
            offset += take
            if held == shard_rows:
                yield pa.Table.from_batches(pending).combine_chunks()
                pending, held = [], 0
    if held:
        yield pa.Table.from_batches(pending).combine_chunks()


def finished(folder: Path) -> list[Path]:
    """Result shards already complete in ``folder`` (loaded first by a repeated run)."""
    return sorted(folder.glob(f"{OUT_PREFIX}*.parquet")) if folder.is_dir() else []


def remove(paths: Iterable[Path]) -> None:
    """Remove loaded result shards and their inputs."""
    for path in paths:
        path.unlink(missing_ok=True)
        path.with_name(IN_PREFIX + path.name.removeprefix(OUT_PREFIX)).unlink(missing_ok=True)
