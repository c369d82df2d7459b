"""Sentiment quality on real labeled data, beside VADER (the lexicon most dashboards use).

Models:
  (a) the offline default, built from the repository's seed corpus alone (what a fresh
      install without reviews gets);
  (b) a model trained with `brandpulse train` on ../shared/data/tweeteval_sentiment/train.csv
      plus a sample of sst2/train.csv (cached in benchmarks/work, reused on later runs).
Evaluation files:
  tweeteval_sentiment/eval.csv  three-class macro recall (NOT comparable to the official
                                TweetEval leaderboard: a different split of its data)
  sst2/dev.csv                  accuracy, positive vs negative
  reviews_datafiniti_amazon.csv accuracy, 1-2 stars negative vs 4-5 stars positive
Targets: trained >= 0.72 (TweetEval) and >= 0.88 (SST-2); default >= 0.65 and >= 0.85.

    .venv/bin/python benchmarks/eval_sentiment.py [--data ../shared/data] [--sst2-sample 16000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "eval_sentiment"
RESULTS = ROOT / "benchmarks" / "results" / "eval_sentiment.json"
TRAINED_VERSION = "bench-tweeteval-sst2"
sys.path.insert(0, str(ROOT))

from analysis.sentiment.labels import NEGATIVE, NEUTRAL, POSITIVE  # noqa: E402
from analysis.sentiment.metrics import classification_metrics  # noqa: E402
from analysis.sentiment.training import Example, read_labeled_file  # noqa: E402


def eval_sets(data: Path) -> dict[str, list[Example]]:
    reviews = read_labeled_file(
        data / "reviews_datafiniti_amazon.csv", text_col="reviews.text", label_from_rating=True
    ).examples
    return {
        "tweeteval_eval": read_labeled_file(data / "tweeteval_sentiment" / "eval.csv").examples,
        "sst2_dev": read_labeled_file(data / "sst2" / "dev.csv").examples,
        # 3-star reviews are left out: the task is 1-2 stars vs 4-5 stars.
        "amazon_reviews": [Example(e.text, e.label, True) for e in reviews if e.label != NEUTRAL],
    }


def headline(name: str, metrics: dict) -> float:
    return metrics["macro_recall"] if name == "tweeteval_eval" else metrics["accuracy"]


def vader(sets: dict[str, list[Example]]) -> dict[str, dict]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    out = {}
    for name, examples in sets.items():
        compound = [analyzer.polarity_scores(e.text)["compound"] for e in examples]
        if examples[0].two_class:
            predicted = [POSITIVE if c >= 0 else NEGATIVE for c in compound]
            labels = [NEGATIVE, POSITIVE]
        else:  # VADER's documented thresholds
            predicted = [
                POSITIVE if c >= 0.05 else NEGATIVE if c <= -0.05 else NEUTRAL for c in compound
            ]
            labels = [NEGATIVE, NEUTRAL, POSITIVE]
        out[name] = classification_metrics([e.label for e in examples], predicted, labels)
    return out


def ours(model_dir: Path, sets: dict[str, list[Example]]) -> dict[str, dict]:
    from analysis.sentiment.model import load_model
    from analysis.sentiment.training import evaluate

    model = load_model(model_dir)
    return {name: evaluate(model, examples) for name, examples in sets.items()}


def build_default(models: Path) -> tuple[Path, float, bool]:
    from analysis.sentiment.default_model import ensure_default_model

    started = time.monotonic()
    _, path, built = ensure_default_model(models)
    return path, time.monotonic() - started, built


def train_model(data: Path, models: Path, sst2_sample: int, epochs: float) -> Path:
    target = models / TRAINED_VERSION
    if target.is_dir():
        return target
    command = [
        sys.executable, "-m", "dashboard.cli", "train",
        "--data", str(data / "tweeteval_sentiment" / "train.csv"),
        "--data", str(data / "sst2" / "train.csv"),
        "--sample", str(sst2_sample), "--epochs", str(epochs),
        "--eval", str(data / "tweeteval_sentiment" / "eval.csv"),
        "--eval", str(data / "sst2" / "dev.csv"),
        "--version", TRAINED_VERSION, "--db", str(WORK / "bench.duckdb"),
    ]  # fmt: skip
    env = {**__import__("os").environ, "BRANDPULSE_MODEL_DIR": str(models)}
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sst2-sample", type=int, default=8000)
    parser.add_argument("--epochs", type=float, default=2.0)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    models = WORK / "models"
    sets = eval_sets(args.data)

    default_path, build_s, built = build_default(models)
    trained_path = train_model(args.data, models, args.sst2_sample, args.epochs)
    results = {
        "vader": vader(sets),
        "default": ours(default_path, sets),
        "trained": ours(trained_path, sets),
    }

    targets = {
        "default": {"tweeteval_eval": 0.65, "sst2_dev": 0.85},
        "trained": {"tweeteval_eval": 0.72, "sst2_dev": 0.88},
    }
    print(
        f"{'data':<16}{'figure':<14}{'VADER':>8}{'default':>9}{'trained':>9}   targets (default / trained)"
    )
    summary = {}
    for name in sets:
        figure = "macro recall" if name == "tweeteval_eval" else "accuracy"
        row = {k: headline(name, results[k][name]) for k in results}
        summary[name] = {"figure": figure, **row}
        want = " / ".join(str(targets[k].get(name, "-")) for k in ("default", "trained"))
        print(
            f"{name:<16}{figure:<14}{row['vader']:>8.3f}{row['default']:>9.3f}{row['trained']:>9.3f}   {want}"
        )
    for name in sets:
        print(
            f"ratio default/VADER on {name}: {summary[name]['default'] / summary[name]['vader']:.2f}"
        )
    print(
        f"default model: {default_path.name}, {'built' if built else 'loaded from cache'} in {build_s:.0f}s"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "summary": summary,
                "targets": targets,
                "default_model": default_path.name,
                "default_build_seconds": round(build_s, 1) if built else None,
                "trained_model": str(trained_path.name),
                "details": results,
                "note": "TweetEval figures use a different split than the official leaderboard.",
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
