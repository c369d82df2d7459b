"""Report: the weekly report for a chosen week, previewed, and downloaded as HTML, PDF or
Markdown."""

from __future__ import annotations

import streamlit as st

from analysis.overview import facet_values
from analysis.report import render_html, render_markdown, report_weeks, weekly_report
from analysis.report_pdf import find_browser, render_pdf
from dashboard import cache, ui

st.title("Report")
ui.require_analysis(need_topics=True)
weeks = cache.data(report_weeks)
if not weeks:
    st.info("There is no full week of data yet.")
    st.stop()
left, right = st.columns(2)
week = left.selectbox("Week", weeks, help="Monday to Sunday; the last full week comes first.")
brands = [value for value, _ in cache.data(facet_values).get("brand", [])]
brand = right.selectbox(
    "Brand", [None, *brands], format_func=lambda b: "All brands" if b is None else b
)
report = cache.data(weekly_report, week, brand)
name = f"brandpulse-{week}" + (f"-{brand}" if brand else "")
browser = find_browser(cache.settings().report_browser)
# The files are rendered when their button is clicked (a PDF takes seconds), not on every rerun.
html_column, pdf_column, markdown_column = st.columns(3)
html_column.download_button(
    "Download HTML",
    lambda: render_html(report),
    f"{name}.html",
    "text/html",
    on_click="ignore",
    help="One self-contained file: opens offline, charts included.",
    width="stretch",
)
pdf_column.download_button(
    "Download PDF",
    lambda: render_pdf(report, browser=browser or ""),
    f"{name}.pdf",
    "application/pdf",
    on_click="ignore",
    disabled=browser is None,
    help="A4 pages with static charts, printed by "
    + (browser or "Chromium: none found; install chromium or set BRANDPULSE_REPORT_BROWSER"),
    width="stretch",
)
markdown_column.download_button(
    "Download Markdown",
    lambda: render_markdown(report),
    f"{name}.md",
    "text/markdown",
    on_click="ignore",
    width="stretch",
)
if browser is None:
    st.caption(
        "PDF export needs Chromium, Chrome or Edge: `sudo apt-get install chromium`, or set "
        "BRANDPULSE_REPORT_BROWSER to the browser's path."
    )
with st.container(border=True):
    # Every text from the data is escaped by render_markdown, so posts stay literal.
    st.markdown(render_markdown(report))
