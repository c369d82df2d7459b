"""The weekly report rendered by file suffix (.md, .html, .pdf) and saved next to others."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from analysis.report.content import WeeklyReport
from analysis.report.formats import REPORT_SUFFIXES
from analysis.report.html import render_html
from analysis.report.markdown import render_markdown
from loaders.errors import ReportError, explain


def render(report: WeeklyReport, suffix: str, *, browser: str = "") -> bytes:
    """The report as the bytes of a .html, .pdf or .md file."""
    suffix = suffix.lower()
    if suffix == ".html":
        return render_html(report).encode("utf-8")
    if suffix == ".md":
        return render_markdown(report).encode("utf-8")
    if suffix == ".pdf":
        from analysis.report.pdf import render_pdf

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
