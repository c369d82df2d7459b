"""The weekly report as Markdown (for email bodies, wikis and the CLI)."""

from __future__ import annotations

from analysis.report.content import WeeklyReport
from analysis.report.sections import Section, sections
from loaders.safe_text import markdown_literal


def section_markdown(section: Section, *, top: bool = False, table: bool = True) -> str:
    """One section as Markdown (``top``: the report's title; ``table``: with its table).
    Every text from the data stays literal."""
    out = [("# " if top else "## ") + markdown_literal(section.title), ""]
    for line in section.lines:
        out.append(("- " if section.bullets else "") + markdown_literal(line))
    if section.lines:
        out.append("")
    if table:
        out.append(table_markdown(section))
    return "\n".join(out).rstrip("\n") + "\n"


def table_markdown(section: Section) -> str:
    """The section's table as Markdown, or "" when it has none."""
    if not (section.header and section.rows):
        return ""
    out = ["| " + " | ".join(markdown_literal(h) for h in section.header) + " |"]
    out.append("|" + "---|" * len(section.header))
    out += ["| " + " | ".join(markdown_literal(c) for c in row) + " |" for row in section.rows]
    return "\n".join(out) + "\n"


def render_markdown(report: WeeklyReport) -> str:
    """The report as Markdown; every text from the data is escaped to stay literal."""
    return "\n".join(
        section_markdown(section, top=number == 0)
        for number, section in enumerate(sections(report))
    )
