"""The data behind each dashboard page at 1,000,000 documents, against pandas, in one run.

1. Builds (once, then reuses) a database of ``--docs`` generated documents with sentiment
   from an active model, a few hundred human corrections, a topic model of 40 topics and
   a topic for every document: the shape `brandpulse analyze` leaves behind. Generated in
   DuckDB directly; running the models on a million posts would take hours here.
2. For each page, times the analysis functions the page calls (uncached: the dashboard's
   cache only helps the second visit) with the default filters and with a narrow filter
   (one brand, one product, two weeks), ``--runs`` times, and reports the p95.
3. Baseline: the same figures computed the way a pandas dashboard would: load the rows
   the page needs (with the sentiment, label and topic joins) into a DataFrame, then
   aggregate in pandas. Ratio = baseline p95 / ours.

    .venv/bin/python benchmarks/bench_dashboard.py [--docs 1000000] [--runs 20]

Target: every page's data in <= 300 ms p95 at 1,000,000 documents.
Writes benchmarks/results/bench_dashboard.json; the database goes to benchmarks/work.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "bench_dashboard"
RESULTS = ROOT / "benchmarks" / "results" / "bench_dashboard.json"
sys.path.insert(0, str(ROOT))

FIRST_DAY = date(2025, 8, 25)
DAYS = 112  # 16 weeks
TOPICS = 40
BRANDS = ["Tidewell", "Glacio", "Pinecup"]
SOURCES = ["trustpilot", "google_reviews", "amazon", "twitter", "reddit", "instagram"]
PRODUCTS = [f"Product {i}" for i in range(12)]
CAMPAIGNS = ["RefillRewards", "GrindNeverStops", "BlackFriday"]

GENERATE = """
INSERT INTO documents (doc_id, kind, source, external_id, channel, brand, product, campaign,
                       created_at, text, rating, text_hash, ingest_run_id)
SELECT 'd' || i, CASE WHEN i % 3 = 0 THEN 'review' ELSE 'social' END,
       $sources[1 + (i * 7) % 6], 'x' || i,
       CASE WHEN i % 3 = 0 THEN 'web' ELSE $sources[1 + (i * 7) % 6] END,
       $brands[1 + (hash(i) % 3)::BIGINT], $products[1 + (hash(i * 13) % 12)::BIGINT],
       CASE WHEN i % 11 = 0 THEN $campaigns[1 + i % 3] END,
       TIMESTAMPTZ '2025-08-25 00:00:00+00' + to_seconds((hash(i * 31) % ($days * 86400))::BIGINT),
       'post ' || i || ' about topic ' || (hash(i * 17) % $topics)::BIGINT ||
           CASE hash(i * 5) % 3 WHEN 0 THEN ' I love it' WHEN 1 THEN ' it broke' ELSE ' okay' END,
       CASE WHEN i % 3 = 0 THEN 1 + (hash(i * 3) % 5)::BIGINT END,
       md5('post ' || i), 1
FROM range($docs) t(i)
"""
SCORE = """
INSERT INTO sentiment
SELECT doc_id, 'bench', ['negative', 'neutral', 'positive'][1 + (hash(doc_id) % 3)::BIGINT],
       0.2, 0.3, 0.5, (hash(doc_id) % 200)::BIGINT / 100.0 - 1, 'en', NULL, now()
FROM documents
"""
ASSIGN = """
INSERT INTO doc_topics
SELECT doc_id, 1, CASE WHEN hash(doc_id || 't') % 100 = 0 THEN -1
                       ELSE (hash(doc_id || 't') % $topics)::INTEGER END, 0.6
FROM documents
"""


def build(db: Path, documents: int) -> None:
    import numpy as np

    from loaders import store

    db.parent.mkdir(parents=True, exist_ok=True)
    with store.session(db) as con:
        params = {
            "docs": documents,
            "sources": SOURCES,
            "brands": BRANDS,
            "products": PRODUCTS,
            "campaigns": CAMPAIGNS,
            "days": DAYS,
            "topics": TOPICS,
        }
        con.execute(
            "INSERT INTO ingest_runs VALUES (1, 'generated', '', 'csv', NULL, 'social', NULL, "
            "now(), now(), $docs, $docs, 0, 0, '{}', NULL)",
            {"docs": documents},
        )
        con.execute(GENERATE, params)
        con.execute(
            "INSERT INTO models VALUES ('bench', 'brandpulse', 'generated', NULL, NULL, "
            """'{"held-out": {"n": 1000, "accuracy": 0.8, "macro_recall": 0.8, "macro_f1": 0.8}}', """
            "now(), true)"
        )
        con.execute(SCORE)
        con.execute(
            "INSERT INTO labels (doc_id, label, labeled_at) SELECT doc_id, 'negative', now() FROM documents "
            "USING SAMPLE 300 ROWS"
        )
        con.execute(
            "INSERT INTO topic_runs VALUES (1, now(), now(), $docs, $docs, $topics, 0.01, "
            "'generated', '{}', 1)",
            {"docs": documents, "topics": TOPICS},
        )
        rng = np.random.default_rng(7)
        for topic in range(TOPICS):
            centroid = rng.normal(size=384)
            centroid /= np.linalg.norm(centroid)
            con.execute(
                "INSERT INTO topics VALUES (1, ?, ?, ?, 0, NULL, NULL, ?, ?, 0, 0.5)",
                [
                    topic,
                    f"topic {topic} words",
                    [f"word{topic}", "other"],
                    centroid.tolist(),
                    [f"d{topic}", f"d{topic + 100}"],
                ],
            )
        con.execute(
            "INSERT INTO themes VALUES (1, 0, 'generated theme', ['word'], NULL, ?)",
            [[1.0] + [0.0] * 383],
        )
        con.execute(ASSIGN, {"topics": TOPICS})
        con.execute(
            "UPDATE topics SET size = (SELECT count(*) FROM doc_topics d "
            "WHERE d.topic = topics.topic)"
        )
        con.execute("CHECKPOINT")


# --- what each page asks for -------------------------------------------------------------------
def page_calls(con: Any, filters: Any) -> dict[str, Callable[[], Any]]:
    from dataclasses import replace

    from analysis.insight.facets import analysis_state, facet_values
    from analysis.insight.kpis import period_kpis, top_movers
    from analysis.insight.posts import find_posts
    from analysis.insight.trend import brand_sparklines, rating_distribution, sentiment_trend
    from analysis.periods import default_period
    from analysis.sentiment.corrections import least_certain
    from analysis.sentiment.scoring_run import active_model_metrics
    from analysis.topics.edits import list_topics, topic_names
    from analysis.topics.spikes import period_alerts
    from analysis.topics.trends import topic_map, topic_table, topics_over_time
    from loaders.store.info import store_info

    undated = replace(filters, start=None, end=None)

    def period():
        found = default_period(con)
        if filters.start:
            from analysis.periods import Period

            return Period(filters.start, filters.end)
        return found

    def overview():
        p = period()
        return (
            analysis_state(con),
            period_kpis(con, p, undated),
            period_alerts(con, p.start, p.end, filters),
            top_movers(con, "topic", p, undated),
            top_movers(con, "product", p, undated),
            brand_sparklines(con, filters),
            topic_names(con),
        )

    return {
        "filter bar": lambda: (
            analysis_state(con),
            facet_values(con),
            topic_names(con),
            store_info(con),
        ),
        "overview": overview,
        "sentiment": lambda: (
            sentiment_trend(con, filters, grain="week", by=None),
            rating_distribution(con, filters),
            find_posts(con, filters, order="most negative", limit=100),
        ),
        "topics": lambda: (
            topic_table(con, filters),
            topics_over_time(con, None, filters),
            topic_map(con),
            list_topics(con),
            find_posts(con, replace(filters, topic=3), order="newest", limit=200),
        ),
        "explore": lambda: (
            find_posts(con, filters, order="newest", limit=50),
            find_posts(con, filters, search="broke", order="newest", limit=50),
        ),
        "data": lambda: (store_info(con), analysis_state(con)),
        "labeling": lambda: (active_model_metrics(con), least_certain(con, 10)),
    }


# --- the pandas baseline ---------------------------------------------------------------------------
BASELINE_ROWS = """
WITH latest AS (SELECT doc_id, arg_max(label, labeled_at) AS label FROM labels GROUP BY doc_id)
SELECT d.doc_id, d.kind, d.source, d.channel, d.brand, d.product, d.campaign, d.created_at,
       d.rating, coalesce(l.label, s.label) AS label, s.score, s.p_negative, s.p_neutral,
       s.p_positive, t.topic {text}
FROM documents d
LEFT JOIN sentiment s ON s.doc_id = d.doc_id AND s.model_version = 'bench'
LEFT JOIN latest l ON l.doc_id = d.doc_id
LEFT JOIN doc_topics t ON t.doc_id = d.doc_id AND t.run_id = 1
"""


def baseline_calls(con: Any, filters: Any) -> dict[str, Callable[[], Any]]:
    """Each page's figures the pandas way: load the rows, then filter and aggregate."""

    def load(text: bool = False):
        frame = con.execute(BASELINE_ROWS.format(text=", d.text" if text else "")).df()
        keep = frame["doc_id"].notna()
        for name in ("brand", "product", "kind"):
            value = getattr(filters, name)
            if value is not None:
                keep &= frame[name] == value
        if filters.start:
            day = frame["created_at"].dt.date
            keep &= (day >= filters.start) & (day <= filters.end)
        return frame[keep]

    def weekly(frame):
        return frame.assign(week=frame["created_at"].dt.to_period("W")).groupby("week")

    def overview():
        frame = load()
        end = frame["created_at"].max()
        last = frame[frame["created_at"] >= end - timedelta(days=7)]
        return (
            last["label"].value_counts(),
            last["rating"].mean(),
            weekly(frame)["topic"].value_counts(),
            last.groupby("product").size(),
            weekly(frame)["brand"].value_counts(),
        )

    return {
        "filter bar": lambda: [load()[c].value_counts() for c in ("brand", "kind", "source")],
        "overview": overview,
        "sentiment": lambda: (
            weekly(load())["label"].value_counts(),
            load()["rating"].value_counts(),
            load(text=True).nsmallest(100, "score"),
        ),
        "topics": lambda: (
            load().groupby(["topic", "label"]).size(),
            weekly(load())["topic"].value_counts(),
        ),
        "explore": lambda: (
            load(text=True).nlargest(50, "created_at"),
            (lambda f: f[f["text"].str.contains("broke")].nlargest(50, "created_at"))(
                load(text=True)
            ),
        ),
        "data": lambda: load()["kind"].value_counts(),
        "labeling": lambda: (
            load(text=True)
            .assign(margin=lambda f: f[["p_negative", "p_neutral", "p_positive"]].max(axis=1))
            .nsmallest(10, "margin")
        ),
    }


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_calls(calls: dict[str, Callable[[], Any]], runs: int) -> dict[str, dict[str, float]]:
    figures = {}
    for page, call in calls.items():
        call()  # warm DuckDB's and the OS's caches, as a page visited before
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            samples.append((time.perf_counter() - started) * 1000)
        figures[page] = {
            "p95_ms": round(p95(samples), 1),
            "median_ms": round(statistics.median(samples), 1),
        }
        print(
            f"  {page:10s} p95 {figures[page]['p95_ms']:8.1f} ms  median {figures[page]['median_ms']:8.1f} ms"
        )
    return figures


def main() -> None:
    import warnings

    warnings.filterwarnings("ignore", message=".*inplace keyword.*")  # inside DuckDB's .df()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=3)
    args = parser.parse_args()

    from analysis.filters import Filters
    from loaders import store

    db = WORK / f"dashboard-{args.docs}.duckdb"
    if not db.exists():
        started = time.perf_counter()
        print(f"Building {db} with {args.docs:,} documents ...")
        build(db, args.docs)
        print(f"  built in {time.perf_counter() - started:.0f} s")
    from loaders.store import facts

    with store.session(db) as con:  # what every write that changes the figures pays
        started = time.perf_counter()
        facts.refresh(con)
        refresh_s = time.perf_counter() - started
    print(f"doc_facts rebuild after a write: {refresh_s:.2f} s")
    cases = {
        "default filters": Filters(),
        "narrow filter": Filters(
            start=date(2025, 10, 6), end=date(2025, 10, 19), brand="Glacio", product="Product 3"
        ),
    }
    results: dict[str, Any] = {
        "documents": args.docs,
        "runs": args.runs,
        "baseline_runs": args.baseline_runs,
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
        "target_p95_ms": 300,
        "doc_facts_rebuild_s": round(refresh_s, 2),
        "cases": {},
    }
    with store.session(db, read_only=True) as con:
        for case, filters in cases.items():
            print(f"\n{case}: brandpulse (DuckDB aggregation)")
            ours = time_calls(page_calls(con, filters), args.runs)
            print(f"{case}: baseline (rows loaded into pandas)")
            theirs = time_calls(baseline_calls(con, filters), args.baseline_runs)
            results["cases"][case] = {
                page: {
                    "brandpulse_p95_ms": ours[page]["p95_ms"],
                    "brandpulse_median_ms": ours[page]["median_ms"],
                    "pandas_p95_ms": theirs[page]["p95_ms"],
                    "ratio": round(theirs[page]["p95_ms"] / ours[page]["p95_ms"], 1),
                    "meets_target": ours[page]["p95_ms"] <= 300,
                }
                for page in ours
            }
    print(f"\n{'case':16s} {'page':10s} {'ours p95':>10s} {'pandas p95':>11s} {'ratio':>7s}")
    for case, pages in results["cases"].items():
        for page, f in pages.items():
            flag = "" if f["meets_target"] else "  (over 300 ms)"
            print(
                f"{case:16s} {page:10s} {f['brandpulse_p95_ms']:8.1f}ms {f['pandas_p95_ms']:9.1f}ms "
                f"{f['ratio']:6.1f}x{flag}"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
