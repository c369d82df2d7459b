"""A tiny stand-in for the Kaggle "Twitter US Airline Sentiment" export: its exact header
and twelve made-up rows (texts, names and ids invented). Three rows have the complaint
reason "Late Flight" (tweet ids 570301031407624196, ...4197, ...4200)."""

from __future__ import annotations

import csv
from pathlib import Path

# The header line exactly as the export has it.
HEADER_LINE = (
    "tweet_id,airline_sentiment,airline_sentiment_confidence,negativereason,"
    "negativereason_confidence,airline,airline_sentiment_gold,name,negativereason_gold,"
    "retweet_count,text,tweet_coord,tweet_created,tweet_location,user_timezone"
)
AIRLINE_HEADER = HEADER_LINE.split(",")

# (id suffix, sentiment, reason, airline, name, text, created)
_ROWS = [
    ("196", "negative", "Late Flight", "United", "jnardino", "@united flight 1142 delayed 3 hours and nobody at the gate knows why", "2015-02-24 11:35:52 -0800"),
    ("197", "negative", "Late Flight", "Delta", "cairdin", "@JetBlue jk @delta sat on the tarmac 90 min, missed my connection", "2015-02-24 11:15:59 -0800"),
    ("198", "positive", "", "Virgin America", "pilot_pam", "@VirginAmerica loved the mood lighting and the crew was great", "2015-02-24 11:14:45 -0800"),
    ("199", "negative", "Customer Service Issue", "United", "meg_travels", "@united on hold for 2 hours, still no answer about my refund", "2015-02-24 10:58:02 -0800"),
    ("200", "negative", "Late Flight", "Southwest", "tomhoops", "@SouthwestAir 4th delay tonight, we are still at gate B12", "2015-02-24 10:41:30 -0800"),
    ("201", "neutral", "", "Delta", "rmk_nyc", "@delta is wifi free on the shuttle to Boston?", "2015-02-24 10:30:00 -0800"),
    ("202", "negative", "Lost Luggage", "US Airways", "sallyv", "@USAirways my bag went to Charlotte, I went to Denver", "2015-02-24 10:12:44 -0800"),
    ("203", "positive", "", "Southwest", "dkline", "@SouthwestAir thanks for the free drink coupons, nice touch", "2015-02-24 09:55:10 -0800"),
    ("204", "negative", "Customer Service Issue", "Virgin America", "kellyjo", "@VirginAmerica the agent hung up on me twice", "2015-02-24 09:40:21 -0800"),
    ("205", "neutral", "", "United", "bw_flyer", "@united what's the bag fee to Houston?", "2015-02-24 09:31:07 -0800"),
    ("206", "positive", "", "US Airways", "aj_mcd", "@USAirways crew in PHL was awesome today", "2015-02-24 09:20:49 -0800"),
    ("207", "negative", "Bad Flight", "Delta", "o_lauren", "@delta seat 22C would not recline and the screen was dead", "2015-02-24 09:02:33 -0800"),
]  # fmt: skip

LATE_FLIGHT_IDS = {"570301031407624196", "570301031407624197", "570301031407624200"}


def airline_rows() -> list[dict[str, str]]:
    """The rows as the CSV reader hands them over (every cell a string, empty when blank)."""
    rows = []
    for suffix, sentiment, reason, airline, name, text, created in _ROWS:
        negative = sentiment == "negative"
        rows.append(
            {
                "tweet_id": f"570301031407624{suffix}",
                "airline_sentiment": sentiment,
                "airline_sentiment_confidence": "1.0" if negative else "0.6837",
                "negativereason": reason,
                "negativereason_confidence": "0.7033" if negative else "",
                "airline": airline,
                "airline_sentiment_gold": "",
                "name": name,
                "negativereason_gold": "",
                "retweet_count": "0" if suffix != "199" else "2",
                "text": text,
                "tweet_coord": "[40.74804263, -73.99295302]" if suffix == "201" else "",
                "tweet_created": created,
                "tweet_location": "NYC" if suffix in ("199", "201") else "",
                "user_timezone": "Eastern Time (US & Canada)"
                if suffix < "203"
                else "Pacific Time (US & Canada)",
            }
        )
    return rows


def write_airline_csv(path: Path, rows: list[dict[str, str]] | None = None) -> Path:
    """Write the export (or ``rows`` of it) to ``path``, quoted as Kaggle's file is."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=AIRLINE_HEADER, quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(airline_rows() if rows is None else rows)
    return path
