"""The report's sections: titled blocks of text and tables built from a :class:`WeeklyReport`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.insight.kpis import Kpi
from analysis.report.content import TREND_WEEKS, WeeklyReport
from analysis.sentiment.shares import shares_summary
from analysis.suggestions.plays import FORMAT_NAMES
from analysis.suggestions.prompts import fact_summary

KPI_LABELS = {
    "documents": "Posts",
    "net_sentiment": "Net sentiment",
    "share_negative": "Negative",
    "average_rating": "Average rating",
}


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


@dataclass(frozen=True)
class Section:
    """One part of the report as plain text; each renderer escapes and lays it out."""

    title: str
    lines: list[str]  # paragraphs, or bullet points when ``bullets``
    header: list[str] | None = None  # a table, when given
    rows: list[list[str]] | None = None
    bullets: bool = False
    chart: str | None = None  # "trend" or "topics": the HTML report draws it
    new_page: bool = False  # printed (PDF) from the top of a new page


def _post(post: dict[str, Any]) -> str:
    text = " ".join(str(post["text"]).split())
    text = text[:200] + ("…" if len(text) > 200 else "")
    return f"{text} ({post['source']}, {post['label'] or 'unlabeled'})"


def _summary(report: WeeklyReport) -> Section:
    scope = f" for {report.brand}" if report.brand else ""
    return Section(
        f"Weekly report{scope}: {report.week}",
        [
            f"{report.period.start:%d %b %Y} to {report.period.end:%d %b %Y}, against the "
            "week before.",
            shares_summary(report.shares),
        ],
        ["", "this week", "week before", "change"],
        [
            [
                KPI_LABELS[name],
                _number(name, kpi.current),
                _number(name, kpi.previous),
                _delta(name, kpi),
            ]
            for name, kpi in report.kpis.items()
        ],
    )


def _trend(report: WeeklyReport) -> Section:
    return Section(
        f"Sentiment, the last {TREND_WEEKS} weeks",
        [],
        ["week", "posts", "net sentiment", "negative"],
        [
            [
                row["week"],
                f"{row['posts']:,}",
                _number("net_sentiment", row["net sentiment"]),
                _number("share_negative", row["negative"]),
            ]
            for row in report.trend
        ],
        chart="trend",
    )


def _top_topics(report: WeeklyReport) -> Section:
    """Themes first, each with its largest fine topics; a model fitted before themes lists
    its topics alone."""
    if not report.top_themes:
        return Section(
            "Top topics",
            [] if report.top_topics else ["No topics yet."],
            ["topic", "posts", "negative", "positive"],
            [
                [
                    str(t["label"]),
                    f"{t['documents']:,}",
                    _number("share_negative", t["share_negative"]),
                    _number("share_negative", t["share_positive"]),
                ]
                for t in report.top_topics
            ],
            chart="topics",
            new_page=True,
        )
    return Section(
        "Top themes",
        [],
        ["theme", "posts", "negative", "positive", "largest topics"],
        [
            [
                str(t["name"]),
                f"{t['documents']:,}",
                _number("share_negative", t["share_negative"]),
                _number("share_negative", t["share_positive"]),
                "; ".join(str(name) for name in t["topics"]),
            ]
            for t in report.top_themes
        ],
        chart="topics",
        new_page=True,
    )


def _emerging(report: WeeklyReport) -> Section:
    # The theme comes last: the line starts with the fine topic's name, as readers scan it.
    return Section(
        "Emerging topics",
        [
            f"{t.name}: {t.documents:,} posts, {t.share:.1%} of the week against "
            f"{t.baseline_share:.1%} before ({t.growth:.1f}x)"
            + (f"; theme: {t.theme_name}" if t.theme_name and t.theme_name != t.name else "")
            for t in report.emerging
        ]
        or ["None this week."],
        bullets=bool(report.emerging),
    )


def _spikes(report: WeeklyReport) -> Section:
    return Section(
        "Spikes",
        [f"{spike.headline()}; driven by {spike.drivers_text()}" for spike in report.spikes]
        or ["None this week."],
        bullets=bool(report.spikes),
    )


def _interval(value: float | None, low: float | None, high: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f} [{low:+.2f}, {high:+.2f}]"


def _campaigns(report: WeeklyReport) -> Section:
    return Section(
        "Campaigns",
        [] if report.campaigns else ["No campaigns in these weeks."],
        [
            "campaign",
            "dates",
            "posts",
            "effect beyond the market [95% CI]",
            "verdict",
            "raw change (before/during)",
        ],
        [
            [
                c["campaign"],
                f"{c['start']} to {c['end']}",
                f"{c['posts']:,}",
                _interval(c["effect"], c["effect low"], c["effect high"]),
                c["verdict"],
                _interval(c["raw uplift"], c["raw low"], c["raw high"]),
            ]
            for c in report.campaigns
        ],
        new_page=True,
    )


def _actions(report: WeeklyReport) -> Section:
    """The approved suggestions when there are any, else what the insight cards found."""
    if report.suggestions:
        return Section(
            "Approved actions",
            [
                f"{s.play} ({s.card_title}), {FORMAT_NAMES[s.format]}: {s.final_text}"
                for s in report.suggestions
            ],
            bullets=True,
        )
    return Section(
        "What stands out",
        [f"{card.title} ({fact_summary(card.facts)})" for card in report.cards]
        or ["Nothing notable."],
        bullets=bool(report.cards),
    )


def _posts(title: str, posts: list[dict[str, Any]]) -> Section:
    return Section(title, [_post(p) for p in posts] or ["None."], bullets=bool(posts))


def sections(report: WeeklyReport) -> list[Section]:
    """The report's parts in order, shared by the Markdown and HTML renderers."""
    return [
        _summary(report),
        _trend(report),
        _top_topics(report),
        _emerging(report),
        _spikes(report),
        _campaigns(report),
        _actions(report),
        _posts("Most negative posts", report.negative_posts),
        _posts("Most positive posts", report.positive_posts),
    ]
