"""The report file formats, by suffix and by name: constants only, so that the command line can
offer them as choices without importing the report's renderers."""

from __future__ import annotations

REPORT_SUFFIXES = (".html", ".pdf", ".md")
REPORT_FORMATS = tuple(suffix.lstrip(".") for suffix in REPORT_SUFFIXES)  # html, pdf, md
