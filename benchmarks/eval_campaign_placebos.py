"""Campaign impact on real data where no campaign ran: how often does each method cry wolf?

A real review export (../shared/data/reviews_datafiniti_amazon.csv: Amazon device reviews,
2016-2018, with their star ratings) holds no campaigns we know of. Each product is a "brand";
fake campaigns of 2 to 4 weeks are placed at random on products and dates with enough
reviews. The true effect of a fake campaign is zero, so every "lifted" or "backfired"
verdict is a false alarm. Sentiment is the reviewer's own stars (1-2 negative, 3 neutral,
4-5 positive): human labels, no model in between.

Compared in the same run:
* raw: the before/during change of the product's own net sentiment with the interval that
  treats every review as independent (what a before/after chart, and Brandpulse before
  issue 20, says);
* controlled: difference in differences against the other products (analysis.campaigns.impact).

A sound method raises about 5% false alarms at 95%; seasons, launches and Christmas gifts
move real products together, and the raw change counts all of that as the campaign.

    .venv/bin/python benchmarks/eval_campaign_placebos.py [--data PATH] [--campaigns 300]

Writes benchmarks/results/eval_campaign_placebos.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "reviews_datafiniti_amazon.csv"
RESULTS = ROOT / "benchmarks" / "results" / "eval_campaign_placebos.json"


def daily_counts(path: Path) -> pd.DataFrame:
    """Reviews per product and day: documents, labels from stars, ratings."""
    frame = pd.read_csv(path)
    frame["day"] = (
        pd.to_datetime(frame["reviews.date"], errors="coerce", utc=True)
        .dt.tz_localize(None)
        .dt.normalize()
    )
    frame = frame.dropna(subset=["day", "reviews.rating"])
    stars = frame["reviews.rating"].astype(float)
    frame["positive"] = (stars >= 4).astype(int)
    frame["negative"] = (stars <= 2).astype(int)
    frame["unit"] = frame["asins"].astype(str)
    return (
        frame.groupby(["unit", "day"])
        .agg(
            documents=("unit", "size"),
            positive=("positive", "sum"),
            negative=("negative", "sum"),
            rating_sum=("reviews.rating", "sum"),
        )
        .reset_index()
    )


def series(frame: pd.DataFrame, days: pd.DatetimeIndex):
    from analysis.campaigns.impact import Series

    numbers = ["documents", "positive", "negative", "rating_sum"]
    daily = frame.set_index("day")[numbers].reindex(days, fill_value=0)
    documents = daily["documents"].to_numpy(float)
    return Series(
        documents,
        documents,  # every review has stars: every one is labelled
        daily["positive"].to_numpy(float),
        daily["negative"].to_numpy(float),
        documents,
        daily["rating_sum"].to_numpy(float),
    )


def main() -> None:
    from analysis.campaigns.impact import MIN_POSTS, PRE_DAYS_MIN, assess
    from analysis.campaigns.results import Sentiment, net_difference

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--campaigns", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"{args.data} not found: the real review export lives in ../shared/data/.")
    counts = daily_counts(args.data)
    units = {u: f for u, f in counts.groupby("unit") if f["documents"].sum() >= 100}
    rng = np.random.default_rng(args.seed)
    first, last = counts["day"].min(), counts["day"].max()
    raw_alarms = controlled_alarms = cannot = tried = 0
    volume_raw_alarms = volume_alarms = 0
    rows = []
    while len(rows) < args.campaigns and tried < 50 * args.campaigns:
        tried += 1
        unit = rng.choice(sorted(units))
        length = int(rng.integers(14, 29))
        start = first + timedelta(
            days=int(rng.integers(PRE_DAYS_MIN, (last - first).days - length))
        )
        end = start + timedelta(days=length - 1)
        days = pd.date_range(start - timedelta(days=PRE_DAYS_MIN), end, freq="D")
        during = np.asarray(days >= start)
        brand = series(units[unit], days)
        if min(brand.labeled[during].sum(), brand.labeled[~during].sum()) < MIN_POSTS:
            continue  # too few reviews: Brandpulse says "cannot tell", nothing to compare
        controls = {u: series(f, days) for u, f in units.items() if u != unit}
        impact = assess(brand, controls, during, "the other products")
        own = {
            phase: Sentiment(
                int(brand.documents[m].sum()),
                int(brand.labeled[m].sum()),
                int(brand.positive[m].sum()),
                int(brand.negative[m].sum()),
            )
            for phase, m in (("before", ~during), ("during", during))
        }
        raw = net_difference(own["during"], own["before"])
        raw_alarm = raw is not None and (raw[1] > 0 or raw[2] < 0)
        controlled_alarm = impact.verdict in ("lifted", "backfired")
        raw_alarms += raw_alarm
        controlled_alarms += controlled_alarm
        cannot += impact.verdict == "cannot tell"
        # Volume: reviews a day during against before (a rate ratio, Poisson counts) and
        # the same beyond the other products.
        n_during, n_before = own["during"].documents, own["before"].documents
        log_ratio = np.log((n_during / during.sum()) / (n_before / (~during).sum()))
        spread = 1.96 * np.sqrt(1 / n_during + 1 / n_before)
        volume_raw_alarms += abs(log_ratio) > spread
        volume = impact.volume
        volume_alarms += volume is not None and (
            volume.estimate.low > 0 or volume.estimate.high < 0
        )
        rows.append(
            {
                "unit": unit,
                "start": str(start.date()),
                "days": length,
                "raw": None if raw is None else round(raw[0], 3),
                "raw_alarm": raw_alarm,
                "verdict": impact.verdict,
                "effect": None if impact.net is None else round(impact.net.estimate.effect, 3),
            }
        )
    n = len(rows)
    measured = n - cannot
    result = {
        "data": str(args.data.name),
        "products": len(units),
        "fake_campaigns": n,
        "raw_false_alarm_rate": round(raw_alarms / n, 3),
        "controlled_false_alarm_rate": round(controlled_alarms / n, 3),
        "controlled_false_alarm_rate_when_measured": round(controlled_alarms / measured, 3)
        if measured
        else None,
        "controlled_cannot_tell": cannot,
        "ratio_raw_over_controlled": round(raw_alarms / max(controlled_alarms, 1), 1),
        "volume_raw_false_alarm_rate": round(volume_raw_alarms / n, 3),
        "volume_controlled_false_alarm_rate": round(volume_alarms / n, 3),
        "seed": args.seed,
        "campaigns": rows,
    }
    print(
        f"{n} fake campaigns on {len(units)} real products (no true effect):\n"
        f"  raw before/during change: {raw_alarms} false alarms ({raw_alarms / n:.1%})\n"
        f"  controlled (difference in differences): {controlled_alarms} ({controlled_alarms / n:.1%}; "
        f"{cannot} cannot tell)\n"
        f"  ratio raw / controlled: {result['ratio_raw_over_controlled']}x  (a sound 95% test: about 5%)\n"
        f"  volume: raw {volume_raw_alarms / n:.1%} false alarms, controlled {volume_alarms / n:.1%}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
