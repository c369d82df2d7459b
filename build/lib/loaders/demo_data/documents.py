"""The demo documents themselves: everyday talk about the three brands plus the planted
signals, each with the theme and sentiment it was written for.

Every draw comes from one seeded ``random.Random``; the order of the draws below is what
makes the committed sample reproducible, so keep it when changing this module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from loaders.demo_data.scenario import (
    BASE_MIX,
    BRAND_WEIGHTS,
    BRANDS,
    CAMPAIGN_OF,
    DEFAULT_SEED,
    EVERYDAY,
    PLANTED_BRAND,
    PLANTED_COUNTS,
    START,
    WEEKS,
    planted_days,
)
from loaders.demo_data.texts import TextWriter
from loaders.demo_data.vocabulary import NON_ENGLISH, NON_ENGLISH_SENTIMENT, SENTENCES


@dataclass
class Doc:
    doc_id: str
    kind: str
    brand: str
    product: str
    created_at: datetime
    text: str
    theme: str
    sentiment: str
    planted: bool
    language: str = "en"
    campaign: str = ""


class _DocumentMaker:
    """Collects documents, numbering reviews (R000001...) and social posts (S000001...)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.writer = TextWriter(rng)
        self.docs: list[Doc] = []
        self.counter = {"review": 0, "social": 0}

    def product(self, brand: str, theme: str, sentiment: str) -> str:
        # The planted defect and outage are about one product each.
        if theme == "lid_leak":
            return "Trail Bottle"
        if theme == "glacio_outage" and sentiment == "negative":
            return "Smart Cup"
        return self.rng.choice(BRANDS[brand])

    def add(
        self, kind: str, brand: str, theme: str, sentiment: str, day: date, planted: bool
    ) -> None:
        rng = self.rng
        product = self.product(brand, theme, sentiment)
        language = "en"
        # A few everyday documents are in another language; planted ones never are.
        if not planted and rng.random() < 0.015:
            language = rng.choice(list(NON_ENGLISH))
            text = self.writer.fill(rng.choice(NON_ENGLISH[language]), brand, product)
            sentiment = next(
                (s for word, s in NON_ENGLISH_SENTIMENT.items() if word in text), "negative"
            )
            theme = "other_language"
        else:
            text = self.writer.compose(theme, sentiment, brand, product, social=kind == "social")
        self.counter[kind] += 1
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(6 * 3600, 23 * 3600)
        )
        prefix = "R" if kind == "review" else "S"
        self.docs.append(
            Doc(
                f"{prefix}{self.counter[kind]:06d}",
                kind,
                brand,
                f"{brand} {product}",
                moment,
                text,
                theme,
                sentiment,
                planted,
                language,
                CAMPAIGN_OF.get(theme, ""),
            )
        )


def _add_everyday_talk(maker: _DocumentMaker, reviews: int, social: int) -> None:
    """Questions, announcements and opinions on everyday themes, spread over all weeks
    (weekends a little busier); the planted documents are subtracted from the totals."""
    rng = maker.rng
    planted_reviews = sum(r for r, _ in PLANTED_COUNTS.values())
    planted_social = sum(s for _, s in PLANTED_COUNTS.values())
    days = [START + timedelta(days=i) for i in range(WEEKS * 7)]
    for kind, total in (("review", reviews - planted_reviews), ("social", social - planted_social)):
        weights = [1.0 + 0.25 * (d.weekday() >= 5) for d in days]
        for day in rng.choices(days, weights=weights, k=total):
            brand = rng.choices(list(BRAND_WEIGHTS), weights=list(BRAND_WEIGHTS.values()))[0]
            roll = rng.random()
            if roll < 0.06:
                maker.add(kind, brand, "question", "neutral", day, False)
            elif roll < 0.11:
                maker.add(kind, brand, "announcement", "neutral", day, False)
            else:
                positive, neutral, _ = BASE_MIX[brand]
                sentiment = "positive" if rng.random() < positive / (1 - neutral) else "negative"
                maker.add(kind, brand, rng.choice(EVERYDAY), sentiment, day, False)


def _add_planted_signals(maker: _DocumentMaker) -> None:
    """The planted themes, each on its own days at its fixed size."""
    rng = maker.rng
    for theme, (n_reviews, n_social) in PLANTED_COUNTS.items():
        sentiments = list(SENTENCES[theme])
        # The outage is overwhelmingly negative; the other themes use all their sentiments.
        weights = [0.25 if s == "positive" and theme == "glacio_outage" else 1 for s in sentiments]
        for kind, count in (("review", n_reviews), ("social", n_social)):
            for _ in range(count):
                sentiment = rng.choices(sentiments, weights=weights)[0]
                day = rng.choice(planted_days(theme))
                maker.add(kind, PLANTED_BRAND[theme], theme, sentiment, day, True)


def generate(seed: int = DEFAULT_SEED, reviews: int = 3000, social: int = 6000) -> list[Doc]:
    """All documents, in time order; ``reviews``/``social`` are approximate totals."""
    maker = _DocumentMaker(random.Random(seed))
    _add_everyday_talk(maker, reviews, social)
    _add_planted_signals(maker)
    maker.docs.sort(key=lambda d: (d.created_at, d.doc_id))
    return maker.docs
