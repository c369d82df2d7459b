"""The report's sections: titled blocks of text and tables built from a :class:`WeeklyReport`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.insight.kpis import Kpi
from analysis.report.content import TREND_WEEKS, WeeklyReport
from analysis.suggestions.plays import FORMAT_NAMES
from analysis.suggestions.prompts import fact_lines
from analysis.topics.spikes import Spike
from loaders.safe_text import markdown_literal

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


def _escape(text: Any) -> str:
    """Text from posts (and topic labels made of their words) as literal Markdown: no links,
    images, HTML, emphasis or table breaks; controls and bidi characters made visible."""
    return markdown_literal(text)


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


def sections(report: WeeklyReport) -> list[Section]:
    """The report's parts in order, shared by the Markdown and HTML renderers."""
    scope = f" for {report.brand}" if report.brand else ""
    parts = [
        Section(
            f"Weekly report{scope}: {report.week}",
            [
                f"{report.period.start:%d %b %Y} to {report.period.end:%d %b %Y}, against the "
                "week before."
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
        ),
        Section(
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
        ),
        Section(
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
        ),
        Section(
            "Emerging topics",
            [
                f"{t.name}: {t.documents:,} posts, {t.share:.1%} of the week against "
                f"{t.baseline_share:.1%} before ({t.growth:.1f}x)"
                for t in report.emerging
            ]
            or ["None this week."],
            bullets=bool(report.emerging),
        ),
        Section(
            "Spikes",
            [_spike_line(spike) for spike in report.spikes] or ["None this week."],
            bullets=bool(report.spikes),
        ),
        Section(
            "Campaigns",
            [] if report.campaigns else ["No campaigns in these weeks."],
            ["campaign", "dates", "posts", "uplift [95% CI]", "verdict"],
            [
                [
                    c["campaign"],
                    f"{c['start']} to {c['end']}",
                    f"{c['posts']:,}",
                    f"{c['uplift']:+.2f} [{c['uplift low']:+.2f}, {c['uplift high']:+.2f}]"
                    if c["uplift"] is not None
                    else "n/a",
                    c["verdict"],
                ]
                for c in report.campaigns
            ],
            new_page=True,
        ),
    ]
    if report.suggestions:
        parts.append(
            Section(
                "Approved actions",
                [
                    f"{s.play} ({s.card_title}), {FORMAT_NAMES[s.format]}: {s.final_text}"
                    for s in report.suggestions
                ],
                bullets=True,
            )
        )
    else:
        parts.append(
            Section(
                "What stands out",
                [
                    f"{card.title} ({'; '.join(line[2:] for line in fact_lines(card.facts))})"
                    for card in report.cards
                ]
                or ["Nothing notable."],
                bullets=bool(report.cards),
            )
        )
    parts.append(
        Section(
            "Most negative posts",
            [_post(p) for p in report.negative_posts] or ["None."],
            bullets=bool(report.negative_posts),
        )
    )
    parts.append(
        Section(
            "Most positive posts",
            [_post(p) for p in report.positive_posts] or ["None."],
            bullets=bool(report.positive_posts),
        )
    )
    return parts


def _spike_line(spike: Spike) -> str:
    what = (
        f"Volume {spike.value:,.0f} posts against {spike.baseline:,.0f} usually"
        if spike.metric == "volume"
        else f"Negative share {spike.value:.0%} against {spike.baseline:.0%} usually"
    )
    drivers = ", ".join(
        f"{d.name} ({d.share_of_change:.0%})" for d in spike.drivers[:3] if d.change > 0
    )
    return f"{what}; driven by {drivers or 'no single topic'}"
