"""The demo data as the CSV files ``brandpulse sample`` writes: reviews in three sources'
date formats, social posts with reposts and rows exported twice, campaigns, and the
ground truth that only tests read.

This module writes its own input files with ``csv.writer``: they are the generator's
output, not an export for users (those go through ``loaders.safe_text``).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from loaders.demo_data.documents import Doc, generate
from loaders.demo_data.scenario import (
    CAMPAIGNS,
    CAMPAIGNS_FILE,
    DEFAULT_SEED,
    DOCUMENT_FILES,
    PLATFORMS,
    REVIEW_SOURCES,
    SUBREDDITS,
    TRUTH_FILE,
)
from loaders.demo_data.vocabulary import FIRST, LAST, REVIEW_TITLES, THEME_TITLES

REVIEW_HEADER = [
    "review_id",
    "source",
    "brand",
    "product",
    "date",
    "rating",
    "title",
    "review",
    "author",
    "language",
]
SOCIAL_HEADER = [
    "post_id",
    "platform",
    "author",
    "created_utc",
    "text",
    "likes",
    "shares",
    "replies",
    "url",
    "channel",
    "brand",
    "lang",
]
CAMPAIGN_HEADER = [
    "name",
    "brand",
    "start",
    "end",
    "channels",
    "hashtags",
    "utm_campaign",
    "keywords",
    "budget",
]
TRUTH_HEADER = ["doc_id", "kind", "brand", "theme", "sentiment", "planted", "language"]

# A few rows any real export has: an empty text, a rating of 0, a garbled date; each is
# inserted at the given position of reviews.csv.
BROKEN_REVIEWS = [
    (
        100,
        [
            "R990001",
            "trustpilot",
            "Tidewell",
            "Tidewell Trail Bottle",
            "2025-09-02T10:00:00Z",
            5,
            "Great",
            "",
            "Anon",
            "en",
        ],
    ),
    (
        500,
        [
            "R990002",
            "google",
            "Pinecup",
            "Pinecup Classic Mug",
            "09/30/2025 14:20",
            0,
            "",
            "Nice mug but the rating widget broke",
            "Sam K.",
            "en",
        ],
    ),
    (
        900,
        [
            "R990003",
            "amazon",
            "Glacio",
            "Glacio Peak Bottle",
            "last tuesday",
            4,
            "Good",
            "Solid bottle, a bit heavy.",
            "Lena P.",
            "en",
        ],
    ),
]


def _rating(rng: random.Random, sentiment: str) -> int:
    # All three choices are drawn on every call (a dict of values): the committed sample
    # depends on that sequence of draws.
    return {
        "positive": rng.choice([4, 5, 5, 5]),
        "negative": rng.choice([1, 1, 2, 2, 3]),
        "neutral": rng.choice([3, 3, 4]),
    }[sentiment]


def _title(rng: random.Random, sentiment: str, theme: str) -> str:
    return rng.choice(THEME_TITLES.get(theme, REVIEW_TITLES[sentiment]))


def _truth_row(doc: Doc) -> tuple:
    return (
        doc.doc_id,
        doc.kind,
        doc.brand,
        doc.theme,
        doc.sentiment,
        int(doc.planted),
        doc.language,
    )


def _review_row(rng: random.Random, doc: Doc) -> list:
    """One reviews.csv row; each source writes its dates in its own format."""
    source = rng.choices(list(REVIEW_SOURCES), weights=list(REVIEW_SOURCES.values()))[0]
    stamp = {
        "amazon": doc.created_at.strftime("%B %d, %Y"),
        "trustpilot": doc.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "google": doc.created_at.strftime("%m/%d/%Y %H:%M"),
    }[source]
    return [
        doc.doc_id,
        source,
        doc.brand,
        doc.product,
        stamp,
        _rating(rng, doc.sentiment),
        _title(rng, doc.sentiment, doc.theme),
        doc.text,
        f"{rng.choice(FIRST).title()} {rng.choice('ABCDEFGHJKLMNPRSTW')}.",
        doc.language,
    ]


def _post_url(rng: random.Random, doc: Doc) -> str:
    """The link a post carries, if any: the campaign's tracked link or a product page."""
    if doc.theme == "refill_rewards" and rng.random() < 0.3:
        return "https://tidewell.example/refill?utm_source=instagram&utm_campaign=refill_rewards"
    if rng.random() < 0.05:
        return f"https://tidewell.example/products/{doc.product.split(' ', 1)[1].lower().replace(' ', '-')}"
    return ""


def _social_row(rng: random.Random, doc: Doc) -> list:
    """One social_posts.csv row; likes follow a long-tailed (Pareto) distribution."""
    platform = rng.choices(list(PLATFORMS), weights=list(PLATFORMS.values()))[0]
    text = doc.text
    url = _post_url(rng, doc)
    if url and rng.random() < 0.5:
        text = f"{text} {url}"
    likes = int(rng.paretovariate(1.6) * 3) - 3
    return [
        doc.doc_id,
        platform,
        f"{rng.choice(FIRST)}{rng.choice(LAST)}",
        int(doc.created_at.timestamp()),
        text,
        likes,
        max(0, likes // 4 - rng.randrange(3)),
        max(0, likes // 6),
        url,
        rng.choice(SUBREDDITS) if platform == "reddit" else "",
        doc.brand,
        doc.language,
    ]


def _add_reposts_and_double_exports(
    rng: random.Random, social_rows: list[list], truth_rows: list[tuple]
) -> None:
    """Real exports carry reposts (new id, later time, same words) and rows exported twice.
    Reposts get a ground-truth row of their own; ``social_rows`` ends up in time order."""
    reposts = [row for row in social_rows if row[5] > 20 and rng.random() < 0.25]
    truth_by_id = {t[0]: t for t in truth_rows}
    for index, row in enumerate(reposts, start=1):
        repost = list(row)
        repost[0] = f"S9{index:05d}"
        repost[2] = f"{rng.choice(FIRST)}{rng.choice(LAST)}"
        repost[3] = row[3] + rng.randrange(600, 86400)
        repost[4] = f"RT @{row[2]}: {row[4]}" if row[1] == "twitter" else row[4]
        repost[5] = rng.randrange(0, 5)
        social_rows.append(repost)
        truth = truth_by_id[row[0]]
        truth_rows.append((repost[0], *truth[1:]))
    social_rows.sort(key=lambda r: (r[3], r[0]))
    for row in rng.sample(social_rows, 40):
        social_rows.insert(social_rows.index(row) + 1, list(row))  # exported twice


def _write_csv(path: Path, header: list[str], rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def write_sample(
    folder: Path, seed: int = DEFAULT_SEED, reviews: int = 3000, social: int = 6000
) -> dict[Path, int]:
    """Write reviews, social posts, campaigns and ground truth CSVs to ``folder``.

    ``reviews`` and ``social`` scale the everyday talk (benchmarks use 100,000 documents);
    the planted signals keep their sizes. Returns each file written and its row count.
    """
    rng = random.Random(seed + 1)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    docs = generate(seed, reviews=reviews, social=social)

    review_rows, social_rows, truth_rows = [], [], []
    for doc in docs:
        truth_rows.append(_truth_row(doc))
        if doc.kind == "review":
            review_rows.append(_review_row(rng, doc))
        else:
            social_rows.append(_social_row(rng, doc))
    _add_reposts_and_double_exports(rng, social_rows, truth_rows)
    for position, row in BROKEN_REVIEWS:
        review_rows.insert(position, list(row))

    files = {
        "reviews.csv": (REVIEW_HEADER, review_rows),
        "social_posts.csv": (SOCIAL_HEADER, social_rows),
        CAMPAIGNS_FILE: (CAMPAIGN_HEADER, CAMPAIGNS),
        TRUTH_FILE: (TRUTH_HEADER, truth_rows),
    }
    written: dict[Path, int] = {}
    for name, (header, rows) in files.items():
        path = folder / name
        _write_csv(path, header, rows)
        written[path] = len(rows)
    return written


def ensure_sample(folder: Path) -> Path:
    """``folder`` with the demo files in it, generated (default seed) when any is missing:
    an installed Brandpulse has no checkout whose ``sample_data/`` it could read."""
    folder = Path(folder)
    wanted = [*DOCUMENT_FILES, CAMPAIGNS_FILE]
    if not all((folder / name).is_file() for name in wanted):
        write_sample(folder)
    return folder
