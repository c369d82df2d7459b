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
    SENTIMENT_SUMMARY,
    WEEKLY_SENTIMENT,
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
        if not con.execute(DOCUMENT_EXISTS, [doc_id]).fetchall()[0][0]:
            raise BrandpulseError(
                explain(
                    f"No document with id '{doc_id}'",
                    fix="copy the id from the labeling queue or a drill-down.",
                )
            )
        con.execute("BEGIN TRANSACTION")
        try:
            was_current = facts.is_current(con)
            con.execute(INSERT_LABEL, [doc_id, label, note])
            if was_current:  # one row changes: no need to rebuild the read model for a click
                facts.apply_correction(con, doc_id, label)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


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


def sentiment_summary(
    con: duckdb.DuckDBPyConnection, *, brand: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """Counts per label and the mean score, with human corrections applied."""
    return store.records(con, SENTIMENT_SUMMARY, [brand, brand, kind, kind])[0]


def weekly_sentiment(
    con: duckdb.DuckDBPyConnection, *, brand: str | None = None
) -> list[dict[str, Any]]:
    """Per week and brand: labeled documents, mean score, positive and negative shares."""
    return store.records(con, WEEKLY_SENTIMENT, [brand, brand])
