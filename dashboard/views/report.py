"""Report: the weekly report for a chosen week, previewed, and downloaded as HTML or Markdown."""

from __future__ import annotations

import streamlit as st

from analysis.overview import facet_values
from analysis.report import render_html, render_markdown, report_weeks, weekly_report
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
left.download_button(
    "Download HTML (self-contained)",
    render_html(report),
    f"{name}.html",
    "text/html",
    width="stretch",
)
right.download_button(
    "Download Markdown", render_markdown(report), f"{name}.md", "text/markdown", width="stretch"
)
st.caption("PDF export is not built yet.")
with st.container(border=True):
    # Every text from the data is escaped by render_markdown, so posts stay literal.
    st.markdown(render_markdown(report))
