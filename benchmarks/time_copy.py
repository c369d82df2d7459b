"""Time to draft on this machine: three shown social posts (from eight candidates) and one
reply, with the default offline model and torch's default threads, against the free
strategy (the previous approach) on the same cards in the same run.

Every 7th card and post of the team's set (``benchmarks/copy_eval``). Run it on an idle
machine: ``eval_copy.py`` measures quality and reports times too, but runs for long enough
that other work on the machine usually shares its cores.

    .venv/bin/python benchmarks/time_copy.py

Writes benchmarks/results/time_copy.json.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "time_copy.json"
sys.path.insert(0, str(ROOT))

from benchmarks.eval_copy import entry_of, free_replies, load_set  # noqa: E402


def figures(seconds: list[float]) -> dict[str, float]:
    return {
        "n": len(seconds),
        "median_s": round(statistics.median(seconds), 2),
        "max_s": round(max(seconds), 2),
    }


def main() -> None:
    import torch

    from analysis.insight.cards import Card
    from analysis.suggestions.generators import make_generator
    from analysis.suggestions.planned import copy_embedder
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.replies import draft_replies
    from analysis.suggestions.writer import write_variants
    from loaders.config import Settings

    generator = make_generator(Settings())
    generator.load()
    embed = copy_embedder()
    cards, posts, kb = load_set()
    cards, posts = cards[::7], posts[::7]
    names = sorted({c["brand"] for c in cards} | {p["brand"] for p in posts})
    times: dict[str, list[float]] = {}
    for strategy in ("plan", "free"):
        for number, raw in enumerate(cards):
            card = Card(raw["kind"], raw["title"], 1.0, raw["facts"])
            options = SuggestOptions(seed=100 + number, strategy=strategy)
            started = time.perf_counter()
            write_variants(card, "social_post", generator, options, names, raw["brand"], embed)
            times.setdefault(f"social_post_{strategy}", []).append(time.perf_counter() - started)
    for number, post in enumerate(posts):
        entry = entry_of(kb.get(post["kb_entry"]) if post.get("kb_entry") else None, number)
        started = time.perf_counter()
        draft_replies(
            post["text"],
            brand=post["brand"],
            entry=entry,
            generator=generator,
            names=names,
            seed=200 + number,
            embed=embed,
        )
        times.setdefault("reply_plan", []).append(time.perf_counter() - started)
        started = time.perf_counter()
        free_replies(post, entry, generator, names, 200 + number)
        times.setdefault("reply_free", []).append(time.perf_counter() - started)
    result = {
        "machine": f"{os.cpu_count()} CPU cores, torch threads {torch.get_num_threads()}",
        "model": generator.name,
        **{name: figures(values) for name, values in times.items()},
        "ratio_plan_over_free_median": {
            kind: round(
                statistics.median(times[f"{kind}_plan"]) / statistics.median(times[f"{kind}_free"]),
                3,
            )
            for kind in ("social_post", "reply")
        },
        "targets_s": {"social_post": 15, "reply": 10},
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
