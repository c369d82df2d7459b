"""The weekly report's content, gathered from the same analysis functions as the dashboard,
and its renderings: Markdown, self-contained HTML, and PDF (the HTML printed by a
headless Chromium, `analysis.report.pdf`).

The week defaults to the last full ISO week (Monday to Sunday) that has data. The report leads
with one brand (the caller passes "my brand" by default, see loaders.workspace) and sets it
beside its competitors; without a brand it covers all brands together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import duckdb

from analysis.campaigns.results import campaign_table
from analysis.filters import Filters
from analysis.insight.brands import brand_table
from analysis.insight.cards import Card, insight_cards
from analysis.insight.kpis import Kpi, period_kpis, top_movers
from analysis.insight.posts import find_posts
from analysis.insight.trend import sentiment_trend
from analysis.periods import (
    MIN_BASELINE_DAYS,
    Period,
    days_with_data,
    iso_week,
    last_full_week,
    parse_week,
)
from analysis.report.summary import summary_sentences
from analysis.sentiment.shares import SentimentShares, sentiment_shares
from analysis.suggestions.review import Suggestion, list_suggestions
from analysis.topics.spikes import Spike, period_alerts
from analysis.topics.trends import EmergingTopic, theme_table, topic_sentiment
from loaders.dates import shift
from loaders.errors import BrandpulseError, explain

TREND_WEEKS = 12
TOP_TOPICS = 8
TOP_THEMES = 8
TOPICS_PER_THEME = 3
FULL_WEEK_DAYS = 7
# Campaigns shown: those overlapping the week, ended at most this many days before it, or
# starting at most this many days after it.
CAMPAIGNS_ENDED_WITHIN_DAYS = 14
CAMPAIGNS_STARTING_WITHIN_DAYS = 7


@dataclass(frozen=True)
class WeeklyReport:
    week: str  # e.g. 2025-W41
    period: Period
    brand: str | None  # the brand the report leads with; None: all brands together
    kpis: dict[str, Kpi]  # against the week before
    shares: SentimentShares  # the week's shares, corrected for the model's bias when possible
    # Per week: week, posts, net sentiment, negative, days (with data; under 7: a partial week).
    trend: list[dict[str, Any]]
    top_topics: list[dict[str, Any]]  # the week's largest topics with their sentiment
    # The week's largest themes: theme, name, documents, share_negative, share_positive and
    # ``topics``, the names of its largest fine topics that week; [] before themes existed.
    top_themes: list[dict[str, Any]]
    emerging: list[EmergingTopic]
    spikes: list[Spike]
    campaigns: list[dict[str, Any]]  # campaigns running in or near the week
    suggestions: list[Suggestion]  # approved, for this week
    cards: list[Card]  # the top insight cards (shown when nothing is approved)
    negative_posts: list[dict[str, Any]]
    positive_posts: list[dict[str, Any]]
    my_brand: str | None = None  # the marketer's own brand, marked in the competitor table
    # Every brand's figures (analysis.insight.brand_table), the report's brand first.
    brands: list[dict[str, Any]] = field(default_factory=list)
    previous_days: int = FULL_WEEK_DAYS  # days with data in the week before (the report's scope)
    summary: list[str] = field(default_factory=list)  # the plain-words summary, two sentences


def weekly_report(
    con: duckdb.DuckDBPyConnection,
    week: str | date | None = None,
    brand: str | None = None,
    now: datetime | None = None,
    min_labels: int = 100,
    *,
    my_brand: str | None = None,
) -> WeeklyReport:
    """Everything the weekly report shows, for ``week`` (default: the last full week up
    to ``now``) and ``brand`` (None: all brands together); ``min_labels``: setting
    corrected_shares_min_labels; ``my_brand``: the marketer's own brand, marked among the
    competitors (callers pass it as ``brand`` too when no other brand was asked for)."""
    monday = parse_week(week) if week else last_full_week(con, now)
    if monday is None:
        raise BrandpulseError(
            explain(
                "There is nothing to report",
                found="no documents",
                fix="ingest files first (or run `brandpulse demo`).",
            )
        )
    period = Period(monday, shift(monday, 6))
    scope = Filters(brand=brand)
    in_week = replace(scope, start=period.start, end=period.end)
    trend_start = shift(period.end, 1 - 7 * TREND_WEEKS)
    every_topic = sorted(
        (t for t in topic_sentiment(con, in_week) if t["topic"] >= 0),
        key=lambda t: (-t["documents"], t["topic"]),
    )
    alerts = period_alerts(con, period.start, period.end, scope, max_weeks=1)
    # Coverage is the data's, not the brand's: a brand without posts on a day had a quiet day.
    previous_days = days_with_data(con, period.previous())
    brands = _brands_first(brand_table(con, period), brand, my_brand)
    return WeeklyReport(
        week=iso_week(monday),
        period=period,
        brand=brand,
        kpis=period_kpis(con, period, scope),
        shares=sentiment_shares(con, in_week, min_labels=min_labels),
        trend=_trend(con, replace(scope, start=trend_start, end=period.end)),
        top_topics=every_topic[:TOP_TOPICS],
        top_themes=_top_themes(theme_table(con, in_week)[:TOP_THEMES], every_topic),
        emerging=alerts.emerging,
        spikes=alerts.spikes,
        campaigns=_campaigns(con, period, brand),
        suggestions=[
            s
            for s in list_suggestions(con, status="approved", start=period.start, end=period.end)
            if brand is None or s.brand in (None, brand)
        ],
        cards=insight_cards(con, period, own_brand=brand, limit=5),
        negative_posts=find_posts(con, in_week, order="most negative", limit=3),
        positive_posts=find_posts(con, in_week, order="most positive", limit=3),
        my_brand=my_brand,
        brands=brands,
        previous_days=previous_days,
        summary=summary_sentences(
            brand,
            brands,
            _driver(con, period, brand, alerts.spikes, every_topic),
            my_brand,
            thin_baseline=previous_days < MIN_BASELINE_DAYS,
        ),
    )


def _trend(con: duckdb.DuckDBPyConnection, scope: Filters) -> list[dict[str, Any]]:
    """The weekly trend; ``partial`` marks a first or last week cut by the data's first or
    last day (its ``days`` with data of ``bucket_days``), not a drop in posts."""
    return [
        {
            "week": iso_week(row["period"]),
            "posts": row["documents"],
            "net sentiment": (row["positive"] - row["negative"]) / row["labeled"]
            if row["labeled"]
            else None,
            "negative": row["negative"] / row["labeled"] if row["labeled"] else None,
            "days": row["days"],
            "partial": row["partial"],
        }
        for row in sentiment_trend(con, scope)
    ]


def _campaigns(
    con: duckdb.DuckDBPyConnection, period: Period, brand: str | None
) -> list[dict[str, Any]]:
    """The campaigns running in or near the week: overlapping it, ended in the two weeks
    before it, or starting in the week after it."""
    first = shift(period.start, -CAMPAIGNS_ENDED_WITHIN_DAYS)
    last = shift(period.end, CAMPAIGNS_STARTING_WITHIN_DAYS)
    return [
        c
        for c in campaign_table(con)
        if c["start"] <= last
        and c["end"] >= first
        and (brand is None or c["brand"] in (None, brand))
    ]


def _brands_first(
    rows: list[dict[str, Any]], brand: str | None, my_brand: str | None
) -> list[dict[str, Any]]:
    """The brand table with the report's brand first, then my brand, then the rest by size."""
    lead = [b for b in (brand, my_brand) if b]
    return sorted(rows, key=lambda r: lead.index(r["brand"]) if r["brand"] in lead else len(lead))


def _driver(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    brand: str | None,
    spikes: list[Spike],
    topics: list[dict[str, Any]],
) -> str | None:
    """What drove the week's negative posts, in words: the top topic of its negative (else
    volume) spike, else its largest negative topic; "on the <product>" when one product has
    most of that topic's negative posts that name a product, and a quarter of all of them."""
    ranked = sorted(spikes, key=lambda s: s.metric != "negative_share")
    rising = [d for s in ranked for d in s.drivers if d.change > 0 and d.topic >= 0]
    if rising:
        topic, name = rising[0].topic, rising[0].name
    else:
        negative = [t for t in topics if (t.get("negative") or 0) > 0]
        if not negative:
            return None
        largest = max(negative, key=lambda t: (t["negative"], -t["topic"]))
        topic, name = largest["topic"], str(largest["label"])
    negatives = Filters(brand=brand, topic=topic, sentiment="negative")
    products = [m for m in top_movers(con, "product", period, negatives, limit=1000) if m.documents]
    named = sum(m.documents for m in products)
    everything = period_kpis(con, period, negatives)["documents"].current or 0
    top = max(products, key=lambda m: (m.documents, str(m.key)), default=None)
    # Most of the posts that name a product, and a real part of all of them: social posts
    # often name none, but a product named by a handful of a topic's posts did not drive it.
    if top is not None and top.documents * 2 > named and top.documents * 4 >= everything:
        return f"{name} on the {top.key}"
    return name


def _top_themes(themes: list[dict[str, Any]], topics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The themes' figures with the names of their largest fine topics (``topics`` come
    largest first)."""
    return [
        {
            "theme": theme["theme"],
            "name": theme["name"],
            "documents": theme["documents"],
            "share_negative": theme["share_negative"],
            "share_positive": theme["share_positive"],
            "topics": [t["label"] for t in topics if t["theme"] == theme["theme"]][
                :TOPICS_PER_THEME
            ],
        }
        for theme in themes
    ]
