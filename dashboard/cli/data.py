"""Getting data in and looking at it: ``ingest``, ``sample``, ``demo`` (load, analyze, serve),
``dashboard`` and ``config``."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import db_option, echo_error, mapping_option, settings_for
from dashboard.cli.progress import (
    Reporter,
    ingest_paths,
    print_analysis,
    print_ingest_results,
)
from loaders.config import Settings, load_settings
from loaders.safe_text import shown_setting


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["review", "social"]),
    help="Kind of the documents (default: from preset or columns).",
)
@click.option(
    "--preset",
    help="Export preset, e.g. twitter, reddit, trustpilot, google_reviews, app_store, google_play, amazon.",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Map a field to a column; repeatable. Empty COLUMN unmaps.",
)
@mapping_option("Mapping TOML (preset, kind, source, brand, [columns]).")
@click.option("--brand", help="Brand for rows without a brand column value.")
@click.option("--source", help="Source name for rows without a source column value.")
@db_option(help="Database file (default ./brandpulse.duckdb or BRANDPULSE_DB).")
def ingest(
    paths: tuple[Path, ...],
    kind: str | None,
    preset: str | None,
    maps: tuple[str, ...],
    mapping_file: Path | None,
    brand: str | None,
    source: str | None,
    db: Path | None,
) -> None:
    """Load export files (CSV, TSV, JSON, JSON Lines, Parquet, Excel) or folders of them."""
    from loaders.ingest.mapping import load_mapping_file, parse_map_options

    options: dict[str, Any] = load_mapping_file(mapping_file) if mapping_file else {}
    columns = {**options.pop("columns", {}), **parse_map_options(maps)}
    explicit = {"kind": kind, "preset": preset, "brand": brand, "source": source}
    options.update({k: v for k, v in explicit.items() if v is not None})
    results, errors = ingest_paths(paths, settings_for(db), columns=columns, **options)
    if results:
        print_ingest_results(results)
    for error in errors:
        echo_error(error)
    if errors or not results:
        sys.exit(1)


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder (default: the bundled sample_data/).",
)
@click.option(
    "--seed",
    default=None,
    type=int,
    help="Random seed (default: the one the bundled files were made with).",
)
def sample(out: Path | None, seed: int | None) -> None:
    """Regenerate the sample data files (deterministic for a given seed)."""
    from loaders import demo_data as sample_data

    target = out or load_settings().sample_dir
    written = sample_data.write_sample(
        target, seed=sample_data.DEFAULT_SEED if seed is None else seed
    )
    for path, rows in written.items():
        click.echo(f"{path}: {rows:,} rows")


def _serve(settings: Settings, port: int | None) -> None:
    from dashboard.server import serve

    chosen = port or settings.dashboard_port
    click.echo(f"Dashboard on http://localhost:{chosen} (Ctrl+C stops it)")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C is how users stop it
        serve(settings, chosen)


@click.command()
@db_option()
@click.option("--port", type=int, help="Port on localhost (default 8501).")
def dashboard(db: Path | None, port: int | None) -> None:
    """Start the dashboard in the browser."""
    _serve(settings_for(db), port)


@click.command()
@db_option()
@click.option("--no-serve", is_flag=True, help="Load and analyze, but do not start the dashboard.")
@click.option("--port", type=int)
def demo(db: Path | None, no_serve: bool, port: int | None) -> None:
    """Load the bundled sample data (campaigns included), analyze it and open the dashboard."""
    from analysis.jobs.demo import DemoLoad, load_demo

    settings = settings_for(db)
    reporter = Reporter()

    def show_loaded(load: DemoLoad) -> None:  # before the analysis, which can take minutes
        reporter.close()
        print_ingest_results(load.ingested)
        click.echo(f"{load.campaigns} campaigns stored")

    with reporter:
        load = load_demo(
            settings, file_progress=reporter.file, loaded=show_loaded, analysis_progress=reporter
        )
    if load.errors:
        raise click.ClickException("; ".join(load.errors))
    print_analysis(load.analysis)
    if not no_serve:
        _serve(settings, port)


@click.command("config")
def show_config() -> None:
    """Show the effective settings and what each one does (keys and passwords hidden)."""
    settings = load_settings()
    for name, doc in Settings.field_docs().items():
        value = shown_setting(name, getattr(settings, name))
        click.echo(f"{name} = {value}\n    {doc} (env BRANDPULSE_{name.upper()})")
