"""Getting data in and looking at it: ``ingest``, ``sample``, ``demo`` (load, analyze, serve),
``dashboard``, ``config``, and ``data preview | runs | undo | remap`` (check a file before an
ingest, undo or re-map a run after it)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import (
    db_option,
    echo_error,
    format_table,
    mapping_option,
    open_store,
    settings_for,
)
from dashboard.cli.progress import (
    Reporter,
    ingest_paths,
    print_analysis,
    print_ingest_results,
)
from loaders.config import Settings, load_settings
from loaders.safe_text import shown_setting, visible


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


# --- data: look before an ingest, undo or re-map one after it (issue #21) ---------------------
@click.group("data")
def data_group() -> None:
    """Check a file before ingesting it; list, undo or re-map ingest runs."""


@data_group.command("preview")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def data_preview(path: Path) -> None:
    """Show the column mapping `ingest` would use for a file, without loading it."""
    from loaders.ingest.files import preview_file

    preview = preview_file(path, settings=settings_for(None))
    preset = preview.mapping.preset if preview.mapping else None
    click.echo(
        visible(f"{path.name}: {preview.format}, {len(preview.columns)} columns")
        + (f", preset {preset}" if preset else "")
    )
    click.echo(format_table(("field", "column"), sorted(preview.suggested.items())))
    if preview.problem:
        echo_error(preview.problem)
    if preview.brand_hint is not None:
        hint = preview.brand_hint
        click.echo(visible(f"note: {hint.summary()} Fix: {hint.fix()}"))


@data_group.command("runs")
@click.option("--limit", default=20, show_default=True, help="How many recent runs to list.")
@db_option()
def data_runs(limit: int, db: Path | None) -> None:
    """Recent ingest runs: what each read, what it still has stored, and whether it was undone."""
    from loaders.store.deletion import RUN_HISTORY_COLUMNS, run_history

    with open_store(db, read_only=True) as con:
        history = run_history(con, limit)
    click.echo(format_table(RUN_HISTORY_COLUMNS, history) if history else "No ingest runs yet.")


def _undo_summary(undo: Any) -> str:
    plan = undo.deletion
    derived = ", ".join(f"{table} {count:,}" for table, count in plan.derived.items() if count)
    text = f"{plan.documents:,} documents of run {undo.run}"
    text += f" (and derived rows: {derived})" if derived else ""
    if plan.rejected_rows:
        text += f" and its {plan.rejected_rows:,} quarantined rows"
    return text


def _later_duplicates_note(undo: Any) -> None:
    if undo.later_duplicates:
        runs = ", ".join(str(r) for r in undo.later_duplicates)
        click.echo(
            f"note: later runs {runs} counted duplicates and may have shared posts with run "
            f"{undo.run}; such posts were stored once, under run {undo.run}, and went with it "
            "(ingest those files again to restore them)."
        )


def _kept_note(undo: Any) -> None:
    kept = ", ".join(f"{table} {count:,}" for table, count in undo.kept.items() if count)
    if kept:
        click.echo(f"Kept for the posts that came back: {kept}.")


@data_group.command("undo")
@click.argument("run_id", type=int)
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@db_option()
def data_undo(run_id: int, dry_run: bool, yes: bool, db: Path | None) -> None:
    """Undo an ingest run: remove its documents with their scores, human labels (your
    corrections too), topics, tags and quarantined rows, in one transaction. The run stays
    listed as undone (`data runs`)."""
    from loaders.store.deletion import undo_run

    settings = settings_for(db)
    if not (yes and not dry_run):
        with open_store(settings, read_only=True) as con:
            plan = undo_run(con, run_id, dry_run=True)
        click.echo("Would remove " + _undo_summary(plan))
        if dry_run:
            return
        click.confirm(f"Undo run {run_id}?", abort=True)
    with open_store(settings) as con:
        done = undo_run(con, run_id)
    click.echo(
        f"Undid run {run_id}: removed {_undo_summary(done)} "
        f"(deletion #{done.deletion.deletion_id}; `brandpulse data runs` lists it as undone)."
    )
    _later_duplicates_note(done)


@data_group.command("remap")
@click.argument("run_id", type=int)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Change a field's column; repeatable. Empty COLUMN unmaps. The rest stays as the run mapped it.",
)
@mapping_option("Mapping TOML (kind, source, brand, [columns]) with the changes.")
@click.option("--kind", type=click.Choice(["review", "social"]), help="Change the kind.")
@click.option("--brand", help="Brand for rows without a brand column value.")
@click.option("--source", help="Source name for rows without a source column value.")
@db_option()
def data_remap(
    run_id: int,
    maps: tuple[str, ...],
    mapping_file: Path | None,
    kind: str | None,
    brand: str | None,
    source: str | None,
    db: Path | None,
) -> None:
    """Ingest a run's file again with a changed mapping, e.g. `--map brand=airline`; the run is
    undone in the same write (nothing changes when the file is gone or the mapping does not fit).
    Posts that come back keep their human labels and tags, and their scores and topics where
    the text is the same."""
    from loaders.ingest.mapping import load_mapping_file, parse_map_options
    from loaders.ingest.runs import remap_run

    options: dict[str, Any] = load_mapping_file(mapping_file) if mapping_file else {}
    changes = {**options.pop("columns", {}), **parse_map_options(maps)}
    kind, brand, source = (
        kind or options.get("kind"),
        brand or options.get("brand"),
        source or options.get("source"),
    )
    if not (changes or kind or brand or source):
        raise click.UsageError(
            "Nothing to change: give --map FIELD=COLUMN (or --mapping, --kind, --brand, --source)."
        )
    with Reporter() as reporter:
        result = remap_run(
            run_id,
            changes,
            settings=settings_for(db),
            kind=kind,
            brand=brand,
            source=source,
            progress=reporter.file(Path(f"run {run_id}")),
        )
    print_ingest_results([result])
    click.echo(
        f"Run {result.run_id} replaces run {run_id}: removed {_undo_summary(result.replaced)}."
    )
    _kept_note(result.replaced)
    _later_duplicates_note(result.replaced)
