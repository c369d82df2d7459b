"""The weekly report as PDF: its print layout (static charts, A4 pages) printed by a
headless Chromium, Chrome or Edge, so the PDF shows exactly what the HTML report shows.

A browser is the one renderer that draws the Plotly charts as they look in the
dashboard; Debian's `chromium` package installs it (`python3 make.py` does that).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.errors import ReportError, explain

if TYPE_CHECKING:
    from analysis.report.content import WeeklyReport

BROWSER_COMMANDS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "microsoft-edge",
    "msedge",
)
MACOS_BROWSERS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
)
PRINT_TIMEOUT_S = 120.0
# Virtual time the page gets to run its scripts (the charts) before it is printed; headless
# Chromium fast-forwards it, so it costs no real time once the page is idle.
SCRIPT_BUDGET_MS = 15_000


def find_browser(configured: str = "") -> str | None:
    """The browser to print with: the configured command or path, else the first found."""
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    for command in BROWSER_COMMANDS:
        if found := shutil.which(command):
            return found
    return next((path for path in MACOS_BROWSERS if Path(path).is_file()), None)


def _missing_browser(configured: str) -> ReportError:
    return ReportError(
        explain(
            "PDF export needs Chromium, Chrome or Edge",
            found=f"no browser at '{configured}'" if configured else "none on PATH",
            fix="install one (Debian/Ubuntu: sudo apt-get install chromium) or set "
            "BRANDPULSE_REPORT_BROWSER to its path; .html and .md reports need no browser.",
        )
    )


def print_to_pdf(html_file: Path, pdf_file: Path, browser: str, workdir: Path) -> None:
    """Print a local HTML file with a headless browser; ReportError when it cannot."""
    command = [
        browser,
        "--headless",
        # The page is our own file with every data text escaped, printed offline; the
        # sandbox cannot start as root or in many containers.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        f"--user-data-dir={workdir / 'profile'}",  # never the user's own browser profile
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        f"--virtual-time-budget={SCRIPT_BUDGET_MS}",
        f"--print-to-pdf={pdf_file}",
        html_file.resolve().as_uri(),
    ]
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise ReportError(
            f"{Path(browser).name} did not finish printing the PDF in {PRINT_TIMEOUT_S:.0f} s."
        ) from None
    except OSError as error:
        raise ReportError(f"Could not start {browser} to print the PDF: {error}.") from None
    if not pdf_file.is_file() or pdf_file.read_bytes()[:5] != b"%PDF-":
        last = (finished.stderr.strip().splitlines() or ["no output"])[-1]
        raise ReportError(
            f"{Path(browser).name} did not write the PDF (exit {finished.returncode}): {last}"
        )


def render_pdf(report: WeeklyReport, *, browser: str = "") -> bytes:
    """The report as PDF bytes: A4 pages with the same sections and static charts.

    ``browser`` is the report_browser setting (a command or path; empty: search).
    """
    from analysis.report.html import render_html

    found = find_browser(browser)
    if found is None:
        raise _missing_browser(browser)
    with tempfile.TemporaryDirectory(prefix="brandpulse-pdf-") as folder:
        workdir = Path(folder)
        page, pdf = workdir / "report.html", workdir / "report.pdf"
        page.write_text(render_html(report, for_print=True), encoding="utf-8")
        print_to_pdf(page, pdf, found, workdir)
        return pdf.read_bytes()
