"""Topic modeling at scale, against BERTopic's plain defaults, in one run.

1. Scale: the sample generator scaled to about 100,000 documents (ingested like user
   files): embedding throughput into the cache, the fit with cached embeddings (target
   <= 10 min on 2 cores), assigning 10,000 new documents (target <= 2 min), outlier share.
2. Head-to-head on a subset (default 20,000 documents; BERTopic's defaults on 100,000
   would take most of an hour here): ``BERTopic(embedding_model=MiniLM).fit_transform(docs)``
   against ``brandpulse``'s fit on a fresh database (embedding included), and its refit
   with cached embeddings. Ratio = baseline seconds / ours.

    .venv/bin/python benchmarks/bench_topics.py [--docs 100000] [--subset 20000]

Writes benchmarks/results/bench_topics.json. Work files go to benchmarks/work/bench_topics.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "bench_topics"
RESULTS = ROOT / "benchmarks" / "results" / "bench_topics.json"
sys.path.insert(0, str(ROOT))


def write_corpus(folder: Path, documents: int, seed: int, id_prefix: str = "") -> list[Path]:
    """Sample-like CSVs; ``id_prefix`` keeps a second corpus's post ids apart from the first."""
    import csv

    from loaders import demo_data as sample

    social = round(documents * 2 / 3)
    sample.write_sample(folder, seed=seed, reviews=documents - social, social=social)
    files = [folder / name for name in sample.DOCUMENT_FILES]
    if id_prefix:
        for path in files:
            with path.open(encoding="utf-8", newline="") as handle:
                table = list(csv.reader(handle))
            for row in table[1:]:
                row[0] = id_prefix + row[0]
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(table)
    return files


def fresh_settings(name: str):
    from loaders.config import Settings

    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Settings(db=folder / "bench.duckdb", model_dir=folder / "models")


def ingest(settings, files: list[Path]) -> int:
    from loaders.ingest.files import ingest_file

    return sum(ingest_file(path, settings=settings).inserted for path in files)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def scale_run(documents: int, new_documents: int) -> dict:
    from analysis.topics import embeddings
    from analysis.topics.assign import assign_new_documents
    from analysis.topics.fit import _corpus, fit_topics
    from loaders import store

    settings = fresh_settings("scale")
    stored = ingest(settings, write_corpus(WORK / "corpus-main", documents, seed=101))
    log(f"ingested {stored:,} documents")
    with store.session(settings=settings, read_only=True) as con:
        corpus = _corpus(con.execute("SELECT doc_id, text FROM documents").fetchall())
    started = time.perf_counter()
    _, embedded = embeddings.embed(settings, corpus.texts_by_hash)
    embed_s = time.perf_counter() - started
    log(f"embedded {embedded:,} distinct texts in {embed_s:.0f}s")

    started = time.perf_counter()
    fit = fit_topics(settings)
    fit_s = time.perf_counter() - started
    log(f"fit with cached embeddings: {fit_s:.0f}s, {fit.n_topics} topics")

    added = ingest(
        settings, write_corpus(WORK / "corpus-new", new_documents, seed=202, id_prefix="N")
    )
    started = time.perf_counter()
    assigned = assign_new_documents(settings)
    assign_s = time.perf_counter() - started
    log(f"assigned {added:,} new documents in {assign_s:.0f}s")
    return {
        "documents": stored,
        "distinct_texts": len(corpus.texts_by_hash),
        "embedding_texts_per_s": round(embedded / embed_s, 1),
        "embedding_s": round(embed_s, 1),
        "fit_cached_embeddings_s": round(fit_s, 1),
        "fit_target_s": 600,
        "topics": fit.n_topics,
        "outlier_share": round(fit.outlier_share, 4),
        "min_cluster_size": fit.params["min_cluster_size"],
        "new_documents": added,
        "new_texts_embedded": assigned.embedded,
        "assign_new_s": round(assign_s, 1),
        "assign_target_s": 120,
        "new_documents_without_topic": assigned.outliers,
    }


def head_to_head(subset: int) -> dict:
    from bertopic import BERTopic

    from analysis.sentiment.model import default_backbone
    from analysis.topics.embeddings import load_embedder
    from analysis.topics.fit import fit_topics
    from loaders import store

    settings = fresh_settings("subset")
    stored = ingest(settings, write_corpus(WORK / "corpus-subset", subset, seed=303))
    with store.session(settings=settings, read_only=True) as con:
        docs = [
            row[0] for row in con.execute("SELECT text FROM documents ORDER BY doc_id").fetchall()
        ]

    # Warm up numba (UMAP's JIT) so neither side pays its compile time.
    import numpy as np
    from umap import UMAP

    UMAP(n_components=2, n_neighbors=5).fit_transform(np.random.default_rng(0).random((200, 8)))

    started = time.perf_counter()
    baseline = BERTopic(embedding_model=load_embedder(default_backbone()))
    labels, _ = baseline.fit_transform(docs)
    baseline_s = time.perf_counter() - started
    baseline_outliers = sum(1 for t in labels if t == -1) / len(labels)
    log(f"BERTopic defaults: {baseline_s:.0f}s, outliers {baseline_outliers:.1%}")

    started = time.perf_counter()
    cold = fit_topics(settings)
    cold_s = time.perf_counter() - started
    log(f"brandpulse fit (embedding included): {cold_s:.0f}s")
    started = time.perf_counter()
    fit_topics(settings)
    warm_s = time.perf_counter() - started
    log(f"brandpulse refit (cached embeddings): {warm_s:.0f}s")
    return {
        "documents": stored,
        "bertopic_defaults_s": round(baseline_s, 1),
        "bertopic_defaults_topics": len(set(labels) - {-1}),
        "bertopic_defaults_outlier_share": round(baseline_outliers, 4),
        "brandpulse_fit_s": round(cold_s, 1),
        "brandpulse_refit_cached_s": round(warm_s, 1),
        "brandpulse_topics": cold.n_topics,
        "brandpulse_outlier_share": round(cold.outlier_share, 4),
        "ratio_fit": round(baseline_s / cold_s, 2),
        "ratio_refit": round(baseline_s / warm_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--subset", type=int, default=20_000)
    parser.add_argument(
        "--only",
        choices=("head_to_head", "scale"),
        help="Run one part; the other keeps its figures from the last results file.",
    )
    args = parser.parse_args()
    import torch

    results = json.loads(RESULTS.read_text(encoding="utf-8")) if args.only else {}
    results["machine"] = (
        f"{platform.processor() or platform.machine()}, torch threads {torch.get_num_threads()}"
    )
    if args.only in (None, "head_to_head"):
        results["head_to_head"] = head_to_head(args.subset)
    if args.only in (None, "scale"):
        results["scale"] = scale_run(args.docs, args.new)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    h, s = results["head_to_head"], results["scale"]
    print(
        f"\nHead-to-head on {h['documents']:,} documents: BERTopic defaults "
        f"{h['bertopic_defaults_s']:.0f}s ({h['bertopic_defaults_outlier_share']:.0%} outliers) vs "
        f"brandpulse {h['brandpulse_fit_s']:.0f}s ({h['brandpulse_outlier_share']:.0%} outliers): "
        f"ratio {h['ratio_fit']:.2f}x; refit with cached embeddings {h['ratio_refit']:.2f}x"
    )
    print(
        f"Scale, {s['documents']:,} documents: embedding {s['embedding_texts_per_s']:.0f} texts/s; "
        f"fit with cached embeddings {s['fit_cached_embeddings_s']:.0f}s (target 600); "
        f"{s['new_documents']:,} new documents assigned in {s['assign_new_s']:.0f}s (target 120); "
        f"outliers {s['outlier_share']:.1%}"
    )
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
