"""Scoring throughput: Brandpulse's scorer against `transformers.pipeline("text-classification")`
with the same model, on the same 20,000 texts from ../shared/data, in one run.

The model for the head-to-head is MiniLM-L6 with a standard sequence-classification head
(what the pipeline can load); the figures for our default mean-pooling model and for int8
dynamic quantization (with its macro recall on TweetEval eval beside fp32's) follow.
Target: ratio >= 2.5.

    .venv/bin/python benchmarks/bench_sentiment.py [--texts 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "bench_sentiment"
RESULTS = ROOT / "benchmarks" / "results" / "bench_sentiment.json"
sys.path.insert(0, str(ROOT))


def load_texts(data: Path, count: int) -> list[str]:
    """Tweets, SST-2 sentences and Amazon reviews (long ones included), shuffled with a seed."""
    from analysis.sentiment.training import read_labeled_file

    texts = [e.text for e in read_labeled_file(data / "tweeteval_sentiment" / "train.csv").examples]
    texts += [e.text for e in read_labeled_file(data / "tweeteval_sentiment" / "eval.csv").examples]
    texts += [
        e.text
        for e in read_labeled_file(
            data / "reviews_datafiniti_amazon.csv", text_col="reviews.text", label_from_rating=True
        ).examples
    ]
    sst = [e.text for e in read_labeled_file(data / "sst2" / "train.csv").examples]
    random.Random(7).shuffle(sst)
    texts += sst[: max(0, count - len(texts))]
    random.Random(11).shuffle(texts)
    return texts[:count]


def classification_model() -> Path:
    """MiniLM with a (seeded) sequence-classification head, saved once."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from analysis.sentiment.model import default_backbone

    target = WORK / "minilm-seqcls"
    if not (target / "config.json").is_file():
        torch.manual_seed(0)
        model = AutoModelForSequenceClassification.from_pretrained(
            default_backbone(),
            num_labels=3,
            id2label={0: "negative", 1: "neutral", 2: "positive"},
            label2id={"negative": 0, "neutral": 1, "positive": 2},
        )
        model.save_pretrained(target)
        AutoTokenizer.from_pretrained(default_backbone()).save_pretrained(target)
    return target


def timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--texts", type=int, default=20_000)
    args = parser.parse_args()
    import torch
    from transformers import pipeline

    from analysis.sentiment.default_model import ensure_default_model
    from analysis.sentiment.model import load_model
    from analysis.sentiment.scoring import score_texts
    from analysis.sentiment.training import evaluate, read_labeled_file

    WORK.mkdir(parents=True, exist_ok=True)
    texts = load_texts(args.data, args.texts)
    model_dir = classification_model()
    print(
        f"{len(texts):,} texts, {len(set(texts)):,} distinct; torch threads {torch.get_num_threads()}"
    )

    baseline = pipeline("text-classification", model=str(model_dir), device=-1, top_k=None)
    baseline_s, _ = timed(lambda: baseline(texts, truncation=True))
    batched_s, _ = timed(lambda: baseline(texts, truncation=True, batch_size=64))
    ours_model = load_model(model_dir)
    ours_s, _ = timed(lambda: score_texts(ours_model, texts))
    ratio = baseline_s / ours_s
    print(f"pipeline (default, batch 1): {len(texts) / baseline_s:8.1f} docs/s")
    print(f"pipeline (batch_size=64):    {len(texts) / batched_s:8.1f} docs/s")
    print(
        f"brandpulse scorer:           {len(texts) / ours_s:8.1f} docs/s  (windows, no truncation)"
    )
    print(
        f"ratio brandpulse / pipeline: {ratio:.2f}x (target >= 2.5); vs batched pipeline {batched_s / ours_s:.2f}x"
    )

    _, default_dir, _ = ensure_default_model(
        ROOT / "benchmarks" / "work" / "eval_sentiment" / "models"
    )
    default = load_model(default_dir)
    quantized = load_model(default_dir, quantize=True)
    default_s, _ = timed(lambda: score_texts(default, texts))
    quantized_s, _ = timed(lambda: score_texts(quantized, texts))
    tweets = read_labeled_file(args.data / "tweeteval_sentiment" / "eval.csv").examples
    recall_fp32 = evaluate(default, tweets)["macro_recall"]
    recall_int8 = evaluate(quantized, tweets)["macro_recall"]
    print(
        f"default model fp32:          {len(texts) / default_s:8.1f} docs/s, TweetEval macro recall {recall_fp32:.4f}"
    )
    print(
        f"default model int8:          {len(texts) / quantized_s:8.1f} docs/s, TweetEval macro recall {recall_int8:.4f}"
    )

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "texts": len(texts),
                "distinct_texts": len(set(texts)),
                "model": "all-MiniLM-L6-v2 + sequence-classification head",
                "pipeline_docs_per_s": round(len(texts) / baseline_s, 1),
                "pipeline_batch64_docs_per_s": round(len(texts) / batched_s, 1),
                "brandpulse_docs_per_s": round(len(texts) / ours_s, 1),
                "ratio": round(ratio, 2),
                "ratio_vs_batched_pipeline": round(batched_s / ours_s, 2),
                "default_model": default_dir.name,
                "default_fp32_docs_per_s": round(len(texts) / default_s, 1),
                "default_int8_docs_per_s": round(len(texts) / quantized_s, 1),
                "tweeteval_macro_recall_fp32": round(recall_fp32, 4),
                "tweeteval_macro_recall_int8": round(recall_int8, 4),
                "torch_threads": torch.get_num_threads(),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
