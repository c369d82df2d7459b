"""The PDF report: Chromium prints the report's print layout to A4 pages with static charts.

The pages are read back with poppler (`pdftoppm`, `pdftotext`), as a reader would see them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.report.content import weekly_report
from analysis.report.files import save_report
from analysis.report.html import NEGATIVE_COLOR, POSITIVE_COLOR, VOLUME_COLOR
from analysis.report.pdf import find_browser, render_pdf
from dashboard.cli import cli
from loaders import store
from loaders.config import load_settings
from loaders.errors import ReportError
from tests.conftest import needs_renderer, pdf_page_images, pdf_page_text, pixels_like


def _report(db: Path):
    with store.session(settings=load_settings({"db": db}), read_only=True) as con:
        return weekly_report(con, "2025-W41", "Tidewell", my_brand="Tidewell")


@needs_renderer
def test_pdf_pages_flow_without_half_empty_pages_and_with_static_charts(demo_run, tmp_path):
    report = _report(demo_run[0])
    pdf = save_report(report, tmp_path / "week.pdf")
    pages = pdf_page_images(pdf, tmp_path)
    width, height, _ = pages[0]
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
    # No part is forced onto a new page: the report fills three pages, not one per part.
    assert len(pages) == 3
    text = [pdf_page_text(pdf, n) for n in range(1, len(pages) + 1)]
    first = text[0]
    assert first.lstrip().startswith("Weekly report for Tidewell: 2025-W41")
    kpi = report.kpis["documents"]
    assert f"{kpi.current:,.0f}" in first and f"{kpi.delta:+,.0f}" in first
    # My brand leads the competitor table, and the trend's chart fills the rest of page 1.
    assert "Tidewell and its competitors" in first and "Tidewell (my brand)" in first
    assert "Glacio" in first and "Pinecup" in first
    assert "Sentiment, the last 12 weeks" in first
    # The chart's week labels are short and printed in full (not "2025-…"), apart from the
    # table's "2025-W41" cells.
    for row in report.trend:
        label = row["week"].split("-")[-1]
        assert re.search(rf"(?<![-\w]){label}\b", first), label
    assert "…" not in first
    every = " ".join(" ".join(page.split()) for page in text)
    for heading in ("Top themes", "Emerging topics", "Spikes", "Campaigns", "What stands out"):
        assert heading in every
    assert "Refill Rewards" in every and "effect beyond the market" in every
    assert "Most negative posts" in text[-1] and "Most positive posts" in text[-1]

    # The charts were drawn before printing: the trend's volume bars and the themes'
    # negative and positive bars.
    volume, negative, positive = (
        [pixels_like(p[2], color) for p in pages]
        for color in (VOLUME_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR)
    )
    assert volume[0] > 200
    largest = report.top_themes[0]
    drawn = negative if largest["share_negative"] > largest["share_positive"] else positive
    assert max(drawn) > 200  # the largest theme's longer bar


@needs_renderer
def test_report_command_writes_a_pdf(demo_run, tmp_path):
    out = tmp_path / "reports" / "week.pdf"
    result = CliRunner().invoke(
        cli, ["report", "--week", "2025-W41", "--out", str(out), "--db", str(demo_run[0])]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
    assert list(out.parent.iterdir()) == [out]  # no partial file left behind


def test_without_a_browser_the_pdf_fails_with_one_line(demo_run, tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDPULSE_REPORT_BROWSER", str(tmp_path / "no-such-browser"))
    out = tmp_path / "week.pdf"
    result = CliRunner().invoke(cli, ["report", "--out", str(out), "--db", str(demo_run[0])])
    assert result.exit_code == 1
    assert result.output.startswith("Error: PDF export needs Chromium, Chrome or Edge.")
    assert "BRANDPULSE_REPORT_BROWSER" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_a_browser_that_prints_nothing_is_reported(demo_run, tmp_path):
    browser = tmp_path / "broken-browser"
    browser.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    browser.chmod(0o755)
    with pytest.raises(ReportError, match=r"did not write the PDF \(exit 3\): cannot open display"):
        render_pdf(_report(demo_run[0]), browser=str(browser))


def test_find_browser_takes_the_setting_first(tmp_path):
    browser = tmp_path / "my-chrome"
    browser.write_text("#!/bin/sh\n")
    assert find_browser(str(browser)) == str(browser)
    assert find_browser(str(tmp_path / "missing")) is None
