"""The copy ranker's weights: calibrated on half the team's cards, measured on the other half.

For every card of ``benchmarks/copy_eval`` (every ``--every``-th) and each card format, the
default planned writer (SmolLM2-135M offline) draws its candidates; every candidate that
passes the checks is measured as the ranker measures it (cosine to the subject, the model's
per-token likelihood, length fit, repetition) and by what the ranker tries to predict: its
best cosine to the references a marketer would approve.

Cards with an even position calibrate, odd ones are held out. For a grid of weights the
script computes, per card-format, the chance that the first pick (the ranker's rule: trusted
drafts first, then the highest score) is closer to the references than a random passing
candidate (ties half), averaged. It prints, on the held-out half, that figure for the
shipped weights (``analysis.suggestions.ranker.CARD_WEIGHTS``), for the weights best on the
calibration half, for each part alone, and for a random pick (0.5 by construction).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/eval_ranker.py [--every 2]
        [--features /tmp/ranker_features.json]   # reuse measured candidates

Writes benchmarks/results/eval_ranker.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "eval_ranker.json"
sys.path.insert(0, str(ROOT))

from benchmarks.eval_copy import CARD_FORMATS, cosine_matrix, load_set  # noqa: E402


def measure(cards: list[dict]) -> list[dict]:
    """Per card-format: its passing candidates with their parts and reference similarity."""
    from analysis.insight.cards import Card
    from analysis.suggestions.generators import make_generator
    from analysis.suggestions.planned import copy_embedder
    from analysis.suggestions.plans import subject_of
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.ranker import Candidate, score_candidates
    from analysis.suggestions.writer import write_variants
    from loaders.config import Settings

    names = sorted({c["brand"] for c in cards})
    generator = make_generator(Settings())
    generator.load()
    embed = copy_embedder()
    rows = []
    for number, raw in enumerate(cards):
        card = Card(raw["kind"], raw["title"], 1.0, raw["facts"])
        options = SuggestOptions(formats=CARD_FORMATS, seed=100 + number)
        for fmt in CARD_FORMATS:
            references = raw["references"].get(fmt, [])
            _, candidates, _ = write_variants(
                card, fmt, generator, options, names, raw["brand"], embed
            )
            passing = list(dict.fromkeys(c.cleaned for c in candidates if c.check.ok))
            if not references or len(passing) < 2:
                continue
            subject = f"{card.title} {subject_of(card.facts)}"
            ranked, _ = score_candidates(
                [Candidate(t, "") for t in passing], subject, fmt, embed, generator.likelihood
            )
            similarity = [max(r) for r in cosine_matrix(embed, passing, references)]
            as_candidates = [Candidate(t, "") for t in references]
            scored_references, _ = score_candidates(
                as_candidates, subject, fmt, embed, generator.likelihood
            )
            rows.append(
                {
                    "card": raw["id"],
                    "position": number,
                    "format": fmt,
                    "candidates": [
                        {"text": r.text, "parts": r.parts, "to_references": round(s, 4)}
                        for r, s in zip(ranked, similarity, strict=True)
                    ],
                    "references": [r.parts for r in scored_references],
                }
            )
        print(f"  card {number + 1}/{len(cards)}", flush=True)
    return rows


def first_pick_win(row: dict, weights: dict[str, float]) -> float:
    """Chance the first pick under ``weights`` beats a random other passing candidate."""
    from analysis.suggestions.ranker import combine, doubted

    pool = row["candidates"]
    scores = [combine(c["parts"], row["format"], weights) for c in pool]
    first = max(
        range(len(pool)),
        key=lambda i: (
            not doubted(scores[i], pool[i]["parts"]["on_topic"], row["format"]),
            scores[i],
            -i,
        ),
    )
    mine = pool[first]["to_references"]
    others = [c["to_references"] for i, c in enumerate(pool) if i != first]
    return statistics.fmean(1.0 if mine > o else 0.5 if mine == o else 0.0 for o in others)


def win_rate(rows: list[dict], weights: dict[str, float]) -> float:
    return round(statistics.fmean(first_pick_win(r, weights) for r in rows), 3)


def needs_edit_figures(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Per format: the 10th percentile of the references' own score (the needs-edit line:
    nine in ten texts a marketer approved clear it) and the shares marked needs edit."""
    from analysis.suggestions.ranker import NEEDS_EDIT_SCORE, combine, doubted

    out = {}
    for fmt in CARD_FORMATS:
        mine = [r for r in rows if r["format"] == fmt]
        references = sorted(combine(p, fmt) for r in mine for p in r.get("references", []))
        candidates = [c["parts"] for r in mine for c in r["candidates"]]
        if not references:
            continue

        def doubted_share(parts: list[dict], fmt: str = fmt) -> float:
            marked = [doubted(combine(p, fmt), p["on_topic"], fmt) for p in parts]
            return round(sum(marked) / len(marked), 3) if marked else 0.0

        out[fmt] = {
            "references_p10_score": round(references[len(references) // 10], 3),
            "needs_edit_score": NEEDS_EDIT_SCORE.get(fmt, 0.45),
            "references_marked": doubted_share([p for r in mine for p in r["references"]]),
            "candidates_marked": doubted_share(candidates),
        }
    return out


def weight_grid(step: float = 0.05) -> list[dict[str, float]]:
    ticks = [round(i * step, 2) for i in range(int(round(1 / step)) + 1)]
    return [
        {"on_topic": a, "fluency": b, "length": round(1 - a - b, 2)}
        for a, b in itertools.product(ticks, ticks)
        if a + b <= 1.0 + 1e-9
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="Every Nth card (a spread subset).")
    parser.add_argument("--features", type=Path, default=Path("/tmp/ranker_features.json"))
    parser.add_argument("--remeasure", action="store_true", help="Ignore saved features.")
    args = parser.parse_args()
    from analysis.suggestions.ranker import CARD_WEIGHTS as WEIGHTS

    started = time.perf_counter()
    if args.features.exists() and not args.remeasure:
        saved = json.loads(args.features.read_text(encoding="utf-8"))
        rows, measure_seconds = saved["rows"], saved["seconds"]
    else:
        cards, _, _ = load_set()
        rows = measure(cards[:: args.every])
        measure_seconds = round(time.perf_counter() - started, 1)
        saved = {"rows": rows, "seconds": measure_seconds}
        args.features.write_text(json.dumps(saved), encoding="utf-8")
    calibration = [r for r in rows if r["position"] % 2 == 0]
    held_out = [r for r in rows if r["position"] % 2 == 1]
    grid = weight_grid()

    def best_on(half: list[dict]) -> dict[str, float]:
        return max(grid, key=lambda w: (win_rate(half, w), w["on_topic"]))

    best = best_on(calibration)
    swapped = best_on(held_out)  # the other fold: calibrate on the odd half, test on the even
    alone = {
        part: {k: float(k == part) for k in ("on_topic", "fluency", "length")}
        for part in ("on_topic", "fluency", "length")
    }

    def halves(weights: dict[str, float]) -> dict[str, float]:
        return {
            "calibration": win_rate(calibration, weights),
            "held_out": win_rate(held_out, weights),
        }

    result: dict[str, Any] = {
        "card_formats": {"calibration": len(calibration), "held_out": len(held_out)},
        "candidates_per_card_format": round(
            statistics.fmean(len(r["candidates"]) for r in rows), 1
        ),
        "random_pick": 0.5,
        "shipped_weights": dict(WEIGHTS),
        "best_on_calibration": best,
        "best_on_held_out_half": swapped,
        "first_pick_beats_random": {
            "shipped": halves(WEIGHTS),
            "best_on_calibration": halves(best),
            **{f"{part}_alone": halves(w) for part, w in alone.items()},
            "two_fold": {
                "even_to_odd": win_rate(held_out, best),
                "odd_to_even": win_rate(calibration, swapped),
                "mean": round((win_rate(held_out, best) + win_rate(calibration, swapped)) / 2, 3),
            },
        },
        "by_format_held_out_shipped": {
            fmt: win_rate([r for r in held_out if r["format"] == fmt], WEIGHTS)
            for fmt in CARD_FORMATS
            if any(r["format"] == fmt for r in held_out)
        },
        "needs_edit": needs_edit_figures(rows),
        "target": 0.65,
        "measure_seconds": measure_seconds,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
