"""Replies to customers and the knowledge base they draw on: ``replies draft | list | review |
export`` and ``kb list | add | import | export | remove``. Nothing is ever published: approved
replies are exported for a person to post."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import db_option, format_table, open_store, period_of, settings_for
from dashboard.cli.progress import Reporter
from loaders.safe_text import visible


@click.group("replies")
def replies_group() -> None:
    """Reply drafts for negative posts: draft, list, review, export."""


@replies_group.command("draft")
@click.option("--week", help="ISO week such as 2025-W41 (default: the last 7 days with data).")
@click.option("--start", help="First day, e.g. 2025-10-06 (with --end).")
@click.option("--end", help="Last day (with --start).")
@click.option("--brand", help="The brand's posts (default: my brand, else every brand).")
@click.option("-n", "limit", default=50, show_default=True, help="How many posts at most.")
@click.option("--generator", help="Override the generator setting (e.g. template).")
@db_option()
def replies_draft(
    week: str | None,
    start: str | None,
    end: str | None,
    brand: str | None,
    limit: int,
    generator: str | None,
    db: Path | None,
) -> None:
    """Up to three reply drafts for each negative post of the period (and rule-queued posts)."""
    from dataclasses import replace

    from analysis.filters import Filters
    from analysis.suggestions.reply_queue import draft_for
    from analysis.suggestions.writer import generator_name
    from dashboard.cli.suggest import _writer

    settings = settings_for(db, generator=generator)
    with open_store(settings, read_only=True) as con:
        period = period_of(con, week, start, end)
    filters = Filters(brand=brand)
    if period is not None:
        filters = replace(filters, start=period.start, end=period.end)
    writer = _writer(settings)
    click.echo(f"Drafting replies with {generator_name(writer)} ...", err=True)
    with Reporter() as bars:
        results = draft_for(settings, filters, writer, bars, limit=limit)
    if not results:
        click.echo("No negative posts to reply to in this period.")
        return
    drafts = sum(len(r.drafts) for r in results)
    matched = sum(r.match is not None for r in results)
    click.echo(
        f"{drafts} drafts for {len(results)} posts ({matched} with a knowledge entry). "
        "Review them with `brandpulse replies list` or on the dashboard's Replies page."
    )


@replies_group.command("list")
@click.option("--status", type=click.Choice(("draft", "approved", "rejected")))
@db_option()
def replies_list(status: str | None, db: Path | None) -> None:
    """Stored reply drafts with their id, status, post and text."""
    from analysis.suggestions.reply_queue import list_replies

    with open_store(db, read_only=True) as con:
        found = list_replies(con, status)
    if not found:
        click.echo("No reply drafts yet: `brandpulse replies draft`.")
        return
    rows = [
        (
            r.id,
            r.status + (" (needs edit)" if r.needs_edit and r.status == "draft" else ""),
            r.brand or "",
            (r.post_text or "")[:40],
            "-" if r.entry_id is None else f"#{r.entry_id} {r.entry_similarity or 0:.2f}",
            r.final_text[:70],
        )
        for r in found
    ]
    click.echo(format_table(("id", "status", "brand", "post", "entry", "reply"), rows))


@replies_group.command("review")
@click.argument("reply_id", type=int)
@click.option("--approve", "status", flag_value="approved", help="Approve the draft.")
@click.option("--reject", "status", flag_value="rejected", help="Reject the draft.")
@click.option("--edit", "text", help="Replace the text with yours (checked again).")
@db_option()
def replies_review(reply_id: int, status: str | None, text: str | None, db: Path | None) -> None:
    """Approve, reject or edit a reply draft."""
    from analysis.suggestions.reply_queue import get_reply, review_reply

    if status is None and text is None:
        raise click.UsageError("Give --approve, --reject or --edit TEXT.")
    with open_store(db) as con:
        current = get_reply(con, reply_id)
        result = review_reply(con, reply_id, status or current.status, text)
    click.echo(f"{result.id}: {result.status}  {visible(result.final_text)}")
    for problem in result.problems:
        click.echo(f"   ! {visible(problem)}")


@replies_group.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="CSV file.")
@db_option()
def replies_export(out: Path | None, db: Path | None) -> None:
    """The approved replies as CSV (post id and URL, brand, post, reply, entry used)."""
    from analysis.suggestions.reply_queue import export_replies

    with open_store(db, read_only=True) as con:
        text = export_replies(con)
    if out is None:
        click.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    click.echo(f"{max(0, len(text.splitlines()) - 1)} approved replies written to {out}")


@click.group("kb")
def kb_group() -> None:
    """The knowledge base replies may draw on: list, add, import, export, remove."""


@kb_group.command("list")
@db_option()
def kb_list(db: Path | None) -> None:
    """Every entry with its id, brand, dates, issue and answer."""
    from loaders.knowledge import entries

    with open_store(db, read_only=True) as con:
        found = entries(con)
    if not found:
        click.echo("The knowledge base is empty: `brandpulse kb add` or `brandpulse kb import`.")
        return
    rows = [
        (
            e.id,
            e.brand or "(all)",
            f"{e.valid_from or ''}..{e.valid_until or ''}",
            e.issue[:40],
            e.answer[:60],
            len(e.links),
        )
        for e in found
    ]
    click.echo(format_table(("id", "brand", "valid", "issue", "answer", "links"), rows))


@kb_group.command("add")
@click.option("--issue", required=True, help="The problem or question the entry answers.")
@click.option("--answer", required=True, help="The brand's answer or policy.")
@click.option("--link", "links", multiple=True, help="An http(s) link (repeatable).")
@click.option("--from", "valid_from", help="First day it is valid (YYYY-MM-DD).")
@click.option("--until", "valid_until", help="Last day it is valid (YYYY-MM-DD).")
@click.option("--brand", help="The brand it is for (default: every brand).")
@db_option()
def kb_add(db: Path | None, **fields: Any) -> None:
    """Add an entry."""
    from loaders.knowledge import add_entry, check_entry

    try:
        entry = check_entry({**fields, "links": list(fields["links"])})
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    with open_store(db) as con:
        entry_id = add_entry(con, entry)
    click.echo(f"Entry #{entry_id} added.")


@kb_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option()
def kb_import(file: Path, db: Path | None) -> None:
    """Add or update entries from a TOML, CSV or JSON file; bad rows are listed, not stored."""
    from loaders.knowledge import import_file

    with open_store(db) as con:
        result = import_file(con, file)
    click.echo(result.summary())
    for number, reason in result.rejected:
        click.echo(f"   row {number}: {visible(reason)}")


@kb_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option()
def kb_export(file: Path, db: Path | None) -> None:
    """Write every entry to FILE (.toml, .csv or .json)."""
    from loaders.knowledge import export_file

    with open_store(db, read_only=True) as con:
        count = export_file(con, file)
    click.echo(f"{count} entries written to {file}")


@kb_group.command("remove")
@click.argument("entry_id", type=int)
@db_option()
def kb_remove(entry_id: int, db: Path | None) -> None:
    """Remove an entry (drafts that used it keep their text)."""
    from loaders.knowledge import remove_entry

    with open_store(db) as con:
        found = remove_entry(con, entry_id)
    if not found:
        raise click.UsageError(f"There is no entry #{entry_id}; see `brandpulse kb list`.")
    click.echo(f"Entry #{entry_id} removed.")
