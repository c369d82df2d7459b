"""The weekly report's content, gathered from the same analysis functions as the dashboard,
and its Markdown rendering.

The week defaults to the last full ISO week (Monday to Sunday) that has data.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import duckdb

from analysis.campaigns import campaign_table
from analysis.filters import Filters
from analysis.insights import Card, insight_cards
from analysis.overview import Kpi, Period, find_posts, period_kpis, sentiment_trend
from analysis.suggestions import FORMAT_NAMES, Suggestion, fact_lines, list_suggestions
from analysis.trends import (
    EmergingTopic,
    Spike,
    iso_week,
    parse_week,
    period_alerts,
    topic_sentiment,
)
from loaders.errors import BrandpulseError, explain

TREND_WEEKS = 12
TOP_TOPICS = 8
KPI_LABELS = {
    "documents": "Posts",
    "net_sentiment": "Net sentiment",
    "share_negative": "Negative",
    "average_rating": "Average rating",
}


@dataclass(frozen=True)
class WeeklyReport:
    week: str  # e.g. 2025-W41
    period: Period
    brand: str | None
    kpis: dict[str, Kpi]  # against the week before
    trend: list[dict[str, Any]]  # per week: documents, net sentiment, share negative
    top_topics: list[dict[str, Any]]  # the week's largest topics with their sentiment
    emerging: list[EmergingTopic]
    spikes: list[Spike]
    campaigns: list[dict[str, Any]]  # campaigns overlapping the week or the 12 before
    suggestions: list[Suggestion]  # approved, for this week
    cards: list[Card]  # the top insight cards (shown when nothing is approved)
    negative_posts: list[dict[str, Any]]
    positive_posts: list[dict[str, Any]]


def last_full_week(con: duckdb.DuckDBPyConnection) -> date | None:
    """Monday of the last ISO week that ends on or before the last day with data."""
    last = con.execute("SELECT max(day) FROM doc_facts").fetchall()[0][0]
    if last is None:
        return None
    monday = last - timedelta(days=last.weekday())
    return monday if last.weekday() == 6 else monday - timedelta(days=7)


def weekly_report(
    con: duckdb.DuckDBPyConnection, week: str | date | None = None, brand: str | None = None
) -> WeeklyReport:
    """Everything the weekly report shows, for ``week`` (default: the last full week)."""
    monday = parse_week(week) if week else last_full_week(con)
    if monday is None:
        raise BrandpulseError(
            explain(
                "There is nothing to report",
                found="no documents",
                fix="ingest files first (or run `brandpulse demo`).",
            )
        )
    period = Period(monday, monday + timedelta(days=6))
    scope = Filters(brand=brand)
    in_week = replace(scope, start=period.start, end=period.end)
    trend_start = period.end - timedelta(days=7 * TREND_WEEKS - 1)
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
    topics = sorted(
        (t for t in topic_sentiment(con, in_week) if t["topic"] >= 0),
        key=lambda t: (-t["documents"], t["topic"]),
    )[:TOP_TOPICS]
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
        trend=trend,
        top_topics=topics,
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


def _number(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if name == "documents":
        return f"{value:,.0f}"
    if name == "share_negative":
        return f"{value:.0%}"
    if name == "net_sentiment":
        return f"{value:+.2f}"
    return f"{value:.2f}"


def _delta(name: str, kpi: Kpi) -> str:
    if kpi.delta is None:
        return "n/a"
    if name == "documents":
        return f"{kpi.delta:+,.0f}"
    if name == "share_negative":
        return f"{kpi.delta * 100:+.1f} pts"
    return f"{kpi.delta:+.2f}"


def _escape(text: Any) -> str:
    """Text from posts (and topic labels made of their words) as literal Markdown: no links,
    images, HTML, emphasis or table breaks."""
    text = " ".join(str(text).split())
    for character in "\\`*_[]<>#!|":
        text = text.replace(character, "\\" + character)
    return text


def _post_line(post: dict[str, Any]) -> str:
    text = " ".join(str(post["text"]).split())
    text = text[:200] + ("…" if len(text) > 200 else "")
    return f"- {_escape(text)} ({post['source']}, {post['label'] or 'unlabeled'})"


def render_markdown(report: WeeklyReport) -> str:
    """The report as Markdown: KPIs, trend, topics, alerts, campaigns, actions, posts."""
    scope = f" for {report.brand}" if report.brand else ""
    lines = [
        f"# Weekly report{scope}: {report.week}",
        "",
        f"{report.period.start:%d %b %Y} to {report.period.end:%d %b %Y}, against the week before.",
        "",
        "| | this week | week before | change |",
        "|---|---|---|---|",
    ]
    for name, kpi in report.kpis.items():
        lines.append(
            f"| {KPI_LABELS[name]} | {_number(name, kpi.current)} | "
            f"{_number(name, kpi.previous)} | {_delta(name, kpi)} |"
        )
    lines += ["", f"## Sentiment, the last {TREND_WEEKS} weeks", ""]
    lines += ["| week | posts | net sentiment | negative |", "|---|---|---|---|"]
    for row in report.trend:
        lines.append(
            f"| {row['week']} | {row['posts']:,} | {_number('net_sentiment', row['net sentiment'])} | "
            f"{_number('share_negative', row['negative'])} |"
        )
    lines += ["", "## Top topics", ""]
    lines += ["| topic | posts | negative | positive |", "|---|---|---|---|"]
    for topic in report.top_topics:
        lines.append(
            f"| {_escape(topic['label'])} | {topic['documents']:,} | "
            f"{_number('share_negative', topic['share_negative'])} | "
            f"{_number('share_negative', topic['share_positive'])} |"
        )
    lines += ["", "## Emerging topics", ""]
    lines += [
        f"- **{_escape(t.name)}**: {t.documents:,} posts, {t.share:.1%} of the week against "
        f"{t.baseline_share:.1%} before ({t.growth:.1f}x)"
        for t in report.emerging
    ] or ["None this week."]
    lines += ["", "## Spikes", ""]
    for spike in report.spikes:
        what = (
            f"volume {spike.value:,.0f} posts against {spike.baseline:,.0f} usually"
            if spike.metric == "volume"
            else f"negative share {spike.value:.0%} against {spike.baseline:.0%} usually"
        )
        drivers = ", ".join(
            f"{_escape(d.name)} ({d.share_of_change:.0%})"
            for d in spike.drivers[:3]
            if d.change > 0
        )
        lines.append(f"- {what}; driven by {drivers or 'no single topic'}")
    if not report.spikes:
        lines.append("None this week.")
    lines += ["", "## Campaigns", ""]
    if report.campaigns:
        lines += [
            "| campaign | dates | posts | uplift [95% CI] | verdict |",
            "|---|---|---|---|---|",
        ]
        for c in report.campaigns:
            uplift = (
                f"{c['uplift']:+.2f} [{c['uplift low']:+.2f}, {c['uplift high']:+.2f}]"
                if c["uplift"] is not None
                else "n/a"
            )
            lines.append(
                f"| {_escape(c['campaign'])} | {c['start']} to {c['end']} | {c['posts']:,} | {uplift} | "
                f"{c['verdict']} |"
            )
    else:
        lines.append("No campaigns in these weeks.")
    if report.suggestions:
        lines += ["", "## Approved actions", ""]
        for s in report.suggestions:
            lines.append(
                f"- **{s.play}** ({_escape(s.card_title)}): {FORMAT_NAMES[s.format]}: "
                f"{_escape(s.final_text)}"
            )
    else:
        lines += ["", "## What stands out", ""]
        for card in report.cards:
            evidence = "; ".join(line[2:] for line in fact_lines(card.facts))
            lines.append(f"- {_escape(card.title)} ({_escape(evidence)})")
        if not report.cards:
            lines.append("Nothing notable.")
    lines += ["", "## Posts", "", "Most negative:", ""]
    lines += [_post_line(p) for p in report.negative_posts] or ["None."]
    lines += ["", "Most positive:", ""]
    lines += [_post_line(p) for p in report.positive_posts] or ["None."]
    return "\n".join(lines) + "\n"
