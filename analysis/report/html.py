"""The weekly report as one self-contained HTML file: inline CSS, charts drawn by plotly, a strict CSP."""

from __future__ import annotations

from typing import Any

from analysis.report.content import WeeklyReport
from analysis.report.sections import sections
from loaders.safe_text import visible

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
  /* No forced page breaks, so no page is left half empty: a part without a chart moves to
     the next page only when it does not fit; a part with a chart may break between its
     chart and its table; a chart, table or bullet is never cut in two. */
  section.keep { break-inside: avoid; }
  table, .chart, li, tr { break-inside: avoid; }
}
"""


NEGATIVE_COLOR, POSITIVE_COLOR, VOLUME_COLOR = "#d62728", "#2ca02c", "#9ecae1"


# Width of an A4 page inside its 14 mm margins, in CSS pixels: printed charts are drawn
# at the size they are printed.
PRINT_CHART_WIDTH = 680


def trend_labels(report: WeeklyReport) -> list[str]:
    """The trend chart's week labels, short enough for twelve side by side: "W41", and
    "W35*" for a partial week (as the table marks it)."""
    return [row["week"].split("-")[-1] + ("*" if row["partial"] else "") for row in report.trend]


def report_figure(report: WeeklyReport, chart: str) -> Any:
    """The Plotly figure of a section's chart: "trend" or "topics" (themes, when there are)."""
    import html

    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    if chart == "trend":
        weeks = trend_labels(report)
        figure = make_subplots(specs=[[{"secondary_y": True}]])
        figure.add_bar(
            x=weeks,
            y=[r["posts"] for r in report.trend],
            name="posts",
            marker_color=VOLUME_COLOR,
            # A partial week's bar is paler: fewer days, not fewer posts a day.
            marker_opacity=[0.4 if r["partial"] else 1.0 for r in report.trend],
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
        # Short labels read as categories (not dates), level: none is cut or overlaps.
        figure.update_xaxes(type="category", tickangle=0, automargin=True)
        # Its own round ticks, not ones lined up with the posts axis' grid.
        figure.update_yaxes(
            title_text="net sentiment",
            range=[-1, 1],
            tickvals=[-1, -0.5, 0, 0.5, 1],
            showgrid=False,
            secondary_y=True,
        )
    else:
        # The themes when the model has them, else its topics (as the section's table).
        shown = report.top_themes or report.top_topics
        # Plotly reads a little HTML in labels (links included): topic words stay text.
        labels = [html.escape(str(t.get("name", t.get("label")))) for t in shown][::-1]
        figure = go.Figure()
        for name, key, color in (
            ("negative", "share_negative", NEGATIVE_COLOR),
            ("positive", "share_positive", POSITIVE_COLOR),
        ):
            figure.add_bar(
                y=labels,
                x=[t[key] or 0 for t in shown][::-1],
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
        keep = "" if section.chart and section.rows else ' class="keep"'
        body.append(f"<section{keep}><{tag}>{html.escape(visible(section.title))}</{tag}>")
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
        body.append("</section>")
    title = html.escape(visible(sections(report)[0].title))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
