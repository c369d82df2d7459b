"""Human labels of sentiment, and the labeling queues: the documents the model is least sure
about (the fastest way to fix the model), and a random sample (the fair way to measure it)."""

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
    RANDOM_SAMPLE,
    USER_LABELS,
)
from analysis.sentiment.training import Example
from loaders import store
from loaders.config import Settings
from loaders.errors import BrandpulseError, explain
from loaders.store import facts


def add_correction(
    settings: Settings,
    doc_id: str,
    label: str,
    note: str | None = None,
    *,
    origin: str = "correction",
) -> None:
    """Record a human label for a document; it overrides every model in every aggregate.

    ``origin`` is ``random`` for a label given to a post the random-sample queue drew (a fair
    sample, which corrected shares are estimated from), else ``correction``.
    """
    if origin not in ("correction", "random"):
        raise BrandpulseError(f"Label origin '{origin}' is not one of correction, random.")
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
            con.execute(INSERT_LABEL, [doc_id, label, note, origin])
            if was_current:  # one row changes: no need to rebuild the read model for a click
                facts.apply_correction(con, doc_id, label)


def corrections(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The current human label of each corrected document, newest first."""
    return store.records(con, CORRECTIONS)


def trainable_corrections(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The corrections a model may learn from: not the fair sample (random queue, imports),
    which must stay unseen by the model to measure it and to correct the shares."""
    return [c for c in corrections(con) if not c["fair"]]


def correction_examples(con: duckdb.DuckDBPyConnection) -> list[Example]:
    """Corrections as three-class training examples (``brandpulse train --include-corrections``)."""
    return [Example(c["text"], c["label"]) for c in trainable_corrections(con)]


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


# Changing the salt would start a new random order; there is no reason to.
RANDOM_SALT = "brandpulse-random-queue"


def random_sample(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[UncertainDocument]:
    """The next ``limit`` unlabelled documents in a stable random order.

    Label these (origin ``random``) to estimate the model's error rates without the bias of
    uncertainty sampling: corrected shares are computed from them and from imported labels.
    """
    rows = con.execute(RANDOM_SAMPLE, [RANDOM_SALT, limit]).fetchall()
    return [
        UncertainDocument(doc_id, text, label, neg, neu, pos, ranked[0] - ranked[1])
        for doc_id, text, label, neg, neu, pos, ranked in rows
    ]


@dataclass(frozen=True)
class UserLabel:
    doc_id: str
    text: str
    label: str
    fair: bool  # drawn at random or imported with an export: a fair sample of the data


def user_labels(con: duckdb.DuckDBPyConnection) -> list[UserLabel]:
    """Every labelled document once, with its newest human label."""
    return [UserLabel(*row) for row in con.execute(USER_LABELS).fetchall()]
