"""Report: the weekly report for a chosen week, previewed, and downloaded as HTML, PDF or
Markdown."""

from __future__ import annotations

from functools import partial

import streamlit as st

from analysis.insight.facets import facet_values
from analysis.jobs.weekly import report_name
from analysis.periods import report_weeks
from analysis.report.content import weekly_report
from analysis.report.files import render
from analysis.report.html import report_figure
from analysis.report.markdown import section_markdown, table_markdown
from analysis.report.pdf import find_browser
from analysis.report.sections import sections
from dashboard import cache, ui
from loaders.workspace import my_brand

st.title("Report")
ui.require_analysis(need_topics=True)
weeks = cache.data(report_weeks)
if not weeks:
    st.info("There is no full week of data yet.")
    st.stop()
left, right = st.columns(2)
week = left.selectbox("Week", weeks, help="Monday to Sunday; the last full week comes first.")
brands = [value for value, _ in cache.data(facet_values).get("brand", [])]
mine = cache.data(my_brand, cache.settings())
# The sidebar's brand, when one is picked, is the default; else my brand; else all brands.
chosen = next((b for b in (ui.filters().brand, mine) if b in brands), None)
brand = right.selectbox(
    "Brand",
    [None, *brands],
    index=[None, *brands].index(chosen),
    format_func=lambda b: "All brands" if b is None else f"{b} (my brand)" if b == mine else b,
    help="The report leads with this brand beside its competitors; it covers one week, and "
    "the sidebar's other filters do not apply.",
)
report = cache.data(
    weekly_report,
    week,
    brand,
    min_labels=cache.settings().corrected_shares_min_labels,
    my_brand=mine,
)
browser = find_browser(cache.settings().report_browser)
# The files are rendered when their button is clicked (a PDF takes seconds), not on every rerun.
downloads = {
    "html": ("HTML", "text/html", "One self-contained file: opens offline, charts included."),
    "pdf": ("PDF", "application/pdf", f"A4 pages with static charts, printed by {browser}."),
    "md": ("Markdown", "text/markdown", "Post texts kept literal, for wikis and chat."),
}
for column, (fmt, (label, mime, tip)) in zip(st.columns(3), downloads.items(), strict=True):
    column.download_button(
        f"Download {label}",
        partial(render, report, f".{fmt}", browser=browser or ""),
        report_name(week, brand, fmt),
        mime,
        on_click="ignore",
        disabled=fmt == "pdf" and browser is None,
        help=tip,
        width="stretch",
    )
if browser is None:
    st.caption(
        "PDF export needs Chromium, Chrome or Edge: `sudo apt-get install chromium`, or set "
        "BRANDPULSE_REPORT_BROWSER to the browser's path."
    )
with st.container(border=True):
    # The downloaded report's sections and charts; section_markdown escapes every text from
    # the data, so posts stay literal.
    for number, section in enumerate(sections(report)):
        st.markdown(section_markdown(section, top=number == 0, table=False))
        if section.chart and section.rows:
            st.plotly_chart(report_figure(report, section.chart), key=f"report-{section.chart}")
        if section.rows:
            st.markdown(table_markdown(section))
