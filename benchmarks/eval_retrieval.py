"""Knowledge base retrieval: which entry answers a customer's post, or none.

MiniLM (the bundled all-MiniLM-L6-v2, as :mod:`analysis.suggestions.knowledge` uses it)
against a peer baseline measured in the same run: TF-IDF word overlap (sklearn's
TfidfVectorizer fitted on the entries and posts, cosine). Both see only the entries of the
post's brand and brand-less ones, the way the queue matches. Sets: the team's copy
evaluation set (``benchmarks/copy_eval/posts.json`` + ``kb.json``, or ``--set DIR``) and the
tests' fixture (``tests/fixtures/knowledge_posts.json``, posts with distractor entries that
share words). Validity dates are ignored here (the set's posts carry no date): expired
distractors compete too.

Per method and set: top-1 accuracy over posts that have an entry (no threshold), then per
threshold the overall accuracy (right entry, or correctly none), and the "no entry" decision's
precision and recall, and the wrong and missed entries. The threshold is chosen on the team's
set (least cost: a wrong entry counts twice a missed one) and checked on the fixture.

    .venv/bin/python benchmarks/eval_retrieval.py [--set DIR]

Writes benchmarks/results/eval_retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.suggestions.knowledge import THRESHOLD, candidates, entry_text  # noqa: E402
from loaders.knowledge import KnowledgeEntry  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "knowledge_posts.json"
OUT = ROOT / "benchmarks" / "results" / "eval_retrieval.json"
THRESHOLDS = [round(0.05 + 0.025 * i, 3) for i in range(27)]  # 0.05 .. 0.70
# A wrong entry puts an unrelated policy in a reply; a missed one leaves a safe "get in touch"
# draft. The threshold minimises WRONG_COST * wrong + missed.
WRONG_COST = 2


def load_team(folder: Path) -> tuple[list[dict], list[dict]]:
    posts = json.loads((folder / "posts.json").read_text(encoding="utf-8"))
    kb = json.loads((folder / "kb.json").read_text(encoding="utf-8"))
    return [{"brand": p["brand"], "text": p["text"], "entry": p.get("kb_entry")} for p in posts], kb


def load_fixture() -> tuple[list[dict], list[dict]]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data["posts"], data["entries"]


def as_entries(kb: list[dict]) -> tuple[list[KnowledgeEntry], list[str]]:
    entries = [
        KnowledgeEntry(i, e["issue"], e["answer"], tuple(e.get("links") or ()), brand=e["brand"])
        for i, e in enumerate(kb)
    ]
    return entries, [e["id"] for e in kb]


def best_per_post(posts, entries, names, similarity) -> list[tuple[str | None, float]]:
    """(best entry's name, its similarity) per post, among the entries the post may use."""
    out = []
    for post in posts:
        allowed = candidates(entries, post["brand"])
        scores = similarity(post["text"], allowed)
        if not scores:
            out.append((None, 0.0))
            continue
        best = max(range(len(scores)), key=lambda i: scores[i])
        out.append((names[allowed[best].id], float(scores[best])))
    return out


def measure(posts, best) -> dict[str, Any]:
    with_entry = [i for i, p in enumerate(posts) if p["entry"]]
    top1 = sum(best[i][0] == posts[i]["entry"] for i in with_entry) / len(with_entry)
    sweep = []
    for threshold in THRESHOLDS:
        chosen = [name if score >= threshold else None for name, score in best]
        right = sum(c == p["entry"] for c, p in zip(chosen, posts, strict=True))
        said_none = [i for i, c in enumerate(chosen) if c is None]
        truly_none = [i for i, p in enumerate(posts) if not p["entry"]]
        hits = len(set(said_none) & set(truly_none))
        wrong = sum(c is not None and c != p["entry"] for c, p in zip(chosen, posts, strict=True))
        missed = sum(c is None and bool(p["entry"]) for c, p in zip(chosen, posts, strict=True))
        sweep.append(
            {
                "threshold": threshold,
                "accuracy": round(right / len(posts), 3),
                "no_entry_precision": round(hits / len(said_none), 3) if said_none else None,
                "no_entry_recall": round(hits / len(truly_none), 3) if truly_none else None,
                "wrong_entry": wrong,
                "missed_entry": missed,
                "cost": WRONG_COST * wrong + missed,
            }
        )
    best_row = min(sweep, key=lambda r: (r["cost"], -r["accuracy"]))
    return {"top1_accuracy": round(top1, 3), "best": best_row, "sweep": sweep}


def at(result: dict[str, Any], threshold: float) -> dict[str, Any]:
    return next(r for r in result["sweep"] if abs(r["threshold"] - threshold) < 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=ROOT / "benchmarks" / "copy_eval")
    args = parser.parse_args()
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.suggestions.planned import copy_embedder

    embed = copy_embedder()
    sets = {"fixture": load_fixture()}
    if (args.set / "posts.json").is_file():
        sets = {"team": load_team(args.set), **sets}
    results: dict[str, Any] = {}
    started = time.perf_counter()
    for name, (posts, kb) in sets.items():
        entries, names = as_entries(kb)
        tfidf = TfidfVectorizer(sublinear_tf=True).fit(
            [entry_text(e) for e in entries] + [p["text"] for p in posts]
        )

        def minilm(text: str, allowed: list[KnowledgeEntry]) -> list[float]:
            vectors = embed([text, *(entry_text(e) for e in allowed)])
            return [sum(a * b for a, b in zip(vectors[0], v, strict=True)) for v in vectors[1:]]

        def word_overlap(text: str, allowed: list[KnowledgeEntry], tfidf=tfidf) -> list[float]:
            if not allowed:
                return []
            matrix = tfidf.transform([text, *(entry_text(e) for e in allowed)])
            return (matrix[1:] @ matrix[0].T).toarray().ravel().tolist()

        results[name] = {
            "posts": len(posts),
            "posts_without_entry": sum(not p["entry"] for p in posts),
            "entries": len(entries),
            "minilm": measure(posts, best_per_post(posts, entries, names, minilm)),
            "tfidf": measure(posts, best_per_post(posts, entries, names, word_overlap)),
        }
    chosen = results.get("team", results["fixture"])["minilm"]["best"]["threshold"]
    summary = {
        name: {
            method: {
                "top1": r[method]["top1_accuracy"],
                f"at {THRESHOLD}": at(r[method], THRESHOLD),
                "at its own best threshold": r[method]["best"],
            }
            for method in ("minilm", "tfidf")
        }
        for name, r in results.items()
    }
    report = {
        "benchmark": "eval_retrieval",
        "machine": platform.platform(),
        "seconds": round(time.perf_counter() - started, 1),
        "sets": {"team": str(args.set), "fixture": str(FIXTURE.relative_to(ROOT))},
        "threshold_in_use": THRESHOLD,
        "threshold_best_on_calibration_set": chosen,
        "summary": summary,
        "results": results,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps({"threshold_best": chosen, "summary": summary}, indent=2))


if __name__ == "__main__":
    main()
