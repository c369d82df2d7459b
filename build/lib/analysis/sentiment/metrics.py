"""Classification figures: accuracy, macro recall, macro F1, confusion matrix, per class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def classification_metrics(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Figures over ``labels``; the confusion matrix has gold rows and predicted columns."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    index = {label: i for i, label in enumerate(labels)}
    confusion = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        if g in index and p in index:
            confusion[index[g]][index[p]] += 1
    per_class = {}
    for label, i in index.items():
        true_pos = confusion[i][i]
        support = sum(confusion[i])
        predicted_n = sum(row[i] for row in confusion)
        precision = true_pos / predicted_n if predicted_n else 0.0
        recall = true_pos / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
        }
    present = [c for c in per_class.values() if c["support"]]
    total = sum(sum(row) for row in confusion)
    return {
        "n": total,
        "accuracy": sum(confusion[i][i] for i in range(len(labels))) / total if total else 0.0,
        "macro_recall": sum(c["recall"] for c in present) / len(present) if present else 0.0,
        "macro_f1": sum(c["f1"] for c in present) / len(present) if present else 0.0,
        "labels": list(labels),
        "confusion": confusion,
        "per_class": per_class,
    }
