"""Human corrections of sentiment, and the labeling queue of the documents the model is least sure about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from analysis.sentiment.labels import LABELS
from analysis.sentiment.sql import (
    CORRECTIONS,
    DOCUMENT_EXISTS,
    INSERT_LABEL,
    LEAST_CERTAIN,
)
from analysis.sentiment.training import Example
from loaders import store
from loaders.config import Settings
from loaders.errors import BrandpulseError, explain
from loaders.store import facts


def add_correction(settings: Settings, doc_id: str, label: str, note: str | None = None) -> None:
    """Record a human label for a document; it overrides every model in every aggregate."""
    if label not in LABELS:
        raise BrandpulseError(
            explain(
                f"'{label}' is not a sentiment label",
                expected=", ".join(LABELS),
                fix="use one of those.",
            )
        )
    with store.session(settings=settings) as con:
        if not store.scalar(con, DOCUMENT_EXISTS, [doc_id]):
            raise BrandpulseError(
                explain(
                    f"No document with id '{doc_id}'",
                    fix="copy the id from the labeling queue or a drill-down.",
                )
            )
        with store.transaction(con):
            was_current = facts.is_current(con)
            con.execute(INSERT_LABEL, [doc_id, label, note])
            if was_current:  # one row changes: no need to rebuild the read model for a click
                facts.apply_correction(con, doc_id, label)


def corrections(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The current human label of each corrected document, newest first."""
    return store.records(con, CORRECTIONS)


def correction_examples(con: duckdb.DuckDBPyConnection) -> list[Example]:
    """Corrections as three-class training examples (``brandpulse train --include-corrections``)."""
    return [Example(c["text"], c["label"]) for c in corrections(con)]


@dataclass(frozen=True)
class UncertainDocument:
    doc_id: str
    text: str
    label: str
    p_negative: float
    p_neutral: float
    p_positive: float
    margin: float  # top probability minus the runner-up


def least_certain(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[UncertainDocument]:
    """The ``limit`` uncorrected documents the active model is least sure about."""
    rows = con.execute(LEAST_CERTAIN, [limit]).fetchall()
    return [
        UncertainDocument(doc_id, text, label, neg, neu, pos, ranked[0] - ranked[1])
        for doc_id, text, label, neg, neu, pos, ranked in rows
    ]
