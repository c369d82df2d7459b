"""The weekly report's content, gathered from the same analysis functions as the dashboard,
and its renderings: Markdown, self-contained HTML, and PDF (the HTML printed by a
headless Chromium, `analysis.report.pdf`).

The week defaults to the last full ISO week (Monday to Sunday) that has data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import duckdb

from analysis.campaigns.results import campaign_table
from analysis.filters import Filters
from analysis.insight.cards import Card, insight_cards
from analysis.insight.kpis import Kpi, period_kpis
from analysis.insight.posts import find_posts
from analysis.insight.trend import sentiment_trend
from analysis.periods import Period, iso_week, last_full_week, parse_week
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


@dataclass(frozen=True)
class WeeklyReport:
    week: str  # e.g. 2025-W41
    period: Period
    brand: str | None
    kpis: dict[str, Kpi]  # against the week before
    shares: SentimentShares  # the week's shares, corrected for the model's bias when possible
    trend: list[dict[str, Any]]  # per week: documents, net sentiment, share negative
    top_topics: list[dict[str, Any]]  # the week's largest topics with their sentiment
    # The week's largest themes: theme, name, documents, share_negative, share_positive and
    # ``topics``, the names of its largest fine topics that week; [] before themes existed.
    top_themes: list[dict[str, Any]]
    emerging: list[EmergingTopic]
    spikes: list[Spike]
    campaigns: list[dict[str, Any]]  # campaigns overlapping the week or the 12 before
    suggestions: list[Suggestion]  # approved, for this week
    cards: list[Card]  # the top insight cards (shown when nothing is approved)
    negative_posts: list[dict[str, Any]]
    positive_posts: list[dict[str, Any]]


def weekly_report(
    con: duckdb.DuckDBPyConnection,
    week: str | date | None = None,
    brand: str | None = None,
    now: datetime | None = None,
    min_labels: int = 100,
) -> WeeklyReport:
    """Everything the weekly report shows, for ``week`` (default: the last full week up
    to ``now``); ``min_labels``: setting corrected_shares_min_labels."""
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
    trend = [
        {
            "week": iso_week(row["period"]),
            "posts": row["documents"],
            "net sentiment": (row["positive"] - row["negative"]) / row["labeled"]
            if row["labeled"]
            else None,
            "negative": row["negative"] / row["labeled"] if row["labeled"] else None,
        }
        for row in sentiment_trend(con, replace(scope, start=trend_start, end=period.end))
    ]
    every_topic = sorted(
        (t for t in topic_sentiment(con, in_week) if t["topic"] >= 0),
        key=lambda t: (-t["documents"], t["topic"]),
    )
    alerts = period_alerts(con, period.start, period.end, scope, max_weeks=1)
    campaigns = [
        c
        for c in campaign_table(con)
        if c["start"] <= period.end
        and c["end"] >= trend_start
        and (brand is None or c["brand"] in (None, brand))
    ]
    return WeeklyReport(
        week=iso_week(monday),
        period=period,
        brand=brand,
        kpis=period_kpis(con, period, scope),
        shares=sentiment_shares(con, in_week, min_labels=min_labels),
        trend=trend,
        top_topics=every_topic[:TOP_TOPICS],
        top_themes=_top_themes(theme_table(con, in_week)[:TOP_THEMES], every_topic),
        emerging=alerts.emerging,
        spikes=alerts.spikes,
        campaigns=campaigns,
        suggestions=[
            s
            for s in list_suggestions(con, status="approved", start=period.start, end=period.end)
            if brand is None or s.brand in (None, brand)
        ],
        cards=insight_cards(con, period, own_brand=brand, limit=5),
        negative_posts=find_posts(con, in_week, order="most negative", limit=3),
        positive_posts=find_posts(con, in_week, order="most positive", limit=3),
    )


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
