"""Sentiment shares corrected for the model's bias: adjusted classify-and-count, and
prediction-powered inference from a labelled random sample (PPI++, at the end).

A classifier's errors do not cancel in aggregate. If the model calls 20% of truly
negative posts neutral, a set of posts that is 60% negative shows about 48%: counting
predicted labels ("classify and count") is biased whenever the data's mix differs from
what the model's errors happen to balance. Adjusted classify-and-count (Forman 2008;
Saerens et al. 2002 for the prior-shift assumption behind it) measures the model's
error rates P(predicted | true) on human labels that are a fair sample of the data,
then finds the true shares p whose expected predictions match the observed ones:

    observed predicted shares q  =  R^T p,   R[i, j] = P(predicted j | true i)

solved by least squares with p >= 0 and sum(p) = 1 (so it never returns a negative
share). The error rates are assumed the same in every filtered subset (a brand, a week);
that is the prior-shift assumption quantification rests on.

The interval is a percentile bootstrap that redraws both what it is estimated from: the
labelled sample (so the error rates' own uncertainty counts) and the predicted labels of
the unlabelled documents (multinomial, since which posts the model gets wrong is random).
This module is pure numpy over counts; :mod:`analysis.sentiment.shares` reads the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analysis.sentiment.labels import LABELS

BOOTSTRAP_ROUNDS = 400
INTERVAL = 0.95
# Weight of the sum-to-one row in the least-squares system: large enough to hold it exactly.
SIMPLEX_WEIGHT = 1e3


@dataclass(frozen=True)
class CorrectedShares:
    """Estimated true shares over LABELS with their intervals, and net sentiment likewise."""

    shares: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    net: tuple[float, float, float]  # estimate, low, high of positive share - negative share


def error_rates(confusion: Any) -> tuple[Any, Any]:
    """(rows of P(predicted | true) for the true labels that occur, their indices)."""
    import numpy as np

    counts = np.asarray(confusion, dtype=float)
    support = counts.sum(axis=1)
    present = np.flatnonzero(support > 0)
    return counts[present] / support[present, None], present


def adjusted_shares(predicted: Sequence[float], rates: Any, present: Any) -> Any:
    """True shares over LABELS (zero for labels absent from the human labels) whose expected
    predictions come closest to ``predicted`` (shares summing to one)."""
    import numpy as np
    from scipy.optimize import nnls

    q = np.asarray(predicted, dtype=float)
    system = np.vstack([rates.T, SIMPLEX_WEIGHT * np.ones(len(present))])
    target = np.concatenate([q, [SIMPLEX_WEIGHT]])
    solution, _ = nnls(system, target)
    shares = np.zeros(len(LABELS))
    shares[present] = solution / max(solution.sum(), 1e-12)
    return shares


def _combine(known: Any, unlabelled: int, shares_unlabelled: Any) -> Any:
    """Shares of the whole set: human labels as they are, the rest as estimated."""
    total = known.sum() + unlabelled
    return (known + unlabelled * shares_unlabelled) / max(total, 1)


def correct_shares(
    confusion: Sequence[Sequence[int]],
    predicted_unlabelled: Sequence[int],
    known: Sequence[int] = (0, 0, 0),
    *,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 11,
) -> CorrectedShares:
    """Corrected shares of a set of documents.

    ``confusion``: fair human labels (rows, LABELS order) x the model's labels (columns).
    ``predicted_unlabelled``: how many of the set's unlabelled documents the model put in
    each label. ``known``: the set's documents with a human label, per label (counted as is).
    """
    import numpy as np

    counts = np.asarray(confusion, dtype=float)
    predicted = np.asarray(predicted_unlabelled, dtype=float)
    known_counts = np.asarray(known, dtype=float)
    m = int(predicted.sum())
    q = predicted / max(m, 1)
    rates, present = error_rates(counts)
    point = _combine(known_counts, m, adjusted_shares(q, rates, present))

    rng = np.random.default_rng(seed)
    n = int(counts.sum())
    cells = (counts / max(n, 1)).ravel()
    samples = []
    for _ in range(rounds):
        redrawn = rng.multinomial(n, cells).reshape(counts.shape).astype(float)
        # A label the redraw happens to miss keeps its measured error rates.
        missing = (redrawn.sum(axis=1) == 0) & (counts.sum(axis=1) > 0)
        redrawn[missing] = counts[missing]
        boot_rates, boot_present = error_rates(redrawn)
        boot_q = rng.multinomial(m, q) / max(m, 1) if m else q
        samples.append(_combine(known_counts, m, adjusted_shares(boot_q, boot_rates, boot_present)))
    return _summarise(point, np.asarray(samples))


# --- prediction-powered estimation from the labelled sample of the set itself ----------------------


def _power_tuning(truth: Any, probs: Any, n_unlabelled: int) -> float:
    """PPI++'s weight of the model's predictions (Angelopoulos, Duchi and Zrnic 2023):
    the one that minimises the estimate's variance, in [0, 1]; 0 ignores the model."""
    import numpy as np

    n = len(truth)
    if n < 2 or n_unlabelled == 0:
        return 0.0
    centred_f = probs - probs.mean(axis=0)
    covariance = float((centred_f * (truth - truth.mean(axis=0))).sum()) / (n - 1)
    variance = float((centred_f**2).sum()) / (n - 1)
    if variance <= 0:
        return 0.0
    return float(np.clip(covariance / ((1 + n / n_unlabelled) * variance), 0.0, 1.0))


def _powered_mean(truth: Any, probs: Any, unlabelled_mean: Any, n_unlabelled: int) -> Any:
    """The mean of the truth over the whole set: the labelled sample's own mean, moved by how
    far the model's mean over the unlabelled documents is from its mean on the sample."""
    weight = _power_tuning(truth, probs, n_unlabelled)
    return (truth - weight * probs).mean(axis=0) + weight * unlabelled_mean


def powered_shares(
    truth: Sequence[int],
    labelled_probs: Any,
    unlabelled_mean: Sequence[float],
    n_unlabelled: int,
    *,
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = 11,
) -> CorrectedShares:
    """Shares of a set from a random sample of it that people labelled, and the model's
    probabilities for every document (prediction-powered inference, PPI++).

    ``truth``: the sample's human labels (indices into LABELS); ``labelled_probs``: the model's
    probabilities for them (n x 3); ``unlabelled_mean``: the model's mean probabilities over
    the set's other ``n_unlabelled`` documents. Unbiased whatever the model's errors, because
    the sample measures them; the better the model, the narrower the interval.
    """
    import numpy as np

    k = len(LABELS)
    y = np.eye(k)[np.asarray(truth, dtype=int)]
    f = np.asarray(labelled_probs, dtype=float).reshape(-1, k)
    m = np.asarray(unlabelled_mean, dtype=float)
    n = len(y)
    total = n + n_unlabelled

    def whole_set(theta: Any) -> Any:
        theta = np.clip(theta, 0, None)
        theta = theta / max(theta.sum(), 1e-12)
        return (y.sum(axis=0) + n_unlabelled * theta) / total

    point = whole_set(_powered_mean(y, f, m, n_unlabelled))
    rng = np.random.default_rng(seed)
    # The target is the mix of these particular unlabelled documents, not of an endless
    # stream like them: the estimate misses it by the sample's residual mean minus theirs,
    # so their part varies like the residuals (truth minus weighted model), scaled to their number.
    residuals = y - _power_tuning(y, f, n_unlabelled) * f
    spread = np.cov(residuals, rowvar=False) / max(n_unlabelled, 1) if n > 1 else np.zeros((k, k))
    draws = []
    for _ in range(rounds):
        pick = rng.integers(0, n, n)
        theirs = rng.multivariate_normal(np.zeros(k), spread, method="eigh") if n_unlabelled else 0
        draws.append(whole_set(_powered_mean(y[pick], f[pick], m, n_unlabelled) - theirs))
    summary = _summarise(point, np.asarray(draws))
    return _widen_unseen(summary, y.sum(axis=0), n_unlabelled, total)


def _wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion: sound even at 0 of n or n of n."""
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (share * (1 - share) / n + z * z / (4 * n * n)) ** 0.5
    return max(0.0, centre - half), min(1.0, centre + half)


def _widen_unseen(
    summary: CorrectedShares, counts: Any, n_unlabelled: int, total: int
) -> CorrectedShares:
    """A label that none (or all) of the sample has gives the bootstrap nothing to vary: its
    interval is at least the Wilson interval of that share (0 of 100 is not "exactly 0%")."""
    n = int(counts.sum())
    low, high = list(summary.low), list(summary.high)
    for i, k in enumerate(counts):
        if n and k in (0, n):
            wilson_low, wilson_high = _wilson(float(k), n)
            low[i] = min(low[i], (k + n_unlabelled * wilson_low) / total)
            high[i] = max(high[i], (k + n_unlabelled * wilson_high) / total)
    return CorrectedShares(summary.shares, tuple(low), tuple(high), summary.net)


def _summarise(point: Any, draws: Any) -> CorrectedShares:
    """Point estimate and percentile intervals (shares and net) from bootstrap draws."""
    import numpy as np

    tail = (1 - INTERVAL) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail], axis=0)
    negative, positive = LABELS.index("negative"), LABELS.index("positive")
    net_draws = draws[:, positive] - draws[:, negative]
    net_low, net_high = np.percentile(net_draws, [tail, 100 - tail])
    return CorrectedShares(
        shares=tuple(float(x) for x in point),
        low=tuple(float(x) for x in low),
        high=tuple(float(x) for x in high),
        net=(float(point[positive] - point[negative]), float(net_low), float(net_high)),
    )
