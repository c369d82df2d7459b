"""Does the brand-voice adapter learn a voice, and does it keep the copy passing the checks?

The data (``tests/fixtures/brand_voice/``) was written for this benchmark: 50 approved texts
in one distinctive voice of a fictional drinkware brand, Fizzkit (readers are "crew", short
punchy sentences, "chill"/"fizz"/"sip", signed "- the Fizzkit crew"), each with the insight
card it was approved for; and 15 held-out approved texts on other cards. In one run, with
the real offline model (SmolLM2-135M-Instruct, ``make_generator(Settings())``):

* the adapter is tuned on the 50 (``tune_adapter``, default hyper-parameters, adapters kept
  in a temporary folder so the user's active adapter is untouched);
* for each held-out card the base and the tuned generator write social posts from the
  product's free prompt (two seeds each): mean MiniLM cosine to the card's approved text,
  and the share using the voice's markers ("crew", the sign-off);
* the pass rate of the automatic checks (``write_variants``, default options: the plan
  strategy, eight candidates a card) on the held-out cards, base vs tuned: the same
  evaluation ``tune_adapter`` uses to decide activation.

    .venv/bin/python benchmarks/eval_adapter.py [--epochs N] [--cards N] [--check-cards N]

Writes benchmarks/results/eval_adapter.json (10 outputs of each generator verbatim).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "fixtures" / "brand_voice"
RESULTS = ROOT / "benchmarks" / "results" / "eval_adapter.json"
sys.path.insert(0, str(ROOT))

BRAND = "Fizzkit"
SIGN_OFF = "the fizzkit crew"
SEEDS = (0, 1)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load(name: str) -> list[dict[str, Any]]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def known_names(rows: list[dict[str, Any]]) -> list[str]:
    names = {BRAND}
    for row in rows:
        for key in ("campaign", "product"):
            if key in row["facts"]:
                names.add(row["facts"][key])
    return sorted(names)


def free_outputs(generator: Any, cards: list[Any]) -> list[dict[str, Any]]:
    """Social posts from the free strategy's prompt: the adapter's training mapping."""
    from analysis.suggestions.generators import GenerationOptions
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.prompts import build_prompt

    outputs = []
    for index, card in enumerate(cards):
        system, prompt = build_prompt(card, "social_post", SuggestOptions(), BRAND)
        for seed in SEEDS:
            options = GenerationOptions(max_new_tokens=70, temperature=0.7, seed=seed)
            text = generator.generate(system, prompt, options).strip()
            outputs.append({"card": index, "seed": seed, "text": text})
    return outputs


def voice_figures(outputs: list[dict], references: list[str], embed: Any) -> dict[str, float]:
    texts = [o["text"] or "(empty)" for o in outputs]
    vectors = embed(texts)
    refs = embed(references)
    cosines = [
        sum(a * b for a, b in zip(vector, refs[o["card"]], strict=True))
        for vector, o in zip(vectors, outputs, strict=True)
    ]
    lower = [t.lower() for t in texts]
    return {
        "mean_cosine_to_approved": round(statistics.fmean(cosines), 4),
        "share_says_crew": round(sum("crew" in t for t in lower) / len(lower), 3),
        "share_signed_off": round(sum(SIGN_OFF in t for t in lower) / len(lower), 3),
        "mean_words": round(statistics.fmean(len(t.split()) for t in texts), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--cards", type=int, default=15, help="held-out cards evaluated")
    parser.add_argument(
        "--check-cards", type=int, default=15, help="of those, the ones the checks run on"
    )
    args = parser.parse_args()

    from analysis.insight.cards import Card
    from analysis.suggestions.adapter import TrainingText, TuneOptions, tune_adapter
    from analysis.suggestions.generators import LocalCausalLMGenerator, make_generator
    from analysis.suggestions.planned import copy_embedder
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.writer import write_variants
    from loaders.config import Settings

    approved, heldout = load("approved.json"), load("heldout.json")[: args.cards]
    texts = [
        TrainingText("suggestion", r["text"], r["format"], r["kind"], r["title"], r["facts"])
        for r in approved
    ]
    cards = [Card(r["kind"], r["title"], 0.0, r["facts"]) for r in heldout]
    names = known_names(approved + heldout)
    base = make_generator(replace(Settings(), generator_adapter="off"))
    assert isinstance(base, LocalCausalLMGenerator), "the benchmark needs the offline model"
    embed = copy_embedder()

    references = [r["text"] for r in heldout]
    checks: dict[str, dict[str, Any]] = {}
    voice: dict[str, dict[str, Any]] = {}
    verbatim: dict[str, list[str]] = {}
    options = SuggestOptions(formats=("social_post",), seed=7)

    def evaluate(generator: LocalCausalLMGenerator) -> float:
        # The voice first (the free prompt the adapter learnt), then the checks' pass rate.
        which = "tuned" if generator.adapter is not None else "base"
        log(f"free-prompt posts: {which}")
        started = time.perf_counter()
        outputs = free_outputs(generator, cards)
        voice[which] = voice_figures(outputs, references, embed)
        voice[which]["seconds"] = round(time.perf_counter() - started, 1)
        verbatim[which] = [o["text"] for o in outputs if o["seed"] == 0][:10]
        log(f"voice {which}: {voice[which]}")
        log(f"checks: {which} on {len(cards[: args.check_cards])} cards")
        started = time.perf_counter()
        passed = total = 0
        shown = []
        for card in cards[: args.check_cards]:
            variants, raw, _note = write_variants(
                card, "social_post", generator, options, names, BRAND, embed
            )
            total += len(raw)
            passed += sum(1 for r in raw if r.check.ok)
            shown.extend(v.text for v in variants[:1])
        rate = passed / total if total else 0.0
        checks[which] = {
            "pass_rate": round(rate, 4),
            "candidates": total,
            "seconds": round(time.perf_counter() - started, 1),
            "first_shown": shown[:10],
        }
        log(f"checks {which}: {checks[which]['pass_rate']}")
        return rate

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % 25 == 0:
            log(f"{stage} {done}/{total}")

    # Adapters live apart from the user's (so nothing of theirs is activated), in a folder
    # kept between runs: a rerun reuses the trained adapter through the hash cache.
    folder = Path(tempfile.gettempdir()) / "brandpulse-eval-adapter"
    (folder / "adapters" / "active.json").unlink(missing_ok=True)  # evaluate afresh
    settings = replace(Settings(), model_dir=folder)
    log(f"tuning on {len(texts)} texts, {args.epochs} epochs")
    result = tune_adapter(
        settings,
        texts,
        base,
        progress,
        evaluate,
        tune=TuneOptions(epochs=args.epochs),
        brand=BRAND,
        names=names,
        eval_cards=cards,
    )
    log(f"trained in {result.seconds:.0f} s; {result.reason}")
    report = {
        "model": base.name,
        "training": {
            "texts": result.texts,
            "epochs": args.epochs,
            "options": vars(TuneOptions(epochs=args.epochs)),
            "seconds": round(result.seconds or _trained_seconds(result.path), 1),
            "reused": not result.trained,
            "final_loss": result.final_loss,
        },
        "heldout_cards": len(cards),
        "check_cards": len(cards[: args.check_cards]),
        "voice": voice,
        "cosine_ratio_tuned_to_base": round(
            voice["tuned"]["mean_cosine_to_approved"] / voice["base"]["mean_cosine_to_approved"],
            3,
        ),
        "checks": checks,
        "activation": {"activated": result.activated, "reason": result.reason},
        "verbatim_free_prompt": verbatim,
        "heldout_references": references[:10],
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("training", "voice", "checks")}, indent=2))


def _trained_seconds(path: Path) -> float:
    """A reused adapter's training time, from its metadata."""
    metadata = json.loads((path / "brandpulse-adapter.json").read_text(encoding="utf-8"))
    return float(metadata.get("training_seconds", 0.0))


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
