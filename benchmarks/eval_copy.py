"""Copy and replies on the team's evaluation set: plans + ranker against free writing.

The set (``benchmarks/copy_eval/``: cards, customer posts and a knowledge base across ten
industries, each with texts a good marketer would approve) was written by the team, not
taken from the sample data. For every card (social post, email subject, ad headline) and
every post (a reply), in the same run with the same offline model (SmolLM2-135M):

* **plan** (the default): the model fills slots of code-written frames, eight candidates
  are checked and ranked, three shown (replies: the knowledge entry the set names);
* **free** (the previous approach): the model writes whole texts from the card's facts
  (replies: from the post and the entry's answer in the prompt), failing ones rewritten
  once, three shown.

Per approach, over the shown texts: the share passing every automatic check, the share on
topic (cosine to the subject above the 5th percentile of the references' own cosine: the
calibrated threshold), the share free of repetition and placeholders, the model's mean
per-token log-likelihood, and the mean best cosine to the references. For the ranker: the
share of card-formats where its first pick is closer to the references than a random
passing candidate. Times: three shown social posts (from eight candidates), one reply.

    .venv/bin/python benchmarks/eval_copy.py [--cards N] [--posts N]

Writes benchmarks/results/eval_copy.json (with 20 outputs verbatim, for a person to read).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "benchmarks" / "copy_eval"
RESULTS = ROOT / "benchmarks" / "results" / "eval_copy.json"
sys.path.insert(0, str(ROOT))

CARD_FORMATS = ("social_post", "email_subject", "ad_headline")
_PLACEHOLDER = re.compile(r"\[[^\]]{2,40}\]|\{[^}]{2,40}\}|<[A-Za-z ]{2,40}>")


def load_set() -> tuple[list[dict], list[dict], dict[str, dict]]:
    cards = json.loads((SET / "cards.json").read_text(encoding="utf-8"))
    posts = json.loads((SET / "posts.json").read_text(encoding="utf-8"))
    kb = {e["id"]: e for e in json.loads((SET / "kb.json").read_text(encoding="utf-8"))}
    return cards, posts, kb


def entry_of(raw: dict | None, index: int) -> Any:
    from datetime import date

    from loaders.knowledge import KnowledgeEntry

    if raw is None:
        return None
    day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    return KnowledgeEntry(
        index,
        raw["issue"],
        raw["answer"],
        tuple(raw.get("links") or ()),
        day(raw.get("valid_from")),
        day(raw.get("valid_until")),
        raw.get("brand"),
    )


def cosine_matrix(embed, left: list[str], right: list[str]) -> list[list[float]]:
    vectors = embed([*left, *right])
    a, b = vectors[: len(left)], vectors[len(left) :]
    return [[sum(x * y for x, y in zip(u, v, strict=True)) for v in b] for u in a]


def run_cards(cards, generator, embed, names, strategy: str) -> list[dict]:
    from analysis.insight.cards import Card
    from analysis.suggestions.plans import subject_of
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.writer import _checker, write_variants

    rows = []
    for number, raw in enumerate(cards):
        card = Card(raw["kind"], raw["title"], 1.0, raw["facts"])
        options = SuggestOptions(formats=CARD_FORMATS, seed=100 + number, strategy=strategy)
        for fmt in CARD_FORMATS:
            started = time.perf_counter()
            variants, candidates, _ = write_variants(
                card, fmt, generator, options, names, raw["brand"], embed
            )
            seconds = time.perf_counter() - started
            check = _checker(card, fmt, options, names, raw["brand"])
            rows.append(
                {
                    "id": raw["id"],
                    "industry": raw["industry"],
                    "format": fmt,
                    "seconds": round(seconds, 2),
                    "subject": f"{card.title} {subject_of(card.facts)}",
                    "references": raw["references"].get(fmt, []),
                    "shown": [
                        {
                            "text": v.text,
                            "source": v.source,
                            "needs_edit": v.needs_edit,
                            "problems": check(v.text).problems,
                        }
                        for v in variants
                    ],
                    "passing_candidates": [c.cleaned for c in candidates if c.check.ok],
                }
            )
        print(f"  {strategy} card {number + 1}/{len(cards)}", flush=True)
    return rows


def free_replies(post: dict, entry, generator, names, seed: int) -> list[str]:
    """The previous approach: the model writes whole replies from the post and the entry."""
    from analysis.suggestions.generators import GenerationOptions
    from analysis.suggestions.prompts import clean_output
    from analysis.suggestions.replies import check_reply

    system = (
        f"You reply to customers for the brand {post['brand']}. Use only the facts given. "
        "Never invent numbers, offers, dates or names."
    )
    facts = f"\nKnowledge: {entry.answer} {' '.join(entry.links)}" if entry else ""
    prompt = f"Customer post: {post['text']}{facts}\nWrite a short, kind reply."
    options = GenerationOptions(max_new_tokens=80, seed=seed, stop=("\n\n\n",))
    kept: list[str] = []
    for round_number in range(2):
        for answer in generator.generate_many(
            system,
            prompt,
            GenerationOptions(**{**options.__dict__, "seed": seed + round_number * 1000}),
            3 - len(kept),
        ):
            text = clean_output(answer, "review_reply")
            if text and not check_reply(text, post["text"], entry, names, post["brand"]):
                kept.append(text)
        if len(kept) >= 3:
            break
    return kept or [clean_output(answer, "review_reply")]


def run_posts(posts, kb, generator, embed, names, strategy: str) -> list[dict]:
    from analysis.suggestions.replies import check_reply, draft_replies

    rows = []
    for number, post in enumerate(posts):
        raw_entry = kb.get(post["kb_entry"]) if post.get("kb_entry") else None
        entry = entry_of(raw_entry, number)
        started = time.perf_counter()
        if strategy == "plan":
            drafts = draft_replies(
                post["text"],
                brand=post["brand"],
                entry=entry,
                generator=generator,
                names=names,
                seed=200 + number,
                embed=embed,
            )
            shown = [(d.text, d.needs_edit) for d in drafts]
        else:
            shown = [(t, False) for t in free_replies(post, entry, generator, names, 200 + number)]
        seconds = time.perf_counter() - started
        rows.append(
            {
                "id": post["id"],
                "industry": post["industry"],
                "format": "review_reply",
                "seconds": round(seconds, 2),
                "subject": post["text"],
                "references": post["references"],
                "shown": [
                    {
                        "text": text,
                        "needs_edit": needs_edit,
                        "problems": check_reply(text, post["text"], entry, names, post["brand"]),
                    }
                    for text, needs_edit in shown
                ],
            }
        )
        print(f"  {strategy} post {number + 1}/{len(posts)}", flush=True)
    return rows


def on_topic_threshold(rows: list[dict], embed) -> float:
    """The 5th percentile of the references' own cosine to their subject."""
    sims = []
    for row in rows:
        if row["references"]:
            sims.extend(cosine_matrix(embed, [row["subject"]], row["references"])[0])
    sims.sort()
    return round(sims[max(0, int(0.05 * len(sims)) - 1)], 3) if sims else 0.0


def summarise(rows: list[dict], embed, likelihood, threshold: float) -> dict[str, Any]:
    from analysis.suggestions.ranker import repeats

    shown = [(row, s) for row in rows for s in row["shown"]]
    texts = [s["text"] for _, s in shown]
    fluency = likelihood(texts) if likelihood and texts else []
    on_topic, ref_sim = [], []
    for row, s in shown:
        on_topic.append(cosine_matrix(embed, [row["subject"]], [s["text"]])[0][0] >= threshold)
        if row["references"]:
            ref_sim.append(max(cosine_matrix(embed, [s["text"]], row["references"])[0]))
    return {
        "shown": len(shown),
        "pass_every_check": round(sum(not s["problems"] for _, s in shown) / len(shown), 3),
        "on_topic": round(sum(on_topic) / len(shown), 3),
        "no_repetition_or_placeholder": round(
            sum(not repeats(t) and not _PLACEHOLDER.search(t) for t in texts) / len(shown), 3
        ),
        "mean_log_likelihood": round(statistics.fmean(fluency), 3) if fluency else None,
        "similarity_to_references": round(statistics.fmean(ref_sim), 3) if ref_sim else None,
        "marked_needs_edit": round(
            sum(s.get("needs_edit", False) for _, s in shown) / len(shown), 3
        ),
        "median_seconds": round(statistics.median(r["seconds"] for r in rows), 2),
        "max_seconds": max(r["seconds"] for r in rows),
    }


def first_pick_wins(rows: list[dict], embed, seed: int = 0) -> dict[str, Any]:
    """Share of card-formats where the ranker's first pick is closer to the references than
    one random passing candidate (ties count half), and the same in expectation."""
    draws = random.Random(seed)
    wins, expected, counted = 0.0, [], 0
    for row in rows:
        pool = row["passing_candidates"]
        if not row["references"] or len(pool) < 2 or not row["shown"]:
            continue
        first = row["shown"][0]["text"]
        sims = [max(r) for r in cosine_matrix(embed, [first, *pool], row["references"])]
        mine, others = sims[0], sims[1:]
        other = others[draws.randrange(len(others))]
        wins += 1.0 if mine > other else 0.5 if mine == other else 0.0
        expected.append(
            sum(1.0 if mine > o else 0.5 if mine == o else 0.0 for o in others) / len(others)
        )
        counted += 1
    return {
        "card_formats": counted,
        "first_pick_beats_random": round(wins / counted, 3) if counted else None,
        "first_pick_beats_random_expected": round(statistics.fmean(expected), 3)
        if expected
        else None,
    }


def verbatim(card_rows: dict, post_rows: dict, count: int = 10) -> list[dict]:
    out = []
    for rows in (card_rows, post_rows):
        plan, free = rows["plan"], rows["free"]
        step = max(1, len(plan) // count)
        for index in range(0, len(plan), step)[:count]:
            out.append(
                {
                    "id": plan[index]["id"],
                    "format": plan[index]["format"],
                    "subject": plan[index]["subject"][:300],
                    "plan": [s["text"] for s in plan[index]["shown"]],
                    "free": [s["text"] for s in free[index]["shown"]],
                    "reference": plan[index]["references"][:1],
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=0, help="Only the first N cards (0: all).")
    parser.add_argument("--posts", type=int, default=0, help="Only the first N posts (0: all).")
    parser.add_argument(
        "--every", type=int, default=1, help="Every Nth card and post (a spread subset)."
    )
    args = parser.parse_args()
    from analysis.suggestions.generators import make_generator
    from analysis.suggestions.planned import copy_embedder
    from loaders.config import Settings

    cards, posts, kb = load_set()
    cards = cards[:: args.every][: args.cards or None]
    posts = posts[:: args.every][: args.posts or None]
    names = sorted({c["brand"] for c in cards} | {p["brand"] for p in posts})
    generator = make_generator(Settings())  # no brand-voice adapter is trained here
    generator.load()
    embed = copy_embedder()
    card_rows = {s: run_cards(cards, generator, embed, names, s) for s in ("plan", "free")}
    post_rows = {s: run_posts(posts, kb, generator, embed, names, s) for s in ("plan", "free")}
    card_threshold = on_topic_threshold(card_rows["plan"], embed)
    post_threshold = on_topic_threshold(post_rows["plan"], embed)
    result = {
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} CPU cores",
        "model": generator.name,
        "every": args.every,
        "set": {
            "cards": len(cards),
            "posts": len(posts),
            "kb_entries": len(kb),
            "industries": len({c["industry"] for c in cards}),
        },
        "on_topic_threshold": {"cards": card_threshold, "posts": post_threshold},
        "cards": {
            s: summarise(card_rows[s], embed, generator.likelihood, card_threshold)
            for s in ("plan", "free")
        },
        "cards_by_format": {
            s: {
                fmt: summarise(
                    [r for r in card_rows[s] if r["format"] == fmt], embed, None, card_threshold
                )
                for fmt in CARD_FORMATS
            }
            for s in ("plan", "free")
        },
        "replies": {
            s: summarise(post_rows[s], embed, generator.likelihood, post_threshold)
            for s in ("plan", "free")
        },
        "ranker": first_pick_wins(card_rows["plan"], embed),
        "targets": {
            "pass_every_check": 0.95,
            "first_pick_beats_random": 0.65,
            "social_post_s": 15,
            "reply_s": 10,
        },
        "outputs": verbatim(card_rows, post_rows),
        "failures": [
            {"id": r["id"], "format": r["format"], "text": s["text"], "problems": s["problems"]}
            for r in [*card_rows["plan"], *post_rows["plan"]]
            for s in r["shown"]
            if s["problems"]
        ][:40],
    }
    for part in ("cards", "replies"):
        plan, free = result[part]["plan"], result[part]["free"]
        result[part]["ratio_plan_over_free"] = {
            k: round(plan[k] / free[k], 3)
            for k in ("pass_every_check", "on_topic", "similarity_to_references")
            if plan[k] and free[k]
        }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {k: result[k] for k in ("set", "on_topic_threshold", "cards", "replies", "ranker")},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
