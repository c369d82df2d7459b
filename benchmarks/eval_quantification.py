"""Do corrected sentiment shares hold on real labelled data? Run by hand, not in CI.

    .venv/bin/python benchmarks/eval_quantification.py [--data ../shared/data] [--draws 20]

Each real set stands in for a user's export whose mix differs from the seed corpus the
offline default model was trained on:

  tweeteval_sentiment/eval.csv   three classes (negative/neutral/positive)
  sst2/dev.csv                   two classes
  reviews_datafiniti_amazon.csv  star ratings as labels (1-2 negative, 3 neutral, 4-5 positive)

Every text is scored once with the default model. Then, for N = 100, 200 and 400 and 20
seeded draws each, N labels are revealed at random (the user's random-queue labels); the
shares of the whole set are estimated

  raw:       what the pages show without correction (revealed labels as they are, the
             model's label for the rest: classify and count)
  corrected: analysis.sentiment.quantify.powered_shares (prediction-powered inference,
             PPI++: the revealed labels' shares sharpened by the model's probabilities
             over the rest, bootstrap 95% interval), what the dashboard shows

and compared with the true shares: mean absolute error over the three shares (points),
and how often the 95% interval holds the truth. The peers: adjusted classify-and-count
(the fallback for selections with few labels of their own), EM, and the labelled sample's
own shares without the model. Writes benchmarks/results/eval_quantification.json
(``--draws 100`` checks the coverage more tightly).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.sentiment.labels import LABELS  # noqa: E402
from analysis.sentiment.quantify import correct_shares, powered_shares  # noqa: E402
from analysis.sentiment.training import read_labeled_file  # noqa: E402

TARGET_ERROR_200 = 3.0  # points
SIZES = (100, 200, 400)


def load_sets(data: Path) -> dict[str, tuple[list[str], list[str], list[str | None]]]:
    """name -> (texts, true labels, group of each text or None)."""
    import csv

    tweets = read_labeled_file(data / "tweeteval_sentiment" / "eval.csv").examples
    sst = read_labeled_file(data / "sst2" / "dev.csv").examples
    texts, labels, brands = [], [], []
    with (data / "reviews_datafiniti_amazon.csv").open(encoding="utf-8-sig") as handle:
        from analysis.sentiment.training import rating_label

        for row in csv.DictReader(handle):
            label = rating_label(row.get("reviews.rating"))
            text = (row.get("reviews.text") or "").strip()
            if label and text:
                texts.append(text)
                labels.append(label)
                brands.append(row.get("brand") or None)
    return {
        "tweeteval_eval": (
            [e.text for e in tweets],
            [e.label for e in tweets],
            [None] * len(tweets),
        ),
        "sst2_dev": ([e.text for e in sst], [e.label for e in sst], [None] * len(sst)),
        "amazon_reviews": (texts, labels, brands),
    }


def score(texts: list[str], cache: Path) -> np.ndarray:
    """Probabilities (negative, neutral, positive) of the default model, cached per set."""
    if cache.is_file():
        return np.load(cache)
    from analysis.sentiment.default_model import ensure_default_model
    from analysis.sentiment.model import load_model
    from analysis.sentiment.scoring import score_texts

    _, path, _ = ensure_default_model(ROOT / "benchmarks" / "work" / "eval_sentiment" / "models")
    model = load_model(path)
    predictions = score_texts(model, texts)
    probs = np.array([[p.p_negative, p.p_neutral, p.p_positive] for p in predictions])
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, probs)
    return probs


def em_shares(probs: np.ndarray, train_prior: np.ndarray, present: np.ndarray) -> np.ndarray:
    """EM prior adjustment (Saerens, Latinne and Decaestecker 2002) of posterior probabilities."""
    prior = train_prior.copy()
    prior[~present] = 0
    prior /= prior.sum()
    base = train_prior.copy()
    for _ in range(200):
        weighted = probs * (prior / np.maximum(base, 1e-9))
        weighted[:, ~present] = 0
        posterior = weighted / np.maximum(weighted.sum(axis=1, keepdims=True), 1e-12)
        updated = posterior.mean(axis=0)
        if np.abs(updated - prior).max() < 1e-6:
            break
        prior = updated
    return prior


def one_draw(truth: np.ndarray, predicted: np.ndarray, probs: np.ndarray, n: int, rng) -> dict:
    """Reveal n labels; estimate the whole set's shares three ways."""
    k = len(LABELS)
    revealed = rng.choice(len(truth), size=n, replace=False)
    mask = np.zeros(len(truth), dtype=bool)
    mask[revealed] = True
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (truth[mask], predicted[mask]), 1)
    known = np.bincount(truth[mask], minlength=k)
    rest = np.bincount(predicted[~mask], minlength=k)
    true_shares = np.bincount(truth, minlength=k) / len(truth)
    raw = (known + rest) / len(truth)
    estimate = correct_shares(confusion, rest, known, seed=int(rng.integers(1 << 30)))
    corrected = np.array(estimate.shares)
    present = confusion.sum(axis=1) > 0
    # The default model is trained with inverse-frequency class weights: its posteriors
    # are calibrated, if at all, to a uniform prior.
    em_rest = em_shares(probs[~mask], np.full(k, 1 / k), present)
    em = (known + em_rest * (~mask).sum()) / len(truth)
    unlabelled = probs[~mask]
    powered = powered_shares(
        truth[mask],
        probs[mask],
        unlabelled.mean(axis=0),
        len(unlabelled),
        seed=int(rng.integers(1 << 30)),
    )
    hard = np.eye(k)[predicted]
    powered_hard = powered_shares(
        truth[mask], hard[mask], hard[~mask].mean(axis=0), len(unlabelled), rounds=100
    )
    sample_only = known / known.sum()

    def error(shares) -> float:
        return float(np.abs(np.asarray(shares) - true_shares).mean() * 100)

    def coverage(estimate) -> tuple[int, int]:
        inside = (np.array(estimate.low) - 1e-9 <= true_shares) & (
            true_shares <= np.array(estimate.high) + 1e-9
        )
        return int(inside[present].sum()), int(present.sum())

    return {
        "raw": error(raw),
        "acc": error(corrected),
        "em": error(em),
        "sample_only": error(sample_only),
        "powered": error(powered.shares),
        "powered_hard": error(powered_hard.shares),
        "acc_coverage": coverage(estimate),
        "powered_coverage": coverage(powered),
        "acc_width": float(
            np.mean((np.array(estimate.high) - np.array(estimate.low))[present]) * 100
        ),
        "powered_width": float(
            np.mean((np.array(powered.high) - np.array(powered.low))[present]) * 100
        ),
    }


def evaluate_set(truth: np.ndarray, probs: np.ndarray, draws: int, seed: int) -> dict:
    predicted = probs.argmax(axis=1)
    result = {}
    for n in SIZES:
        rng = np.random.default_rng(seed + n)
        runs = [one_draw(truth, predicted, probs, n, rng) for _ in range(draws)]

        def mean(key: str, runs: list[dict] = runs) -> float:
            return round(float(np.mean([r[key] for r in runs])), 2)

        def covered(key: str, runs: list[dict] = runs) -> float:
            return round(sum(r[key][0] for r in runs) / sum(r[key][1] for r in runs), 3)

        raw = mean("raw")
        result[str(n)] = {
            "raw_mae_points": raw,
            "corrected_mae_points": mean("powered"),
            "ratio_corrected_to_raw": round(mean("powered") / raw, 3) if raw else None,
            "coverage_95": covered("powered_coverage"),
            "mean_interval_width_points": mean("powered_width"),
            "peers_mae_points": {
                "adjusted_classify_and_count": mean("acc"),
                "em_prior_adjustment": mean("em"),
                "labelled_sample_alone": mean("sample_only"),
                "prediction_powered_hard_labels": mean("powered_hard"),
            },
            "adjusted_classify_and_count_coverage_95": covered("acc_coverage"),
            "adjusted_classify_and_count_width_points": mean("acc_width"),
        }
        peers = result[str(n)]["peers_mae_points"]
        print(
            f"  N={n:3d}: raw {raw:5.2f} pts | corrected (PPI++) {mean('powered'):5.2f} "
            f"(ratio {mean('powered') / raw:.2f}, coverage {covered('powered_coverage'):.0%}, "
            f"width {mean('powered_width')}) | ACC {peers['adjusted_classify_and_count']:5.2f} "
            f"EM {peers['em_prior_adjustment']:5.2f} sample {peers['labelled_sample_alone']:5.2f} "
            f"PPI-hard {peers['prediction_powered_hard_labels']:5.2f}"
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.monotonic()
    sets = load_sets(args.data)
    results: dict = {"sets": {}, "draws": args.draws, "sizes": list(SIZES)}
    for name, (texts, labels, _groups) in sets.items():
        probs = score(texts, ROOT / "benchmarks" / "work" / "eval_quantification" / f"{name}.npy")
        truth = np.array([LABELS.index(label) for label in labels])
        shares = np.bincount(truth, minlength=3) / len(truth)
        model = np.bincount(probs.argmax(axis=1), minlength=3) / len(truth)
        print(
            f"{name}: {len(texts):,} texts, true shares {np.round(shares, 3)}, model {np.round(model, 3)}"
        )
        entry = {
            "documents": len(texts),
            "true_shares": dict(zip(LABELS, np.round(shares, 4).tolist(), strict=True)),
            "model_shares": dict(zip(LABELS, np.round(model, 4).tolist(), strict=True)),
            "by_labels": evaluate_set(truth, probs, args.draws, args.seed),
        }
        results["sets"][name] = entry
    at_200 = results["sets"]["tweeteval_eval"]["by_labels"]["200"]
    results["targets"] = {
        "tweeteval_200_labels_corrected_mae_at_most_points": TARGET_ERROR_200,
        "tweeteval_200_labels_ratio_at_most": 0.5,
        "coverage_between": [0.90, 0.98],
        "met": at_200["corrected_mae_points"] <= TARGET_ERROR_200
        and at_200["ratio_corrected_to_raw"] <= 0.5
        and 0.90 <= at_200["coverage_95"] <= 0.98,
    }
    results["seconds"] = round(time.monotonic() - started, 1)
    out = ROOT / "benchmarks" / "results" / "eval_quantification.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        f"wrote {out.relative_to(ROOT)} in {results['seconds']} s; targets met: {results['targets']['met']}"
    )


if __name__ == "__main__":
    main()
