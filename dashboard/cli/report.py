"""Reports: ``report`` (one week's report file) and ``weekly`` (inbox to report, for cron)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from analysis.report.formats import REPORT_FORMATS
from dashboard.cli.common import (
    db_option,
    echo_error,
    mapping_option,
    open_store,
    out_file_option,
    settings_for,
)
from dashboard.cli.progress import Reporter, print_analysis, print_ingest_results
from loaders.safe_text import visible


@click.command()
@click.option("--week", help="ISO week such as 2025-W41 (default: the last full week).")
@click.option(
    "--brand", help="The brand the report leads with (default: my brand, else all brands)."
)
@out_file_option("FILE.html (self-contained), FILE.pdf (printed by Chromium) or FILE.md.")
@db_option()
def report(week: str | None, brand: str | None, out: Path, db: Path | None) -> None:
    """The week's report: my brand's KPIs beside its competitors, trend, topics, spikes,
    campaigns, actions and posts."""
    from analysis.report.content import weekly_report
    from analysis.report.files import REPORT_SUFFIXES, save_report
    from loaders.workspace import my_brand

    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise click.UsageError(f"--out must end in {', '.join(REPORT_SUFFIXES)}; found {out.name}.")
    settings = settings_for(db)
    with open_store(settings, read_only=True) as con:
        mine = my_brand(con, settings)
        content = weekly_report(
            con,
            week,
            brand or mine,
            min_labels=settings.corrected_shares_min_labels,
            my_brand=mine,
        )
    save_report(content, out, browser=settings.report_browser)
    click.echo(f"Report for {content.week} written to {out}")


@click.command()
@click.option(
    "--inbox",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder the exports are dropped into; each file is ingested once.",
)
@click.option(
    "--outbox",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder the report is written to (brandpulse-<week>.<format>).",
)
@click.option("--week", help="ISO week such as 2025-W41 (default: the last full week).")
@click.option(
    "--brand", help="The brand the report leads with (default: my brand, else all brands)."
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(REPORT_FORMATS),
    default=("html", "pdf"),
    show_default=True,
    help="Report formats; repeatable.",
)
@mapping_option("Mapping TOML for the inbox's files (default: detected per file).")
@db_option()
def weekly(
    inbox: Path,
    outbox: Path,
    week: str | None,
    brand: str | None,
    formats: tuple[str, ...],
    mapping_file: Path | None,
    db: Path | None,
) -> None:
    """Ingest the inbox's new files, analyze them and write the week's report (for cron).

    Safe to run twice: files already loaded are skipped, and the report is replaced.
    Exits with 1 when a file could not be read or a report format failed.
    """
    from analysis.jobs.weekly import run_weekly
    from loaders.ingest.mapping import load_mapping_file

    options: dict[str, Any] = load_mapping_file(mapping_file) if mapping_file else {}
    with Reporter() as reporter:
        run = run_weekly(
            settings_for(db),
            inbox,
            outbox,
            week=week,
            brand=brand,
            formats=formats,
            ingest_options=options,
            file_progress=reporter.file,
            analysis_progress=reporter,
        )
    new = len(run.ingested) + len(run.campaigns) + len(run.failed)
    click.echo(
        f"Inbox {inbox}: {new} new file{'s' * (new != 1)}, {run.already_loaded} already loaded"
    )
    if run.ingested:
        print_ingest_results(run.ingested)
    for path, count in run.campaigns.items():
        click.echo(f"{path.name}: {count} campaigns imported")
    for path, message in run.failed.items():
        echo_error(message if path.name in message else f"{path}: {message}")
    for path in run.links_skipped:
        click.echo(f"Skipped link leaving the inbox: {visible(str(path))}", err=True)
    if run.analysis is not None:
        print_analysis(run.analysis)
    if run.week is None:
        click.echo("No report: there is no full week of data yet.")
    else:
        for path in run.reports:
            click.echo(f"Report for {run.week} written to {path}")
    for fmt, message in run.report_errors.items():
        echo_error(f"{fmt.upper()} report: {message}")
    if not run.ok:
        sys.exit(1)
