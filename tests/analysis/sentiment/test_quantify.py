"""Adjusted classify-and-count on constructed confusion matrices whose truth is known."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sentiment.quantify import correct_shares, powered_shares
from analysis.sentiment.shares import MIN_PER_LABEL, labels_still_needed

# P(predicted | true): the model calls a fifth of negatives neutral, and leans positive.
RATES = np.array([[0.72, 0.20, 0.08], [0.10, 0.75, 0.15], [0.03, 0.12, 0.85]])


def expected_predictions(shares, n: int) -> np.ndarray:
    return np.round(RATES.T @ np.asarray(shares) * n)


def test_exact_error_rates_recover_the_true_shares():
    truth = np.array([0.63, 0.21, 0.16])  # the airline export's human mix
    confusion = np.round(RATES * 10_000)  # error rates known almost exactly
    predicted = expected_predictions(truth, 100_000)
    raw = predicted / predicted.sum()
    assert raw[0] < 0.50  # classify and count understates the bad news by 13+ points

    result = correct_shares(confusion, predicted)

    assert np.allclose(result.shares, truth, atol=0.002)
    assert result.net[0] == pytest.approx(0.16 - 0.63, abs=0.004)
    for share, low, high in zip(truth, result.low, result.high, strict=True):
        assert low <= share <= high and high - low < 0.03


def test_human_labels_of_the_set_count_as_they_are():
    confusion = np.round(RATES * 1000)
    predicted = expected_predictions([0.5, 0.3, 0.2], 1000)  # 1000 unlabelled documents
    known = [0, 0, 1000]  # and 1000 that people labelled positive

    result = correct_shares(confusion, predicted, known)

    assert result.shares == pytest.approx((0.25, 0.15, 0.60), abs=0.005)


def test_a_perfect_model_is_left_alone():
    confusion = np.diag([50, 80, 40])
    predicted = [300, 500, 200]
    result = correct_shares(confusion, predicted)
    assert result.shares == pytest.approx((0.3, 0.5, 0.2), abs=1e-9)


def test_two_class_labels_leave_no_neutral_share():
    # SST-2-like: people label only negative or positive; the model also says neutral.
    confusion = [[70, 20, 10], [0, 0, 0], [5, 15, 80]]
    true_shares = np.array([0.4, 0.0, 0.6])
    rates = np.array([[0.7, 0.2, 0.1], [0, 0, 0], [0.05, 0.15, 0.8]])
    predicted = np.round(rates.T @ true_shares * 5000)

    result = correct_shares(confusion, predicted)

    assert result.shares[1] == 0.0
    assert result.shares == pytest.approx(true_shares, abs=0.01)


def test_shares_never_go_negative_or_past_one():
    # Predictions the error rates cannot explain (noise): the answer stays on the simplex.
    confusion = np.round(RATES * 100)
    result = correct_shares(confusion, [0, 10, 990])
    assert min(result.shares) >= 0 and sum(result.shares) == pytest.approx(1.0)
    assert all(0 <= low <= high <= 1 for low, high in zip(result.low, result.high, strict=True))


def test_interval_covers_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(3)
    truth = np.array([0.55, 0.30, 0.15])
    covered = total = 0
    for _ in range(60):
        # 200 random labels from the data, 3,000 unlabelled documents, both drawn for real.
        gold = rng.choice(3, size=3200, p=truth)
        predicted = np.array([rng.choice(3, p=RATES[g]) for g in gold])
        confusion = np.zeros((3, 3), dtype=int)
        np.add.at(confusion, (gold[:200], predicted[:200]), 1)
        result = correct_shares(
            confusion,
            np.bincount(predicted[200:], minlength=3),
            np.bincount(gold[:200], minlength=3),
            rounds=200,
            seed=int(rng.integers(1 << 30)),
        )
        actual = np.bincount(gold, minlength=3) / len(gold)
        covered += sum(
            lo <= a <= hi for lo, a, hi in zip(result.low, actual, result.high, strict=True)
        )
        total += 3
    assert 0.85 <= covered / total <= 1.0


def test_labels_still_needed():
    assert labels_still_needed([[0] * 3] * 3, 100) == 100
    assert labels_still_needed([[30, 5, 5], [5, 30, 5], [5, 5, 30]], 100) == 0
    # Enough labels, but only 4 positives: more are needed before its error rates mean anything.
    thin = [[60, 5, 1], [5, 50, 1], [1, 1, 2]]
    needed = labels_still_needed(thin, 100)
    assert needed >= (MIN_PER_LABEL - 4) * 10
    # No neutral label at all: its error rates are unknown, not zero.
    assert labels_still_needed([[60, 0, 0], [0, 0, 0], [0, 0, 40]], 100) > 0


def test_a_sample_of_one_label_still_gets_an_honest_interval():
    # 100 random labels, all positive, 10,000 posts: "exactly 100% positive" would be a lie.
    probs = np.tile([0.1, 0.2, 0.7], (100, 1))
    result = powered_shares([2] * 100, probs, [0.2, 0.3, 0.5], 10_000)
    assert result.shares[2] == pytest.approx(1.0)
    assert 0.94 < result.low[2] < 0.98 and result.high[0] > 0.02  # Wilson: 0 of 100 is < 3.7%


def test_powered_shares_recover_a_mix_the_model_gets_wrong():
    rng = np.random.default_rng(5)
    # The model's probabilities lean to neutral: counting its labels finds far fewer negatives.
    leaning = np.array([[0.45, 0.45, 0.10], [0.15, 0.70, 0.15], [0.05, 0.35, 0.60]])
    covered = total = 0
    for _ in range(30):
        truth = rng.choice(3, size=5_000, p=[0.6, 0.25, 0.15])
        probs = leaning[truth] + rng.uniform(-0.04, 0.04, (len(truth), 3))
        probs = probs / probs.sum(axis=1, keepdims=True)
        sample = rng.choice(len(truth), size=300, replace=False)
        rest = np.setdiff1d(np.arange(len(truth)), sample)
        result = powered_shares(
            truth[sample], probs[sample], probs[rest].mean(axis=0), len(rest), rounds=200
        )
        actual = np.bincount(truth, minlength=3) / len(truth)
        assert np.abs(np.array(result.shares) - actual).max() < 0.08
        covered += sum(
            lo <= a <= hi for lo, a, hi in zip(result.low, actual, result.high, strict=True)
        )
        total += 3
    assert probs.argmax(axis=1).tolist().count(0) / len(truth) < 0.45  # the raw count is off
    assert 0.88 <= covered / total <= 1.0
