"""The ``models`` table: which sentiment models exist, where they live, which one is active."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from analysis.sentiment.sql import (
    ACTIVATE_MODEL,
    ACTIVE_MODEL,
    DEACTIVATE_MODELS,
    INSERT_MODEL,
    INSERT_TRAINING_DOC,
    LIST_MODELS,
    MODEL_BY_VERSION,
)
from loaders import store
from loaders.errors import ModelError, explain


@dataclass(frozen=True)
class ModelRecord:
    version: str
    kind: str  # "brandpulse" or "sequence-classification"
    source: str  # model directory or Hugging Face id
    base: str | None
    label_map: dict[str, str]
    metrics: dict[str, Any]
    created_at: datetime
    active: bool
    scored: int = 0


def _record(row: dict[str, Any]) -> ModelRecord:
    # The JSON columns are stored as text; only LIST_MODELS counts the scored documents.
    return ModelRecord(
        **{
            **row,
            "label_map": json.loads(row["label_map"]) if row["label_map"] else {},
            "metrics": json.loads(row["metrics"]) if row["metrics"] else {},
        }
    )


def new_version(prefix: str = "trained") -> str:
    """A sortable, unique-enough version name, e.g. ``trained-20261124-153000``."""
    return f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}"


def hub_version(source: str) -> str:
    """The version name under which a ready hub model or folder is registered."""
    return "hub-" + re.sub(r"[^A-Za-z0-9._-]+", "-", source).strip("-")


def register(
    con: duckdb.DuckDBPyConnection,
    *,
    version: str,
    kind: str,
    source: str,
    base: str | None = None,
    label_map: dict[str, str] | None = None,
    metrics: dict[str, Any] | None = None,
    activate: bool = False,
) -> None:
    """Add (or update) a model; with ``activate`` it becomes the one analysis scores with."""
    with store.transaction(con):
        con.execute(
            INSERT_MODEL,
            [
                version,
                kind,
                source,
                base,
                json.dumps(label_map) if label_map else None,
                json.dumps(metrics) if metrics else None,
            ],
        )
        if activate:
            con.execute(DEACTIVATE_MODELS)
            con.execute(ACTIVATE_MODEL, [version])


def register_built(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    *,
    version: str,
    base: str,
    metrics: dict[str, Any] | None,
    activate: bool,
) -> None:
    """Add a model Brandpulse trained itself (kind 'brandpulse'), saved in ``folder``."""
    register(
        con,
        version=version,
        kind="brandpulse",
        source=str(folder),
        base=base,
        metrics=metrics,
        activate=activate,
    )


def use(con: duckdb.DuckDBPyConnection, version: str) -> ModelRecord:
    """Make ``version`` the active model. Documents are re-scored by the next analysis."""
    found = get(con, version)
    if found is None:
        known = [m.version for m in list_models(con)]
        raise ModelError(
            explain(
                f"No model version '{version}'",
                expected="one of " + (", ".join(known) if known else "the registered versions"),
                fix="see `brandpulse models list`, or train one with `brandpulse train`.",
            )
        )
    with store.transaction(con):
        con.execute(DEACTIVATE_MODELS)
        con.execute(ACTIVATE_MODEL, [version])
    return get(con, version)  # type: ignore[return-value]


def get(con: duckdb.DuckDBPyConnection, version: str) -> ModelRecord | None:
    rows = store.records(con, MODEL_BY_VERSION, [version])
    return _record(rows[0]) if rows else None


def active(con: duckdb.DuckDBPyConnection) -> ModelRecord | None:
    rows = store.records(con, ACTIVE_MODEL)
    return _record(rows[0]) if rows else None


def list_models(con: duckdb.DuckDBPyConnection) -> list[ModelRecord]:
    return [_record(row) for row in store.records(con, LIST_MODELS)]


def model_path(model_dir: Path, version: str) -> Path:
    return Path(model_dir).expanduser() / version


def record_training_docs(
    con: duckdb.DuckDBPyConnection, version: str, doc_ids: list[str] | tuple[str, ...]
) -> None:
    """Remember which documents' human labels ``version`` learnt from: its figures on the
    user's labels leave them out."""
    if not doc_ids:
        return
    with store.transaction(con):
        con.executemany(
            INSERT_TRAINING_DOC, [[version, doc_id] for doc_id in dict.fromkeys(doc_ids)]
        )
