"""Topics measured on real labelled text, against BERTopic's defaults, in one run.

For each corpus the product's own pipeline runs as a user would meet it (the file is
ingested into a fresh database, then ``fit_topics``), and on the same vectors (the
product's embedding cache) two references run: ``BERTopic()`` with its defaults, given the
embeddings, and k-means told the true number of labels. Printed per corpus and method:
NMI and ARI against the labels, the mean best-topic F1 over labels, the number of topics
(and themes), the largest topic's share, the outlier share and the seconds.

Corpora (``--data`` defaults to ../shared/data; nothing is copied into the repository):
- ``banking77``: banking77/test.csv, 3,080 real customer messages, 77 labelled intents.
- ``banking77-train``: banking77/train.csv, 10,003 messages (``--with-train``).
- ``sample``: our sample data with its planted themes (our own text: a sanity check only).
- ``amazon``: reviews_datafiniti_amazon.csv, 5,000 real reviews without labels: counts and
  the largest topic's share only.
- ``tweets``: tweeteval_sentiment/train.csv, 8,000 real tweets on every subject (their
  labels are sentiment, not topics): counts and the largest topic's share only.
Then "new data": 3,080 banking messages added to a database fitted on the sample data
(they should fit no drinkware topic and make ``analyze`` refit), and the banking training
messages added to a database fitted on the banking test split (they should mostly fit).

    .venv/bin/python benchmarks/eval_topics.py [--data ../shared/data] [--with-train]

Writes benchmarks/results/eval_topics.json. Work files go to benchmarks/work/eval_topics.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "eval_topics"
RESULTS = ROOT / "benchmarks" / "results" / "eval_topics.json"
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def fresh_settings(name: str, **overrides: Any):
    from loaders.config import Settings

    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return Settings(db=folder / "eval.duckdb", model_dir=folder / "models", **overrides)


# --- metrics ---------------------------------------------------------------------------------


def describe(topics: list[int], labels: list[str] | None, seconds: float) -> dict[str, Any]:
    from collections import Counter

    from analysis.topics.quality import agreement

    sizes = Counter(t for t in topics if t >= 0)
    out = {
        "topics": len(sizes),
        "largest_topic_share": round(max(sizes.values(), default=0) / len(topics), 4),
        "outlier_share": round(sum(t < 0 for t in topics) / len(topics), 4),
        "seconds": round(seconds, 1),
    }
    if labels is not None:
        out.update(agreement(labels, [int(t) for t in topics]))
    return out


# --- corpora -----------------------------------------------------------------------------------


def csv_with_dates(source: Path, target: Path, text_column: str, label_column: str | None):
    """The file as a user would export it: an id, a date, the text (and its label)."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    labels = {}
    prefix = source.stem[:5]  # the ids of two files of one corpus (test, train) stay apart
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "text"])
        for i, row in enumerate(rows):
            doc_id = f"{prefix}{i:06d}"
            writer.writerow([doc_id, f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", row[text_column]])
            if label_column:
                labels[doc_id] = row[label_column]
    return labels


def ingest_labelled(settings, source: Path, text_column: str, label_column: str | None):
    from loaders.ingest.files import ingest_file

    prepared = WORK / f"{source.stem}-{text_column.replace('.', '_')}.csv"
    labels = csv_with_dates(source, prepared, text_column, label_column)
    ingest_file(
        prepared,
        settings=settings,
        kind="social",
        columns={"external_id": "id", "created_at": "date", "text": "text"},
        source="eval",
    )
    return labels


def ingest_sample(settings) -> dict[str, str]:
    from loaders import demo_data as sample
    from loaders.config import default_sample_dir
    from loaders.ingest.files import ingest_file

    folder = sample.ensure_sample(default_sample_dir())
    for name in sample.DOCUMENT_FILES:
        ingest_file(folder / name, settings=settings)
    with (folder / sample.TRUTH_FILE).open(encoding="utf-8") as handle:
        return {row["doc_id"]: row["theme"] for row in csv.DictReader(handle)}


def assignments(settings) -> tuple[list[str], list[int], list[int], list[str]]:
    """Per document (by external id): its fine topic, its theme, and its cleaned text."""
    from loaders import store

    query = """
        SELECT d.external_id, dt.topic, coalesce(t.theme, -1), d.text
        FROM documents d JOIN doc_topics dt USING (doc_id)
        LEFT JOIN topics t ON t.run_id = dt.run_id AND t.topic = dt.topic
        WHERE dt.run_id = (SELECT max(run_id) FROM topic_runs)
        ORDER BY d.external_id
    """
    with store.session(settings=settings, read_only=True) as con:
        rows = con.execute(query).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]


def names(settings, limit: int = 12) -> dict[str, Any]:
    from analysis.topics import sql
    from loaders import store

    with store.session(settings=settings, read_only=True) as con:
        run = con.execute(sql.CURRENT_RUN).fetchall()[0][0]
        themes = con.execute(
            "SELECT th.label, list(t.label ORDER BY t.size DESC), sum(t.size) AS size "
            "FROM themes th JOIN topics t USING (run_id, theme) WHERE th.run_id = ? "
            "GROUP BY th.theme, th.label ORDER BY size DESC",
            [run],
        ).fetchall()
    return {
        "themes": [
            {"name": name, "documents": int(size), "topics": topics[:8]}
            for name, topics, size in themes[:limit]
        ]
    }


# --- the methods -------------------------------------------------------------------------------


def run_product(settings) -> tuple[Any, float]:
    from analysis.topics.fit import fit_topics

    started = time.perf_counter()
    result = fit_topics(settings)
    return result, time.perf_counter() - started


def references(settings, texts: list[str], labels: list[str] | None) -> dict[str, Any]:
    """BERTopic's defaults and k-means (true k) on the product's cached vectors."""
    import numpy as np
    from bertopic import BERTopic
    from sklearn.cluster import KMeans

    from analysis.topics import embeddings
    from analysis.topics.text import text_hash, topic_text

    cleaned = {text_hash(topic_text(t) or " "): topic_text(t) or " " for t in texts}
    vectors, _ = embeddings.embed(settings, cleaned)
    index = {h: i for i, h in enumerate(cleaned)}
    per_doc = np.stack([vectors[index[text_hash(topic_text(t) or " ")]] for t in texts])
    out = {}
    started = time.perf_counter()
    found, _ = BERTopic().fit_transform(texts, embeddings=per_doc)
    out["bertopic_defaults"] = describe(list(found), labels, time.perf_counter() - started)
    if labels is not None:
        started = time.perf_counter()
        k = len(set(labels))
        found = KMeans(k, n_init=10, random_state=42).fit_predict(per_doc)
        out["kmeans_true_k"] = describe(list(found), labels, time.perf_counter() - started)
    return out


def evaluate(name: str, settings, labels_by_id: dict[str, str] | None) -> dict[str, Any]:
    result, seconds = run_product(settings)
    ids, topics, themes, texts = assignments(settings)
    labels = [labels_by_id[i] for i in ids] if labels_by_id else None
    ours = describe(topics, labels, seconds)
    ours["themes"] = result.n_themes
    ours["largest_theme_share"] = describe(themes, None, 0)["largest_topic_share"]
    if labels is not None:
        ours["theme_nmi"] = describe(themes, labels, 0)["nmi"]
    ours["repeats_counted_once"] = result.repeats
    out = {"documents": len(ids), "brandpulse": ours, **references(settings, texts, labels)}
    out["names"] = names(settings)
    log(f"{name}: " + json.dumps({k: v for k, v in out.items() if k != "names"}))
    return out


def planted_recovery(settings, truth: dict[str, str]) -> dict[str, Any]:
    """Per planted theme of the sample: the best fine topic and the best theme holding it
    (recall, with purity at least 0.7)."""
    from collections import Counter

    from loaders import demo_data as sample

    ids, topics, themes, _ = assignments(settings)
    out = {}
    for planted in sample.PLANTED_THEMES:
        mine = [i for i, ext in enumerate(ids) if truth[ext] == planted]
        best = {}
        for level, groups in (("topic", topics), ("theme", themes)):
            sizes = Counter(g for g in groups if g >= 0)
            hits = Counter(groups[i] for i in mine if groups[i] >= 0)
            recall = max(
                (n / len(mine) for g, n in hits.items() if n / sizes[g] >= 0.7), default=0.0
            )
            best[level] = round(recall, 3)
        out[planted] = best
    return out


def new_data(data: Path) -> dict[str, Any]:
    """Documents from another domain fit no topic and make `analyze` refit; documents from
    the same domain mostly fit."""
    from analysis.topics.assign import assign_new_documents, update_topics

    out = {}
    settings = fresh_settings("new-data-other", topic_auto_refit=True)
    ingest_sample(settings)
    run_product(settings)
    ingest_labelled(settings, data / "banking77" / "test.csv", "text", None)
    started = time.perf_counter()
    result = update_topics(settings)
    out["banking_into_sample_model"] = {
        "refitted": getattr(result, "refit_because", None),
        "seconds": round(time.perf_counter() - started, 1),
    }
    settings = fresh_settings("new-data-same")
    ingest_labelled(settings, data / "banking77" / "test.csv", "text", None)
    run_product(settings)
    ingest_labelled(settings, data / "banking77" / "train.csv", "text", None)
    assigned = assign_new_documents(settings)
    out["banking_train_into_banking_test_model"] = {
        "new_documents": assigned.assigned + assigned.outliers,
        "unassigned_share": round(assigned.unassigned_share, 4),
        "refit_due": assigned.refit_due,
    }
    log(f"new data: {json.dumps(out)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--with-train", action="store_true", help="also banking77/train.csv")
    args = parser.parse_args()
    if not (args.data / "banking77" / "test.csv").exists():
        sys.exit(f"No labelled data at {args.data}: pass --data with the shared data folder.")
    WORK.mkdir(parents=True, exist_ok=True)
    corpora: dict[str, Any] = {}

    settings = fresh_settings("banking77")
    labels = ingest_labelled(settings, args.data / "banking77" / "test.csv", "text", "category")
    corpora["banking77_test"] = evaluate("banking77 test", settings, labels)
    if args.with_train:
        settings = fresh_settings("banking77-train")
        labels = ingest_labelled(
            settings, args.data / "banking77" / "train.csv", "text", "category"
        )
        corpora["banking77_train"] = evaluate("banking77 train", settings, labels)

    settings = fresh_settings("sample")
    truth = ingest_sample(settings)
    corpora["sample"] = evaluate("sample", settings, truth)
    corpora["sample"]["planted_themes"] = planted_recovery(settings, truth)

    settings = fresh_settings("amazon")
    ingest_labelled(settings, args.data / "reviews_datafiniti_amazon.csv", "reviews.text", None)
    corpora["amazon_reviews"] = evaluate("amazon reviews", settings, None)

    settings = fresh_settings("tweets")
    ingest_labelled(settings, args.data / "tweeteval_sentiment" / "train.csv", "text", None)
    corpora["tweets"] = evaluate("tweets", settings, None)

    bank = corpora["banking77_test"]
    report = {
        "benchmark": "eval_topics",
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "embedding": "all-MiniLM-L6-v2 (bundled), same vectors for every method",
        "corpora": corpora,
        "new_data": new_data(args.data),
        "ratio_nmi_vs_bertopic_defaults": round(
            bank["brandpulse"]["nmi"] / bank["bertopic_defaults"]["nmi"], 3
        ),
        "ratio_f1_vs_bertopic_defaults": round(
            bank["brandpulse"]["mean_best_f1"] / bank["bertopic_defaults"]["mean_best_f1"], 3
        ),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    log(
        f"BANKING77 test: NMI {bank['brandpulse']['nmi']} vs BERTopic defaults "
        f"{bank['bertopic_defaults']['nmi']} (ratio {report['ratio_nmi_vs_bertopic_defaults']}); "
        f"F1 {bank['brandpulse']['mean_best_f1']} vs {bank['bertopic_defaults']['mean_best_f1']} "
        f"(ratio {report['ratio_f1_vs_bertopic_defaults']}). Wrote {RESULTS.relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
