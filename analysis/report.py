"""The weekly report's content, gathered from the same analysis functions as the dashboard,
and its renderings: Markdown, self-contained HTML, and PDF (the HTML printed by a
headless Chromium, `analysis.report_pdf`).

The week defaults to the last full ISO week (Monday to Sunday) that has data.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from analysis.campaigns import campaign_table
from analysis.filters import Filters
from analysis.insights import Card, insight_cards
from analysis.overview import Kpi, Period, data_span, find_posts, period_kpis, sentiment_trend
from analysis.suggestions import FORMAT_NAMES, Suggestion, fact_lines, list_suggestions
from analysis.trends import (
    EmergingTopic,
    Spike,
    iso_week,
    parse_week,
    period_alerts,
    topic_sentiment,
)
from loaders.dates import READABLE_SQL, shift
from loaders.errors import BrandpulseError, ReportError, explain
from loaders.safe_text import markdown_literal, visible

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


def last_full_week(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> date | None:
    """Monday of the last ISO week that ends on or before the last day with data, leaving
    out documents dated after ``now`` (default: the clock) and undated ones (loaders.dates)."""
    span = data_span(con, now)
    if span is None:
        return None
    last = span.end
    monday = last - timedelta(days=last.weekday())
    return monday if last.weekday() == 6 else monday - timedelta(days=7)


def report_weeks(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[str]:
    """ISO weeks with data, the last full week first (the Report page's choices)."""
    last = last_full_week(con, now)
    if last is None:
        return []
    mondays = con.execute(
        f"SELECT DISTINCT week FROM doc_facts e WHERE week <= ? AND {READABLE_SQL} "  # noqa: S608
        "ORDER BY week DESC",
        [last],
    ).fetchall()
    return [iso_week(monday) for (monday,) in mondays]


def weekly_report(
    con: duckdb.DuckDBPyConnection,
    week: str | date | None = None,
    brand: str | None = None,
    now: datetime | None = None,
) -> WeeklyReport:
    """Everything the weekly report shows, for ``week`` (default: the last full week up
    to ``now``)."""
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


def section_markdown(section: Section, *, top: bool = False, table: bool = True) -> str:
    """One section as Markdown (``top``: the report's title; ``table``: with its table).
    Every text from the data stays literal."""
    out = [("# " if top else "## ") + _escape(section.title), ""]
    for line in section.lines:
        out.append(("- " if section.bullets else "") + _escape(line))
    if section.lines:
        out.append("")
    if table:
        out.append(table_markdown(section))
    return "\n".join(out).rstrip("\n") + "\n"


def table_markdown(section: Section) -> str:
    """The section's table as Markdown, or "" when it has none."""
    if not (section.header and section.rows):
        return ""
    out = ["| " + " | ".join(_escape(h) for h in section.header) + " |"]
    out.append("|" + "---|" * len(section.header))
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in section.rows]
    return "\n".join(out) + "\n"


def render_markdown(report: WeeklyReport) -> str:
    """The report as Markdown; every text from the data is escaped to stay literal."""
    return "\n".join(
        section_markdown(section, top=number == 0)
        for number, section in enumerate(sections(report))
    )


_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.7em; margin-bottom: 4px; }
h2 { font-size: 1.25em; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 0.95em; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eee; }
th { background: #f6f6f6; }
li { margin: 4px 0; }
.chart { margin: 8px 0; }
@page { size: A4; margin: 14mm; }
@media print {
  main { max-width: none; padding: 0; font-size: 11pt; }
  h1 { margin-top: 0; }
  h2 { break-after: avoid; margin-top: 20px; }
  h2.new-page { break-before: page; margin-top: 0; }
  table, .chart, li { break-inside: avoid; }
}
"""
NEGATIVE_COLOR, POSITIVE_COLOR, VOLUME_COLOR = "#d62728", "#2ca02c", "#9ecae1"
# Width of an A4 page inside its 14 mm margins, in CSS pixels: printed charts are drawn
# at the size they are printed.
PRINT_CHART_WIDTH = 680


def report_figure(report: WeeklyReport, chart: str) -> Any:
    """The Plotly figure of a section's chart: "trend" or "topics"."""
    import html

    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    if chart == "trend":
        weeks = [row["week"] for row in report.trend]
        figure = make_subplots(specs=[[{"secondary_y": True}]])
        figure.add_bar(
            x=weeks, y=[r["posts"] for r in report.trend], name="posts", marker_color=VOLUME_COLOR
        )
        figure.add_scatter(
            x=weeks,
            y=[r["net sentiment"] for r in report.trend],
            name="net sentiment",
            mode="lines+markers",
            line_color="#333",
            secondary_y=True,
        )
        figure.update_yaxes(title_text="posts", secondary_y=False)
        # Its own round ticks, not ones lined up with the posts axis' grid.
        figure.update_yaxes(
            title_text="net sentiment",
            range=[-1, 1],
            tickvals=[-1, -0.5, 0, 0.5, 1],
            showgrid=False,
            secondary_y=True,
        )
    else:
        # Plotly reads a little HTML in labels (links included): topic words stay text.
        labels = [html.escape(str(t["label"])) for t in report.top_topics][::-1]
        figure = go.Figure()
        for name, key, color in (
            ("negative", "share_negative", NEGATIVE_COLOR),
            ("positive", "share_positive", POSITIVE_COLOR),
        ):
            figure.add_bar(
                y=labels,
                x=[t[key] or 0 for t in report.top_topics][::-1],
                name=name,
                orientation="h",
                marker_color=color,
            )
        figure.update_layout(barmode="group", xaxis_tickformat=".0%")
    figure.update_layout(
        height=320, margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend_orientation="h"
    )
    return figure


def render_html(report: WeeklyReport, *, for_print: bool = False) -> str:
    """The report as one self-contained HTML file: styles, data and the charting library
    are inside it, so it opens offline and asks no server for anything.

    ``for_print`` draws static charts at the printed page's width (the PDF's source).
    """
    import html

    import plotly.io

    config: dict[str, Any] = {"displayModeBar": False, "displaylogo": False}
    config.update({"staticPlot": True} if for_print else {"responsive": True})
    body: list[str] = []
    library_included = False
    for number, section in enumerate(sections(report)):
        tag = "h1" if number == 0 else "h2"
        page = ' class="new-page"' if section.new_page else ""
        body.append(f"<{tag}{page}>{html.escape(visible(section.title))}</{tag}>")
        if section.bullets:
            body.append(
                "<ul>"
                + "".join(f"<li>{html.escape(line)}</li>" for line in section.lines)
                + "</ul>"
            )
        else:
            body += [f"<p>{html.escape(line)}</p>" for line in section.lines]
        if section.chart and section.rows:
            figure = report_figure(report, section.chart)
            if for_print:
                figure.update_layout(width=PRINT_CHART_WIDTH)
            chart = plotly.io.to_html(
                figure,
                include_plotlyjs=not library_included,  # inlined once, not loaded from a CDN
                full_html=False,
                config=config,
                div_id=f"chart-{section.chart}",  # the same report gives the same file
            )
            library_included = True
            body.append(f'<div class="chart">{chart}</div>')
        if section.header and section.rows:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in section.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in section.rows
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    title = html.escape(visible(sections(report)[0].title))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )


REPORT_SUFFIXES = (".html", ".pdf", ".md")


def render(report: WeeklyReport, suffix: str, *, browser: str = "") -> bytes:
    """The report as the bytes of a .html, .pdf or .md file."""
    suffix = suffix.lower()
    if suffix == ".html":
        return render_html(report).encode("utf-8")
    if suffix == ".md":
        return render_markdown(report).encode("utf-8")
    if suffix == ".pdf":
        from analysis.report_pdf import render_pdf

        return render_pdf(report, browser=browser)
    raise ReportError(
        explain(
            "Unknown report format",
            expected="a file name ending in " + ", ".join(REPORT_SUFFIXES),
            found=suffix or "no suffix",
            fix="name the output e.g. week.html, week.pdf or week.md.",
        )
    )


def save_report(report: WeeklyReport, out: Path, *, browser: str = "") -> Path:
    """Write the report in the format its suffix names; a reader never sees half a file.

    The partial file gets a fresh random name and is created exclusively without following
    links, so a link planted in the outbox cannot redirect the write; the rename replaces
    a link at ``out`` itself, never its target.
    """
    content = render(report, out.suffix, browser=browser)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{secrets.token_hex(6)}.partial")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    created = False
    try:
        with os.fdopen(os.open(partial, flags, 0o644), "wb") as handle:
            created = True
            handle.write(content)
        os.replace(partial, out)
    except OSError as error:
        if created:  # never remove what someone else put at that name
            partial.unlink(missing_ok=True)
        raise ReportError(
            explain(
                f"The report could not be written to {out}",
                found=f"{type(error).__name__}: {error.strerror or error}",
                fix="check that the folder is writable and has space.",
            )
        ) from error
    return out
