"""``brandpulse db``: inspect the database (counts, ingest runs, quarantined rows) and delete
what was loaded by mistake (:mod:`loaders.store.deletion`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import db_option, format_table, open_store, settings_for


@click.group("db")
def db_group() -> None:
    """Inspect the database."""


@db_group.command("info")
@db_option()
@click.option("--runs", default=10, show_default=True, help="How many recent ingest runs to list.")
def db_info(db: Path | None, runs: int) -> None:
    """Counts by kind, source and brand, the date range, and recent ingest runs."""
    from loaders.store.deletion import DELETION_COLUMNS, recent_deletions
    from loaders.store.info import RUN_COLUMNS, store_info

    settings = settings_for(db)
    with open_store(settings, read_only=True) as con:
        info = store_info(con, runs)
        deletions = recent_deletions(con, runs)
    click.echo(f"Database {settings.db} (schema version {info.schema_version})")
    span = f"{info.first:%Y-%m-%d} to {info.last:%Y-%m-%d}" if info.first else "no documents yet"
    click.echo(f"{info.documents:,} documents, {span}; {info.campaigns} campaigns")
    if info.outside_window or info.after_now:
        click.echo(
            f"{info.outside_window:,} dated before year 2 or after 9998 (no chart shows them), "
            f"{info.after_now:,} dated after now: see `brandpulse db delete --help`"
        )
    click.echo("")
    for name, rows in info.counts.items():
        click.echo(format_table((name, "documents"), rows) + "\n")
    click.echo("Recent ingest runs:")
    click.echo(format_table(RUN_COLUMNS, info.runs) if info.runs else "(none)")
    if deletions:
        click.echo("\nDeletions (`brandpulse db delete`):")
        click.echo(format_table(DELETION_COLUMNS, deletions))


@db_group.command("rejected")
@click.argument("run_id", type=int)
@db_option()
@click.option("--limit", default=50, show_default=True)
def db_rejected(run_id: int, db: Path | None, limit: int) -> None:
    """Show the quarantined rows of one ingest run, with their reasons."""
    from loaders.store.info import rejected_rows

    with open_store(db, read_only=True) as con:
        rows = rejected_rows(con, run_id, limit)
    click.echo(
        format_table(("row", "reason", "raw"), [(r, reason, raw[:80]) for r, reason, raw in rows])
        if rows
        else f"No rejected rows for run {run_id}."
    )


# --- db delete: remove what was loaded by mistake (loaders.store.deletion) -------------------------------
def _deletion_ids(ids: str | None, ids_file: Path | None) -> tuple[str, ...]:
    found = [part.strip() for part in (ids or "").split(",")]
    if ids_file is not None:
        found += [line.strip() for line in ids_file.read_text(encoding="utf-8").splitlines()]
    return tuple(dict.fromkeys(doc_id for doc_id in found if doc_id))


def _deletion_summary(result: Any) -> str:
    runs = ", ".join(f"run {run}: {count:,}" for run, count in result.by_run.items())
    derived = ", ".join(f"{table} {count:,}" for table, count in result.derived.items())
    text = f"{result.documents:,} documents" + (f" ({runs})" if runs else "")
    text += f" matching {result.criteria}; derived rows: {derived}"
    if result.rejected_rows:
        text += f"; and the run's {result.rejected_rows:,} quarantined rows"
    return text


@db_group.command("delete")
@click.option("--run", "run_id", type=int, help="Documents inserted by this ingest run.")
@click.option("--ids", help="Document ids, comma-separated.")
@click.option(
    "--ids-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A file of document ids, one per line.",
)
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First UTC day (open if left out)."
)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last UTC day, included.")
@click.option("--after-now", is_flag=True, help="Documents dated in the future (e.g. 9999-12-31).")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@db_option()
def db_delete(
    run_id: int | None,
    ids: str | None,
    ids_file: Path | None,
    start: Any,
    end: Any,
    after_now: bool,
    dry_run: bool,
    yes: bool,
    db: Path | None,
) -> None:
    """Delete documents loaded by mistake, with their scores, labels, topics and campaign
    links, in one transaction. Criteria given together must all hold.

    It counts first and asks before deleting (--yes skips the question, --dry-run only
    counts). Ingest runs keep their counts; `db info` lists the deletions.
    E.g. `brandpulse db delete --from 2100-01-01` removes placeholder dates such as
    9999-12-31 and infinity; `--to 1999-12-31` removes year 1 and -infinity.
    """
    from loaders.store.deletion import Selection, delete_documents

    selection = Selection(
        run=run_id,
        ids=_deletion_ids(ids, ids_file),
        start=start.date() if start else None,
        end=end.date() if end else None,
        after_now=after_now,
    )
    settings = settings_for(db)
    if not (yes and not dry_run):
        with open_store(settings, read_only=True) as con:
            plan = delete_documents(con, selection, dry_run=True)
        click.echo("Would delete " + _deletion_summary(plan))
        if dry_run or not (plan.documents or plan.rejected_rows):
            return
        click.confirm("Delete them?", abort=True)
    with open_store(settings) as con:
        done = delete_documents(con, selection, dry_run=False)
    note = f" (deletion #{done.deletion_id}, listed by `db info`)" if done.deletion_id else ""
    click.echo(f"Deleted {_deletion_summary(done)}{note}.")
