"""The report's sections: titled blocks of text and tables built from a :class:`WeeklyReport`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.insight.cards import Card
from analysis.insight.kpis import Kpi
from analysis.periods import MIN_BASELINE_DAYS
from analysis.report.content import FULL_WEEK_DAYS, TREND_WEEKS, WeeklyReport
from analysis.sentiment.shares import shares_summary
from analysis.suggestions.plays import FORMAT_NAMES

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


def _post(post: dict[str, Any]) -> str:
    text = " ".join(str(post["text"]).split())
    text = text[:200] + ("…" if len(text) > 200 else "")
    return f"{text} ({post['source']}, {post['label'] or 'unlabeled'})"


def _days(count: int) -> str:
    return f"{count} day{'s' * (count != 1)}"


def comparison_note(report: WeeklyReport) -> str | None:
    """A note when the week before has data on fewer than seven days (in the whole data: a
    brand without posts on a day had a quiet day); a warning when too few to compare with."""
    days = report.previous_days
    if days >= FULL_WEEK_DAYS:
        return None
    if days == 0:
        return "The week before has no data: there is nothing to compare with."
    if days < MIN_BASELINE_DAYS:
        return (
            f"The week before has {_days(days)} of data, so the changes against it are unreliable."
        )
    return f"The week before has data on {days} of 7 days."


def _summary(report: WeeklyReport) -> Section:
    scope = f" for {report.brand}" if report.brand else ""
    note = comparison_note(report)
    return Section(
        f"Weekly report{scope}: {report.week}",
        [
            " ".join(report.summary),
            f"{report.period.start:%d %b %Y} to {report.period.end:%d %b %Y}, against the "
            "week before.",
            *([note] if note else []),
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


def _points(change: float | None) -> str:
    return "" if change is None else f" ({change * 100:+.1f} pts)"


def brand_label(report: WeeklyReport, brand: str) -> str:
    """The brand's name, marked when it is my brand or the report's brand."""
    if brand == report.my_brand:
        return f"{brand} (my brand)"
    return f"{brand} (this report)" if brand == report.brand else brand


def _competitors(report: WeeklyReport) -> Section:
    """Every brand side by side, the report's brand first, each figure with its change."""
    title = f"{report.brand} and its competitors" if report.brand else "Brands"
    return Section(
        title,
        ["In brackets: the change against the week before."]
        if report.brands
        else ["No posts name a brand this week or the week before."],
        ["brand", "share of voice", "posts", "net sentiment", "negative"],
        [
            [
                brand_label(report, str(row["brand"])),
                f"{row['share_of_voice']:.0%}{_points(row['share_of_voice_change'])}",
                f"{row['posts']:,} ({row['posts_change']:+,})",
                _number("net_sentiment", row["net_sentiment"])
                + (
                    ""
                    if row["net_sentiment_change"] is None
                    else f" ({row['net_sentiment_change']:+.2f})"
                ),
                _number("share_negative", row["share_negative"])
                + _points(row["share_negative_change"]),
            ]
            for row in report.brands
        ],
    )


def _trend(report: WeeklyReport) -> Section:
    partial = [row for row in report.trend if row["partial"]]
    return Section(
        f"Sentiment, the last {TREND_WEEKS} weeks",
        [
            "Weeks marked * are cut by the start or end of the data (the days in brackets): "
            "their volume is not comparable with full weeks."
        ]
        if partial
        else [],
        ["week", "posts", "net sentiment", "negative"],
        [
            [
                row["week"] + (f" * ({_days(row['days'])})" if row["partial"] else ""),
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
        [] if report.campaigns else ["No campaigns ran in or near this week."],
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
    )


def card_sentence(card: Card) -> str:
    """A card as sentences: its title (a sentence with its key figures), plus when a campaign
    ran, never a dump of its facts."""
    if card.kind in ("campaign_lift", "campaign_backfire"):
        return f"{card.title} It ran from {card.facts['start']} to {card.facts['end']}."
    return card.title


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
        [card_sentence(card) for card in report.cards] or ["Nothing notable."],
        bullets=bool(report.cards),
    )


def _posts(title: str, posts: list[dict[str, Any]]) -> Section:
    return Section(title, [_post(p) for p in posts] or ["None."], bullets=bool(posts))


def sections(report: WeeklyReport) -> list[Section]:
    """The report's parts in order, shared by the Markdown and HTML renderers."""
    return [
        _summary(report),
        _competitors(report),
        _trend(report),
        _top_topics(report),
        _emerging(report),
        _spikes(report),
        _campaigns(report),
        _actions(report),
        _posts("Most negative posts", report.negative_posts),
        _posts("Most positive posts", report.positive_posts),
    ]
