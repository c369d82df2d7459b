"""Campaign impact on simulated campaigns with known effects: interval coverage, bias of the
raw before/during change against the controlled estimate, and power.

The simulator (tests/analysis/campaigns/simulate.py) generates daily posts for 5 brands with
a common market shock of -0.3 in net sentiment lasting 10 days inside the campaign (a
delivery-delay wave that hits everyone), brand noise that comes in runs, and one brand's
campaign of 3 weeks after 8 weeks with a known effect. The raw change is the peer: what a
before/after chart says.

    .venv/bin/python benchmarks/eval_campaign_simulation.py [--runs 100] [--seed 20]

Writes benchmarks/results/eval_campaign_simulation.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "eval_campaign_simulation.json"
EFFECTS = (0.0, 0.1, -0.1, 0.2)


def main() -> None:
    from analysis.campaigns.impact import assess
    from tests.analysis.campaigns.simulate import raw_change, simulate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100, help="campaigns per true effect")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    by_effect: dict[float, dict[str, list]] = {e: {} for e in EFFECTS}
    for effect in EFFECTS:
        figures = by_effect[effect]
        for _ in range(args.runs):
            world = simulate(rng, effect)
            impact = assess(world.brand, world.controls, world.during, "the other brands")
            e = impact.net.estimate
            figures.setdefault("controlled", []).append(e.effect)
            figures.setdefault("covered", []).append(e.low <= effect <= e.high)
            figures.setdefault("raw", []).append(raw_change(world))
            figures.setdefault("verdict", []).append(impact.verdict)
            if impact.synthetic is not None:
                figures.setdefault("synthetic", []).append(impact.synthetic.effect)
    seconds = time.perf_counter() - started
    summary = {}
    for effect, figures in by_effect.items():
        wanted = "lifted" if effect > 0 else "backfired" if effect < 0 else "no clear effect"
        summary[str(effect)] = {
            "coverage": round(float(np.mean(figures["covered"])), 3),
            "controlled_bias": round(float(np.mean(figures["controlled"])) - effect, 4),
            "raw_bias": round(float(np.mean(figures["raw"])) - effect, 4),
            "synthetic_bias": round(float(np.mean(figures["synthetic"])) - effect, 4),
            "right_verdict": round(figures["verdict"].count(wanted) / args.runs, 3),
            "cannot_tell": round(figures["verdict"].count("cannot tell") / args.runs, 3),
        }
    coverage = float(np.mean([c for f in by_effect.values() for c in f["covered"]]))
    result = {
        "campaigns": args.runs * len(EFFECTS),
        "seed": args.seed,
        "coverage_of_95_interval": round(coverage, 3),
        "by_true_effect": summary,
        "seconds": round(seconds, 1),
    }
    print(f"{result['campaigns']} simulated campaigns in {seconds:.0f} s")
    print(f"95% interval covers the true effect in {coverage:.1%} (target 90-98%)")
    for effect, row in summary.items():
        print(
            f"  true {float(effect):+.1f}: raw bias {row['raw_bias']:+.3f}, controlled bias "
            f"{row['controlled_bias']:+.3f}, synthetic {row['synthetic_bias']:+.3f}; "
            f"right verdict {row['right_verdict']:.0%}, cannot tell {row['cannot_tell']:.0%}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
