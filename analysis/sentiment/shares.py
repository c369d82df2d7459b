"""Sentiment shares of any filtered set: as the model counts them, and corrected for its bias.

The raw shares are the effective labels every page shows (a human label wins over the
model). The corrected shares keep every human label as it is and estimate the rest from
the fair human labels: those drawn by the random queue or imported with an export, never
the least-certain queue's (uncertainty sampling picks the model's mistakes). Two methods
of :mod:`analysis.sentiment.quantify`, measured against each other on real data in
``benchmarks/eval_quantification.py``:

* with at least ``min_labels`` fair labels inside the filtered set, prediction-powered
  inference (PPI++): the labelled sample's own shares, sharpened by the model's
  probabilities over the rest. Unbiased; 2.2 points of error with 200 labels on TweetEval,
  where the model's own count is 10.8 points off;
* with enough fair labels in the database but not in this set (a brand, a week), adjusted
  classify-and-count: the model's error rates measured on all fair labels, assumed to hold
  in the set. Noisier, with an interval to match;
* with neither, the raw shares, and how many labels would change that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from analysis.filters import NO_FILTERS, Filters
from analysis.sentiment.labels import LABELS
from analysis.sentiment.quantify import CorrectedShares, correct_shares, powered_shares
from analysis.sentiment.sql import (
    FAIR_CONFUSION,
    scope_fair_labels,
    scope_label_counts,
    scope_model_means,
)

POWERED = "prediction-powered inference (PPI++) from {n:,} of your random labels in this selection"
ADJUSTED = "adjusted classify-and-count with the model's error rates on {n:,} of your random labels"

# Labels each class needs in the fair sample before its error rates mean anything.
MIN_PER_LABEL = 10
# Fewest random labels inside a selection for the prediction-powered estimate, whatever the
# setting: below this the bootstrap has too little to vary.
MIN_POWERED = 30


@dataclass(frozen=True)
class SentimentShares:
    n_documents: int  # documents of the set with a label (human or model)
    n_labels: int  # fair human labels the model's error rates are measured on
    raw: dict[str, float]
    corrected: dict[str, tuple[float, float, float]] | None  # label -> (share, low, high)
    raw_net: float | None
    corrected_net: tuple[float, float, float] | None
    labels_needed: int  # more fair labels to label before shares are corrected (0: enough)
    method: str

    def as_json(self) -> dict[str, Any]:
        """The `sentiment shares --json` object; shares are fractions."""
        return {
            "n_documents": self.n_documents,
            "n_labels": self.n_labels,
            "raw": self.raw,
            "corrected": (
                {label: list(v) for label, v in self.corrected.items()} if self.corrected else None
            ),
            "raw_net": self.raw_net,
            "corrected_net": list(self.corrected_net) if self.corrected_net else None,
            "labels_needed": self.labels_needed,
            "method": self.method,
        }


def fair_confusion(con: duckdb.DuckDBPyConnection) -> list[list[int]]:
    """The active model's labels (columns) against the fair human labels (rows), in LABELS order."""
    index = {label: i for i, label in enumerate(LABELS)}
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for truth, predicted, n in con.execute(FAIR_CONFUSION).fetchall():
        matrix[index[truth]][index[predicted]] += n
    return matrix


def labels_still_needed(confusion: list[list[int]], min_labels: int) -> int:
    """How many more fair labels before corrected shares are shown (0 when enough)."""
    total = sum(map(sum, confusion))
    rows = [sum(row) for row in confusion]
    short_of_min = max(0, min_labels - total)
    # A label seen fewer than MIN_PER_LABEL times (or never: error rates cannot be measured
    # for it, and ACC would pin its share at 0): about that many more of it, at its share.
    thin = [MIN_PER_LABEL - n for n in rows if n < MIN_PER_LABEL]
    if thin and total:
        share = min(rows) / total
        short_of_min = max(short_of_min, int(max(thin) / max(share, 0.02)))
    return short_of_min


def _powered(
    con: duckdb.DuckDBPyConnection, filters: Filters, known: list[int], labelled: list[tuple]
) -> CorrectedShares:
    """PPI++ over the set's fair labels and its unlabelled documents; the set's other human
    labels (corrections, labels the model learnt) count as they are."""
    import numpy as np

    truth = [LABELS.index(row[0]) for row in labelled]
    probs = np.array([row[1:] for row in labelled], dtype=float)
    n_unlabelled, *means = con.execute(scope_model_means(), filters.params()).fetchall()[0]
    other_known = np.asarray(known, dtype=float) - np.bincount(truth, minlength=len(LABELS))
    estimate = powered_shares(truth, probs, [m or 0.0 for m in means], n_unlabelled)
    sampled = len(truth) + n_unlabelled
    total = other_known.sum() + sampled

    def whole(values: tuple[float, ...]) -> tuple[float, ...]:
        return tuple((other_known + sampled * np.asarray(values)) / total)

    net_known = other_known[LABELS.index("positive")] - other_known[LABELS.index("negative")]
    return CorrectedShares(
        shares=whole(estimate.shares),
        low=whole(estimate.low),
        high=whole(estimate.high),
        net=tuple((net_known + sampled * v) / total for v in estimate.net),  # type: ignore[arg-type]
    )


def sentiment_shares(
    con: duckdb.DuckDBPyConnection, filters: Filters = NO_FILTERS, *, min_labels: int = 100
) -> SentimentShares:
    """Raw and (with enough fair labels) corrected sentiment shares of the filtered documents."""
    known = [0] * len(LABELS)
    predicted = [0] * len(LABELS)
    for label, corrected, n in con.execute(scope_label_counts(), filters.params()).fetchall():
        (known if corrected else predicted)[LABELS.index(label)] += n
    total = sum(known) + sum(predicted)
    raw = {
        label: (known[i] + predicted[i]) / total if total else 0.0 for i, label in enumerate(LABELS)
    }
    raw_net = raw["positive"] - raw["negative"] if total else None
    labelled = con.execute(scope_fair_labels(), filters.params()).fetchall()
    confusion = fair_confusion(con)
    needed = labels_still_needed(confusion, min_labels)
    estimate, method, n_labels = None, "raw classify-and-count", sum(map(sum, confusion))
    if filters.sentiment:
        # Chosen by their label, the posts are all of one sentiment by construction.
        needed, method = 0, "not corrected: the selection is filtered by sentiment"
    elif total and len(labelled) >= max(min_labels, MIN_POWERED):
        estimate = _powered(con, filters, known, labelled)
        method, n_labels = POWERED.format(n=len(labelled)), len(labelled)
    elif total and not needed:
        estimate = correct_shares(confusion, predicted, known)
        method = ADJUSTED.format(n=n_labels)
    return SentimentShares(
        n_documents=total,
        n_labels=n_labels,
        raw=raw,
        corrected=(
            {
                label: (estimate.shares[i], estimate.low[i], estimate.high[i])
                for i, label in enumerate(LABELS)
            }
            if estimate
            else None
        ),
        raw_net=raw_net,
        corrected_net=estimate.net if estimate else None,
        labels_needed=0 if estimate else needed,
        method=method,
    )


def _share_text(label: str, value: tuple[float, float, float]) -> str:
    return f"{label} {value[0]:.0%} ({value[1]:.0%} to {value[2]:.0%})"


def shares_summary(shares: SentimentShares) -> str:
    """One or two sentences a marketer can quote: corrected shares with their intervals and
    what they rest on, or why the shares are as the model counts them."""
    if not shares.n_documents:
        return "No scored posts match these filters."
    if not shares.corrected and not shares.labels_needed:
        return f"Shares as the model counts them ({shares.method})."
    if shares.corrected and shares.corrected_net:
        net, low, high = shares.corrected_net
        parts = ", ".join(_share_text(label, shares.corrected[label]) for label in LABELS)
        return (
            f"Corrected for the model's bias ({shares.method}): "
            f"{parts}; net sentiment {net:+.2f} ({low:+.2f} to {high:+.2f}), 95% intervals. "
            f"As the model counts them: negative {shares.raw['negative']:.0%}, neutral "
            f"{shares.raw['neutral']:.0%}, positive {shares.raw['positive']:.0%}."
        )
    return (
        f"Shares as the model counts them, not corrected for its bias: {shares.n_labels:,} fair "
        f"labels so far. Label {shares.labels_needed:,} more posts from the random queue on the "
        "Labeling page (or import your export's label column) to correct them."
    )
