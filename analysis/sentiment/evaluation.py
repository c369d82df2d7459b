"""How well each model does on the user's own labelled documents, with an interval.

The figures a marketer can quote: accuracy, macro recall and the confusion matrix of each
model version over the human labels of this database (imported with an export, drawn by
the random queue, or corrections), leaving out the labels a version was trained on. The
interval is a percentile bootstrap over the labelled documents, so a figure from 40 labels
reads as the rough figure it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from analysis.sentiment.labels import LABELS
from analysis.sentiment.sql import USER_LABEL_CONFUSION

BOOTSTRAP_ROUNDS = 1000
INTERVAL = 0.95


@dataclass(frozen=True)
class UserEvaluation:
    version: str
    n: int  # labelled documents the version scored and was not trained on
    accuracy: float
    accuracy_interval: tuple[float, float]
    macro_recall: float  # mean recall over the labels that occur in the human labels
    macro_recall_interval: tuple[float, float]
    confusion: list[list[int]]  # rows: human label, columns: model label, both in LABELS order

    def as_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "accuracy_interval": list(self.accuracy_interval),
            "macro_recall": self.macro_recall,
            "macro_recall_interval": list(self.macro_recall_interval),
            "labels": list(LABELS),
            "confusion": self.confusion,
        }


def _accuracy_and_recall(confusion: Any) -> tuple[Any, Any]:
    """Accuracy and macro recall of one or many (leading axis) 3x3 confusion matrices."""
    import numpy as np

    totals = confusion.sum(axis=(-2, -1))
    correct = np.trace(confusion, axis1=-2, axis2=-1)
    support = confusion.sum(axis=-1)  # per human label
    recall = np.divide(
        np.diagonal(confusion, axis1=-2, axis2=-1),
        support,
        out=np.zeros(support.shape),
        where=support > 0,
    )
    present = support > 0
    macro = (recall * present).sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)
    return correct / np.maximum(totals, 1), macro


def evaluate_confusion(version: str, confusion: list[list[int]], seed: int = 7) -> UserEvaluation:
    """Figures and bootstrap intervals from a confusion matrix of counts."""
    import numpy as np

    counts = np.asarray(confusion, dtype=float)
    n = int(counts.sum())
    accuracy, macro = _accuracy_and_recall(counts)
    rng = np.random.default_rng(seed)
    # Resampling documents with replacement is a multinomial draw over the cells.
    draws = rng.multinomial(n, (counts / max(n, 1)).ravel(), size=BOOTSTRAP_ROUNDS)
    boot_accuracy, boot_macro = _accuracy_and_recall(draws.reshape(-1, *counts.shape))
    tail = (1 - INTERVAL) / 2 * 100

    def interval(values: Any) -> tuple[float, float]:
        low, high = np.percentile(values, [tail, 100 - tail])
        return float(low), float(high)

    return UserEvaluation(
        version=version,
        n=n,
        accuracy=float(accuracy),
        accuracy_interval=interval(boot_accuracy),
        macro_recall=float(macro),
        macro_recall_interval=interval(boot_macro),
        confusion=counts.astype(int).tolist(),
    )


def user_evaluations(
    con: duckdb.DuckDBPyConnection, version: str | None = None, *, fair_only: bool = False
) -> dict[str, UserEvaluation]:
    """Model version -> its figures on the user's labelled documents (versions with none left
    out); ``fair_only``: only labels drawn at random or imported, a fair sample of the data."""
    index = {label: i for i, label in enumerate(LABELS)}
    matrices: dict[str, list[list[int]]] = {}
    for model_version, truth, predicted, n in con.execute(
        USER_LABEL_CONFUSION, [version, version, fair_only]
    ).fetchall():
        matrix = matrices.setdefault(model_version, [[0] * len(LABELS) for _ in LABELS])
        matrix[index[truth]][index[predicted]] += n
    return {v: evaluate_confusion(v, m) for v, m in matrices.items()}


# Fewest fair labels for a figure from them alone; below it, all labels are used.
MIN_FAIR_FOR_FIGURES = 30
FAIR_LABELS = "your random and imported labels"
ALL_LABELS = "all your labels, least-certain picks included (accuracy reads low)"


def quotable_evaluations(
    con: duckdb.DuckDBPyConnection, version: str | None = None
) -> dict[str, tuple[UserEvaluation, str]]:
    """Version -> (figures, which labels): the fair labels when there are enough of them,
    since the least-certain queue picks the model's hardest posts; else all labels."""
    every = user_evaluations(con, version)
    fair = user_evaluations(con, version, fair_only=True)
    return {
        v: (fair[v], FAIR_LABELS)
        if v in fair and fair[v].n >= MIN_FAIR_FOR_FIGURES
        else (e, ALL_LABELS)
        for v, e in every.items()
    }
