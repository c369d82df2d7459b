"""The ``brandpulse`` command line: ingest, analyze, train, models, labels, topics, dashboard."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from analysis.jobs.weekly import REPORT_FORMATS
from loaders.config import Settings, load_settings
from loaders.errors import BrandpulseError
from loaders.safe_text import shown_setting, visible

STAGE_SPAN = {"reading": (0, 40), "checking": (40, 70), "writing": (70, 100), "done": (100, 100)}


class _Group(click.Group):
    """Shows expected errors as one line (``Error: ...``) and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrandpulseError as error:
            # Messages name files, headers and brands: their control characters made visible.
            raise click.ClickException(visible(error)) from None


def _settings(db: Path | None) -> Settings:
    return load_settings({"db": db})


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table (numbers right-aligned, with thousands separators); control
    and bidi characters in cells are shown as escapes, so a value cannot break the table or
    drive the terminal."""

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, int):
            return f"{value:,}"
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d %H:%M")
        return visible(value)

    header = [visible(h) for h in header]
    text_rows = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in text_rows)]) for i, h in enumerate(header)]
    numeric = [
        bool(rows) and all(isinstance(row[i], int) for row in rows) for i in range(len(header))
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c.rjust(w) if numeric[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    lines = [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in text_rows)]
    return "\n".join(lines)


def _expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given, and the supported files inside folders (not hidden ones)."""
    from loaders.ingest.inbox import export_files

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += export_files(path)
        else:
            files.append(path)
    return files


class FileBars:
    """One tqdm bar per file for ingest progress callbacks, closed when the next starts."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, path: Path) -> Any:
        from tqdm import tqdm

        self.close()
        bar = tqdm(
            total=100, desc=path.name[:30], unit="%", leave=False, disable=None, file=sys.stderr
        )
        self.bar = bar

        def progress(stage: str, fraction: float) -> None:
            low, high = STAGE_SPAN.get(stage, (0, 100))
            bar.set_postfix_str(stage)
            bar.update(max(0, int(low + (high - low) * fraction) - bar.n))

        return progress

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = None


def ingest_paths(
    paths: Sequence[Path], settings: Settings, **options: Any
) -> tuple[list[Any], list[str]]:
    """Ingest each file with a progress bar; returns the results and the one-line errors."""
    from loaders.ingest.files import ingest_file

    results, errors = [], []
    bars = FileBars()
    try:
        for path in _expand(paths):
            try:
                results.append(ingest_file(path, settings=settings, progress=bars(path), **options))
            except BrandpulseError as error:
                message = str(error)
                errors.append(message if path.name in message else f"{path}: {message}")
    finally:
        bars.close()
    return results, errors


def _print_results(results: Sequence[Any]) -> None:
    rows = [
        (
            r.file.name,
            r.kind,
            r.preset or "-",
            r.rows_read,
            r.inserted,
            r.duplicates,
            r.rejected,
            "-" if r.lines_read is None else r.lines_read,
            f"{r.seconds:.1f}s",
        )
        for r in results
    ]
    if len(results) > 1:
        rows.append(
            (
                "total",
                "",
                "",
                *(
                    sum(getattr(r, k) for r in results)
                    for k in ("rows_read", "inserted", "duplicates", "rejected")
                ),
                sum(r.lines_read or 0 for r in results),
                "",
            )
        )
    click.echo(
        format_table(
            (
                "file",
                "kind",
                "preset",
                "read",
                "inserted",
                "duplicates",
                "rejected",
                "lines",
                "time",
            ),
            rows,
        )
    )
    for result in results:
        for warning in result.warnings:
            click.echo(visible(f"note: {result.file.name}: {warning}"))
        if result.rejected:
            click.echo(
                f"note: {visible(result.file.name)}: {result.rejected:,} rows quarantined; see `brandpulse db rejected {result.run_id}`"
            )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="brandpulse")
def cli() -> None:
    """Brandpulse: sentiment and campaign insight from reviews and social posts."""


@cli.command()
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
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Mapping TOML (preset, kind, source, brand, [columns]).",
)
@click.option("--brand", help="Brand for rows without a brand column value.")
@click.option("--source", help="Source name for rows without a source column value.")
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Database file (default ./brandpulse.duckdb or BRANDPULSE_DB).",
)
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
    results, errors = ingest_paths(paths, _settings(db), columns=columns, **options)
    if results:
        _print_results(results)
    for error in errors:
        click.echo(f"Error: {visible(error)}", err=True)
    if errors or not results:
        sys.exit(1)


@cli.group()
def db() -> None:
    """Inspect the database."""


@db.command("info")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--runs", default=10, show_default=True, help="How many recent ingest runs to list.")
def db_info(db_path: Path | None, runs: int) -> None:
    """Counts by kind, source and brand, the date range, and recent ingest runs."""
    from loaders import store
    from loaders.store.deletion import DELETION_COLUMNS, recent_deletions
    from loaders.store.info import RUN_COLUMNS, store_info

    settings = _settings(db_path)
    with store.session(settings=settings, read_only=True) as con:
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


@db.command("rejected")
@click.argument("run_id", type=int)
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--limit", default=50, show_default=True)
def db_rejected(run_id: int, db_path: Path | None, limit: int) -> None:
    """Show the quarantined rows of one ingest run, with their reasons."""
    from loaders import store
    from loaders.store.info import rejected_rows

    with store.session(settings=_settings(db_path), read_only=True) as con:
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


@db.command("delete")
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
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False))
def db_delete(
    run_id: int | None,
    ids: str | None,
    ids_file: Path | None,
    start: Any,
    end: Any,
    after_now: bool,
    dry_run: bool,
    yes: bool,
    db_path: Path | None,
) -> None:
    """Delete documents loaded by mistake, with their scores, labels, topics and campaign
    links, in one transaction. Criteria given together must all hold.

    It counts first and asks before deleting (--yes skips the question, --dry-run only
    counts). Ingest runs keep their counts; `db info` lists the deletions.
    E.g. `brandpulse db delete --from 2100-01-01` removes placeholder dates such as
    9999-12-31 and infinity; `--to 1999-12-31` removes year 1 and -infinity.
    """
    from loaders import store
    from loaders.store.deletion import Selection, delete_documents

    selection = Selection(
        run=run_id,
        ids=_deletion_ids(ids, ids_file),
        start=start.date() if start else None,
        end=end.date() if end else None,
        after_now=after_now,
    )
    settings = _settings(db_path)
    if not (yes and not dry_run):
        with store.session(settings=settings, read_only=True) as con:
            plan = delete_documents(con, selection, dry_run=True)
        click.echo("Would delete " + _deletion_summary(plan))
        if dry_run or not (plan.documents or plan.rejected_rows):
            return
        click.confirm("Delete them?", abort=True)
    with store.session(settings=settings) as con:
        done = delete_documents(con, selection, dry_run=False)
    note = f" (deletion #{done.deletion_id}, listed by `db info`)" if done.deletion_id else ""
    click.echo(f"Deleted {_deletion_summary(done)}{note}.")


@cli.group()
def campaigns() -> None:
    """Manage campaign definitions."""


@campaigns.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def campaigns_import(path: Path, db: Path | None) -> None:
    """Import campaigns from a CSV (name, start, end, channels, hashtags, utm_campaign, keywords, budget)."""
    from loaders.campaigns import import_campaigns

    click.echo(
        f"{import_campaigns(path, settings=_settings(db))} campaigns stored from {path.name}"
    )


@campaigns.command("results")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def campaigns_results(db: Path | None) -> None:
    """Each campaign side by side: posts, brand sentiment before/during, uplift, share of voice."""
    from analysis.campaigns.results import compare_campaigns
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        results = compare_campaigns(con)
    if not results:
        click.echo("No campaigns yet: `brandpulse campaigns import FILE`.")
        return

    def signed(value: float | None) -> str:
        return "" if value is None else f"{value:+.2f}"

    rows = []
    for r in results:
        voice = r.share_of_voice
        uplift = f"{r.uplift[0]:+.2f} [{r.uplift[1]:+.2f}, {r.uplift[2]:+.2f}]" if r.uplift else ""
        rows.append(
            (
                r.name,
                f"{r.start} to {r.end}",
                r.campaign_posts.documents,
                signed(r.campaign_posts.net),
                signed(r.brand_windows["before"].net),
                signed(r.brand_windows["during"].net),
                uplift,
                r.verdict,
                "" if voice["during"] is None else f"{voice['during']:.0%}",
            )
        )
    click.echo(
        format_table(
            (
                "campaign",
                "dates",
                "posts",
                "posts net",
                "brand net before",
                "during",
                "uplift [95% CI]",
                "verdict",
                "share of voice",
            ),
            rows,
        )
    )


@cli.command()
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
    from loaders import sample as sample_data

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


@cli.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--port", type=int, help="Port on localhost (default 8501).")
def dashboard(db: Path | None, port: int | None) -> None:
    """Start the dashboard in the browser."""
    _serve(_settings(db), port)


@cli.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--no-serve", is_flag=True, help="Load and analyze, but do not start the dashboard.")
@click.option("--port", type=int)
def demo(db: Path | None, no_serve: bool, port: int | None) -> None:
    """Load the bundled sample data (campaigns included), analyze it and open the dashboard."""
    from loaders import sample as sample_data
    from loaders.campaigns import import_campaigns

    settings = _settings(db)
    folder = settings.sample_dir
    results, errors = ingest_paths(
        [folder / name for name in sample_data.DOCUMENT_FILES], settings, brand=None
    )
    if errors:
        raise click.ClickException("; ".join(errors))
    _print_results(results)
    click.echo(
        f"{import_campaigns(folder / sample_data.CAMPAIGNS_FILE, settings=settings)} campaigns stored"
    )
    _run_analysis(settings)
    if not no_serve:
        _serve(settings, port)


class StageBars:
    """tqdm bars for ``(stage, done, total)`` progress callbacks: one bar per stage."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.bar: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(total=total, desc=stage, leave=False, disable=None, file=sys.stderr)
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.stage = None, None


def _run_analysis(settings: Settings, *, refit_topics: bool = False, topics: bool = True) -> None:
    from analysis.jobs.analysis_pass import analyze_all

    bars = StageBars()
    try:
        result = analyze_all(settings, refit_topics=refit_topics, topics=topics, progress=bars)
    finally:
        bars.close()
    _print_analysis(result)


def _print_analysis(result: Any) -> None:
    _print_sentiment(result.sentiment)
    if result.topic_problem:
        click.echo(f"Topics: not fitted. {result.topic_problem}")
    elif result.topics is not None:
        _print_topics(result.topics)


def _print_topics(result: Any) -> None:
    from analysis.topics.fit import FitResult

    if isinstance(result, FitResult):
        carried = (
            f"; kept {result.carried_labels} renamed and {result.carried_merges} merged topics"
            if result.carried_labels or result.carried_merges
            else ""
        )
        click.echo(
            f"Topics: fitted run {result.run_id} on {result.n_texts:,} distinct texts in "
            f"{result.seconds:.0f}s: {result.n_topics} topics, "
            f"{result.outlier_share:.1%} of documents without a topic "
            f"({result.embedded:,} texts embedded, the rest cached){carried}"
        )
    elif result.assigned or result.outliers:
        click.echo(
            f"Topics: assigned {result.assigned:,} new documents to the current topics "
            f"({result.outliers:,} fit none) in {result.seconds:.1f}s; "
            "`brandpulse analyze --refit-topics` refits"
        )
    else:
        click.echo("Topics: every document already has a topic")


def _print_sentiment(result: Any) -> None:
    if not result.model_version:
        click.echo("No documents yet: ingest files first (or run `brandpulse demo`).")
        return
    if result.model_built:
        click.echo(f"Built the offline default sentiment model {result.model_version}")
    skipped = sum(result.skipped.values())
    if not result.scored and not skipped:
        click.echo(f"Sentiment: every document is already scored by {result.model_version}")
        return
    rate = result.scored / result.seconds if result.seconds else 0
    click.echo(
        f"Sentiment: scored {result.scored:,} documents ({result.unique_texts:,} distinct texts) "
        f"with {result.model_version} in {result.seconds:.1f}s ({rate:,.0f} docs/s)"
    )
    for reason, count in result.skipped.items():
        click.echo(f"note: {count:,} documents have no sentiment label: {reason}")
    other = {k: v for k, v in result.languages.items() if k not in ("en", "unknown")}
    if other:
        click.echo(
            "Languages other than English: " + ", ".join(f"{k} {v:,}" for k, v in other.items())
        )


@cli.command()
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--quantize/--no-quantize", default=None, help="int8 dynamic quantization (faster on CPU)."
)
@click.option("--batch-size", type=int, help="Texts per batch (default 64).")
@click.option(
    "--refit-topics", is_flag=True, help="Fit a new topic model instead of assigning new documents."
)
@click.option("--no-topics", is_flag=True, help="Only score sentiment.")
def analyze(
    db: Path | None,
    quantize: bool | None,
    batch_size: int | None,
    refit_topics: bool,
    no_topics: bool,
) -> None:
    """Score sentiment and assign topics for documents not analyzed yet.

    The first run fits the topic model; later runs give new documents the nearest
    current topic without refitting, until --refit-topics.
    """
    settings = load_settings(
        {"db": db, "sentiment_quantize": quantize, "sentiment_batch_size": batch_size}
    )
    _run_analysis(settings, refit_topics=refit_topics, topics=not no_topics)


@cli.command()
@click.option(
    "--data",
    "data_files",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Labeled CSV/TSV/Parquet/JSON Lines file; repeat to mix files.",
)
@click.option("--text-col", help="Text column (default: text, review, content, ...).")
@click.option(
    "--label-col", help="Label column (default: label, sentiment, ...; or the rating column)."
)
@click.option(
    "--label-from-rating",
    is_flag=True,
    help="Labels from 1-5 stars: 1-2 negative, 3 neutral, 4-5 positive.",
)
@click.option(
    "--base", help="Encoder to fine-tune: Hugging Face id or folder (default all-MiniLM-L6-v2)."
)
@click.option("--epochs", type=float, default=3.0, show_default=True)
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--learning-rate", type=float, default=8e-5, show_default=True)
@click.option("--max-steps", type=int, help="Stop after this many steps (quick trials).")
@click.option(
    "--sample",
    "sample_rows",
    type=int,
    help="Use at most this many rows of each --data file (seeded, per label).",
)
@click.option(
    "--eval",
    "eval_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Labeled file to evaluate on; repeatable (default: 10% held out).",
)
@click.option(
    "--include-corrections", is_flag=True, help="Add the human corrections from the database."
)
@click.option("--version", "version_name", help="Version name (default trained-<UTC time>).")
@click.option(
    "--use/--no-use", default=True, show_default=True, help="Make the new model the active one."
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def train(
    data_files: tuple[Path, ...],
    text_col: str | None,
    label_col: str | None,
    label_from_rating: bool,
    base: str | None,
    epochs: float,
    batch_size: int,
    learning_rate: float,
    max_steps: int | None,
    sample_rows: int | None,
    eval_files: tuple[Path, ...],
    include_corrections: bool,
    version_name: str | None,
    use: bool,
    db: Path | None,
) -> None:
    """Fine-tune a sentiment model on labeled data and register it."""
    from analysis.sentiment.trainer import train_and_register
    from analysis.sentiment.training import TrainingConfig, read_labeled_file, sample_examples

    settings = _settings(db)
    options = {"text_col": text_col, "label_col": label_col, "label_from_rating": label_from_rating}
    data = [read_labeled_file(path, **options) for path in data_files]
    if sample_rows:
        for d in data:
            d.examples = sample_examples(d.examples, sample_rows)
    evals = {path.name: read_labeled_file(path, text_col=text_col).examples for path in eval_files}
    for d in data:
        kind = "two-class" if d.examples[0].two_class else "three-class"
        click.echo(f"{Path(d.source).name}: {len(d.examples):,} {kind} examples")
        for reason, count in d.skipped.items():
            click.echo(f"note: {Path(d.source).name}: {count:,} rows not used ({reason})")
    config = TrainingConfig(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, max_steps=max_steps
    )
    bars = StageBars()
    try:
        trained = train_and_register(
            settings,
            data,
            base=base,
            config=config,
            eval_sets=evals,
            include_corrections=include_corrections,
            activate=use,
            version=version_name,
            progress=bars,
        )
    finally:
        bars.close()
    click.echo(
        f"Model {trained.version} written to {trained.path} ({trained.log['steps']} steps, {trained.log['seconds']:.0f}s)"
    )
    for name, m in trained.metrics.items():
        click.echo(
            f"  {name}: accuracy {m['accuracy']:.3f}, macro recall {m['macro_recall']:.3f}, macro F1 {m['macro_f1']:.3f} (n={m['n']:,})"
        )
    if use:
        click.echo(
            "It is now the active model; `brandpulse analyze` re-scores the documents with it."
        )


@cli.group()
def models() -> None:
    """List, add and switch sentiment models."""


@models.command("list")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def models_list(db: Path | None) -> None:
    """Registered sentiment models; * marks the active one."""
    from analysis.sentiment import registry
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        found = registry.list_models(con)
    if not found:
        click.echo(
            "No models yet: `brandpulse analyze` builds the offline default, `brandpulse train` adds one."
        )
        return

    def headline(metrics: dict[str, Any]) -> str:
        return "; ".join(
            f"{name[:24]}: macro recall {m['macro_recall']:.3f}" for name, m in metrics.items()
        )

    rows = [
        (
            "*" if m.active else "",
            m.version,
            m.kind,
            m.created_at,
            m.scored,
            headline(m.metrics),
            m.source,
        )
        for m in found
    ]
    click.echo(
        format_table(("", "version", "kind", "created", "scored", "evaluation", "source"), rows)
    )


@models.command("use")
@click.argument("version")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def models_use(version: str, db: Path | None) -> None:
    """Make VERSION the active model (the next `analyze` scores with it)."""
    from analysis.sentiment import registry
    from loaders import store

    with store.session(settings=_settings(db)) as con:
        record = registry.use(con, version)
    click.echo(
        f"Active model: {record.version}. Run `brandpulse analyze` to score documents with it."
    )


@models.command("add")
@click.argument("source")
@click.option(
    "--label-map",
    help="Class names to ours, e.g. LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive.",
)
@click.option("--use/--no-use", default=False, show_default=True)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def models_add(source: str, label_map: str | None, use: bool, db: Path | None) -> None:
    """Register a ready classifier: Hugging Face id or folder (checked by loading it)."""
    from analysis.sentiment import registry
    from analysis.sentiment.labels import parse_label_map
    from analysis.sentiment.model import load_model
    from loaders import store

    mapping = parse_label_map(label_map)
    loaded = load_model(source, label_map=mapping)
    version = registry.hub_version(source)
    with store.session(settings=_settings(db)) as con:
        registry.register(
            con,
            version=version,
            kind=loaded.kind,
            source=source,
            label_map=mapping or None,
            activate=use,
        )
    click.echo(
        f"Registered {version} (outputs: {', '.join(loaded.output_labels)})"
        + (" and made it active" if use else "")
    )


@cli.group()
def labels() -> None:
    """Human corrections of sentiment labels."""


@labels.command("add")
@click.argument("doc_id")
@click.argument("label", type=click.Choice(["negative", "neutral", "positive"]))
@click.option("--note")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def labels_add(doc_id: str, label: str, note: str | None, db: Path | None) -> None:
    """Correct DOC_ID's sentiment; the human label wins in every aggregate."""
    from analysis.sentiment.corrections import add_correction

    add_correction(_settings(db), doc_id, label, note)
    click.echo(f"{doc_id} is now {label}")


@labels.command("queue")
@click.option("-n", "limit", default=20, show_default=True)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def labels_queue(limit: int, db: Path | None) -> None:
    """The documents the active model is least sure about, to label first."""
    from analysis.sentiment.corrections import least_certain
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        queue = least_certain(con, limit)
    rows = [(d.doc_id, d.label, f"{d.margin:.2f}", d.text[:70].replace("\n", " ")) for d in queue]
    click.echo(
        format_table(("doc_id", "model says", "margin", "text"), rows)
        if rows
        else "Nothing to label: score documents first."
    )


@cli.group()
def topics() -> None:
    """Topics found in the documents: list, rename, merge, emerging, spikes."""


@topics.command("list")
@click.option("--examples", is_flag=True, help="Show the representative documents too.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def topics_list(examples: bool, db: Path | None) -> None:
    """Topics of the current model with size, share negative and keywords."""
    from analysis.topics.edits import list_topics
    from analysis.topics.trends import topic_sentiment
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        found = list_topics(con)
        sentiment = {row["topic"]: row for row in topic_sentiment(con)}
    if not found:
        click.echo("No topics yet: run `brandpulse analyze`.")
        return
    rows = []
    for topic in found:
        negative = sentiment.get(topic.topic, {}).get("share_negative")
        rows.append(
            (
                topic.topic,
                topic.name,
                topic.size,
                "" if negative is None else f"{negative:.0%}",
                ", ".join(topic.keywords[:5]),
            )
        )
    click.echo(format_table(("topic", "name", "documents", "negative", "keywords"), rows))
    if examples:
        for topic in found:
            click.echo(f"\n[{topic.topic}] {visible(topic.name)}")
            for _, text in topic.examples:
                click.echo(f"  - {visible(text[:160])}")


@topics.command("rename")
@click.argument("topic", type=int)
@click.argument("name")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def topics_rename(topic: int, name: str, db: Path | None) -> None:
    """Name TOPIC yourself (kept across refits); an empty NAME restores the generated label."""
    from analysis.topics.edits import rename_topic

    rename_topic(_settings(db), topic, name)
    click.echo(f"Topic {topic} is now called '{name}'." if name.strip() else "Name reset.")


@topics.command("merge")
@click.argument("topics_to_merge", nargs=-1, type=int, required=True)
@click.option("--into", "into", type=int, required=True, help="The topic that absorbs the others.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def topics_merge(topics_to_merge: tuple[int, ...], into: int, db: Path | None) -> None:
    """Merge TOPICS into one (kept across refits)."""
    from analysis.topics.edits import merge_topics

    merge_topics(_settings(db), topics_to_merge, into)
    click.echo(f"Merged {', '.join(map(str, topics_to_merge))} into topic {into}.")


@topics.command("emerging")
@click.option("--week", help="ISO week such as 2025-W41 (default: the latest week).")
@click.option("--all", "show_all", is_flag=True, help="Show every topic, not only emerging ones.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def topics_emerging(week: str | None, show_all: bool, db: Path | None) -> None:
    """Topics growing significantly in a week against the four weeks before."""
    from analysis.periods import iso_week
    from analysis.topics.trends import emerging_topics
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        found = emerging_topics(con, week)
    shown = found if show_all else [e for e in found if e.emerging]
    if not found:
        click.echo("No topics yet: run `brandpulse analyze`.")
        return
    click.echo(f"Week {iso_week(found[0].week)}:")
    if not shown:
        click.echo("No emerging topics.")
        return
    rows = [
        (
            e.topic,
            e.name,
            e.documents,
            f"{e.baseline_weekly:.1f}",
            f"{e.growth:.1f}x",
            f"{e.p_value:.1e}",
            "yes" if e.emerging else "",
        )
        for e in shown
    ]
    click.echo(
        format_table(
            ("topic", "name", "this week", "weekly before", "growth", "p", "emerging"), rows
        )
    )


@topics.command("spikes")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def topics_spikes(db: Path | None) -> None:
    """Weeks whose volume or negative share jumped, and the topics that drove it."""
    from analysis.periods import iso_week
    from analysis.topics.spikes import detect_spikes
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        spikes = detect_spikes(con)
    if not spikes:
        click.echo("No spikes.")
        return
    for spike in spikes:
        if spike.metric == "volume":
            headline = f"volume {spike.value:,.0f} vs {spike.baseline:,.0f} a week before"
        else:
            headline = f"negative share {spike.value:.0%} vs {spike.baseline:.0%} before"
        drivers = ", ".join(
            f"{d.name} ({d.share_of_change:.0%})" for d in spike.drivers[:3] if d.change > 0
        )
        click.echo(f"{iso_week(spike.week)}  {headline}; drivers: {visible(drivers)}")


@cli.command()
@click.option("--week", help="ISO week such as 2025-W41 (default: the last 7 days with data).")
@click.option(
    "--brand", "own_brand", help="Your brand: cards about it; others count as competitors."
)
@click.option("-n", "limit", default=8, show_default=True, help="How many cards.")
@click.option("--examples/--no-examples", default=True, show_default=True)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def insights(
    week: str | None, own_brand: str | None, limit: int, examples: bool, db: Path | None
) -> None:
    """The notable facts of a week, ranked, each with its figures and example posts."""
    from analysis.insight.cards import insight_cards
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        period = _period_of(con, week, None, None)
        if period is None:
            click.echo("No documents yet: ingest files first (or run `brandpulse demo`).")
            return
        cards = insight_cards(con, period, own_brand=own_brand, limit=limit)
    click.echo(f"{period.start} to {period.end}, against the {period.days} days before:")
    if not cards:
        click.echo("Nothing notable.")
    for number, card in enumerate(cards, 1):
        _print_card(number, card, examples)


def _period_of(con: Any, week: str | None, start: str | None, end: str | None) -> Any:
    """The period a command reports on: an ISO week, explicit dates, or the last 7 days."""
    from datetime import date, timedelta

    from analysis.periods import Period, default_period, parse_week

    if week and (start or end):
        raise click.UsageError("Give either --week or --start/--end, not both.")
    if week:
        monday = parse_week(week)
        return Period(monday, monday + timedelta(days=6))
    if start or end:
        if not (start and end):
            raise click.UsageError("--start and --end go together.")
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            raise click.UsageError(
                f"Dates must look like 2025-10-06; found {start} and {end}."
            ) from None
        if last < first:
            raise click.UsageError("--end is before --start.")
        return Period(first, last)
    return default_period(con)


def _print_card(number: int, card: Any, examples: bool) -> None:
    click.echo(f"\n{number}. [{card.kind}] {visible(card.title)}")
    if examples:
        for post in card.examples:
            click.echo(f"   - {visible(' '.join(post['text'].split())[:150])}")


FORMAT_CHOICES = ("social_post", "email_subject", "ad_headline", "review_reply")


@cli.command()
@click.option("--week", help="ISO week such as 2025-W41 (default: the last 7 days with data).")
@click.option("--start", help="First day of the period, YYYY-MM-DD (with --end).")
@click.option("--end", help="Last day of the period, YYYY-MM-DD (with --start).")
@click.option("--brand", "own_brand", help="Your brand: the copy speaks for it.")
@click.option("--cards", "card_limit", default=3, show_default=True, help="How many top cards.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMAT_CHOICES),
    help="Copy formats (repeatable; default: all four).",
)
@click.option("--variants", default=3, show_default=True, help="Variants per format.")
@click.option("--tone", default="friendly", show_default=True)
@click.option("--require", multiple=True, help="A keyword every variant must contain (repeatable).")
@click.option("--ban", multiple=True, help="A word no variant may contain (repeatable).")
@click.option(
    "--max-new-tokens", type=int, help="Longest answer in tokens (default: suits each format)."
)
@click.option("--temperature", default=0.7, show_default=True)
@click.option("--top-k", default=40, show_default=True)
@click.option("--top-p", default=0.9, show_default=True)
@click.option("--seed", type=int, help="Fixes sampling, for repeatable drafts.")
@click.option(
    "--generator",
    help="smollm2, openai, template, or a Hugging Face causal LM id or folder "
    "(default: the generator setting).",
)
@click.option(
    "--save/--no-save", default=True, show_default=True, help="Store as drafts to review."
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def suggest(
    week: str | None,
    start: str | None,
    end: str | None,
    own_brand: str | None,
    card_limit: int,
    formats: tuple[str, ...],
    variants: int,
    tone: str,
    require: tuple[str, ...],
    ban: tuple[str, ...],
    max_new_tokens: int | None,
    temperature: float,
    top_k: int,
    top_p: float,
    seed: int | None,
    generator: str | None,
    save: bool,
    db: Path | None,
) -> None:
    """The period's insight cards, each with a recommended play and checked copy variants."""
    from analysis.insight.cards import insight_cards
    from analysis.suggestions.generators import make_generator
    from analysis.suggestions.plays import FORMAT_NAMES, SuggestOptions
    from analysis.suggestions.review import save_suggestions
    from analysis.suggestions.writer import generator_name, known_names, suggest_for_cards
    from loaders import store

    settings = load_settings({"db": db, "generator": generator})
    options = SuggestOptions(
        formats=formats or FORMAT_CHOICES,
        variants=variants,
        tone=tone,
        required=require,
        banned=ban,
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        seed=seed,
    )
    # Read, then let go of the database while the model writes (that can take minutes).
    with store.session(settings=settings, read_only=True) as con:
        period = _period_of(con, week, start, end)
        if period is None:
            click.echo("No documents yet: ingest files first (or run `brandpulse demo`).")
            return
        cards = insight_cards(con, period, own_brand=own_brand, limit=card_limit)
        names = known_names(con)
    click.echo(f"{period.start} to {period.end}, against the {period.days} days before:")
    if not cards:
        click.echo("Nothing notable, so nothing to suggest.")
        return
    from loaders.errors import GeneratorError

    try:
        writer = make_generator(settings)
    except GeneratorError as error:  # fixed phrasings still make a useful draft
        click.echo(f"Generator unavailable, fixed phrasings used: {visible(error)}", err=True)
        writer = None
    click.echo(f"Writing with {generator_name(writer)} ...", err=True)
    bars = StageBars()
    try:
        results = suggest_for_cards(cards, writer, options, names, brand=own_brand, progress=bars)
    finally:
        bars.close()
    for number, result in enumerate(results, 1):
        _print_card(number, result.card, examples=True)
        click.echo(f"   Play: {result.play.name}. {result.action}")
        for note in result.notes:
            click.echo(f"   Generator unavailable, fixed phrasings used: {visible(note)}")
        for fmt in options.formats:
            click.echo(f"   {FORMAT_NAMES[fmt].capitalize()}:")
            for variant in (v for v in result.variants if v.format == fmt):
                marker = "" if variant.source == "model" else " (template)"
                click.echo(f"     * {visible(variant.text)}{marker}")
                for problem in variant.problems:
                    click.echo(f"       ! {problem}")
    if save:
        with store.session(settings=settings) as con:
            ids = save_suggestions(
                con, results, period.start, period.end, options, generator_name(writer)
            )
        click.echo(
            f"\n{len(ids)} drafts stored: review them on the dashboard's Suggestions page or "
            "with `brandpulse suggestions`."
        )


@cli.group()
def suggestions() -> None:
    """Review stored suggestions: list, approve, reject, edit, export."""


@suggestions.command("list")
@click.option("--status", type=click.Choice(("draft", "approved", "rejected")))
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def suggestions_list(status: str | None, db: Path | None) -> None:
    """Stored suggestions with their id, status and text."""
    from analysis.suggestions.review import list_suggestions
    from loaders import store

    with store.session(settings=_settings(db), read_only=True) as con:
        found = list_suggestions(con, status=status)
    if not found:
        click.echo("No suggestions yet: `brandpulse suggest`.")
        return
    rows = [
        (
            s.id,
            s.status,
            f"{s.period_start}..{s.period_end}",
            s.card_kind,
            s.format,
            s.final_text[:70],
        )
        for s in found
    ]
    click.echo(format_table(("id", "status", "period", "card", "format", "text"), rows))


def _review(db: Path | None, ids: tuple[int, ...], **change: Any) -> None:
    from analysis.suggestions.review import review_suggestion
    from loaders import store

    with store.session(settings=_settings(db)) as con:
        for suggestion_id in ids:
            result = review_suggestion(con, suggestion_id, **change)
            click.echo(f"{result.id}: {result.status}  {visible(result.final_text)}")
            for problem in result.problems:
                click.echo(f"   ! {problem}")


@suggestions.command("approve")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def suggestions_approve(ids: tuple[int, ...], db: Path | None) -> None:
    """Approve suggestions by id."""
    _review(db, ids, status="approved")


@suggestions.command("reject")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def suggestions_reject(ids: tuple[int, ...], db: Path | None) -> None:
    """Reject suggestions by id."""
    _review(db, ids, status="rejected")


@suggestions.command("edit")
@click.argument("suggestion_id", type=int)
@click.argument("text")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def suggestions_edit(suggestion_id: int, text: str, db: Path | None) -> None:
    """Replace a suggestion's text with yours (checked against its card again)."""
    _review(db, (suggestion_id,), edited_text=text)


@suggestions.command("export")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="FILE.csv or FILE.md",
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def suggestions_export(out: Path, db: Path | None) -> None:
    """Write the approved suggestions, with their evidence, as CSV or Markdown."""
    from analysis.suggestions.review import export_approved, list_suggestions
    from loaders import store

    kinds = {".csv": "csv", ".md": "markdown", ".markdown": "markdown"}
    if out.suffix.lower() not in kinds:
        raise click.UsageError(f"--out must end in .csv or .md; found {out.name}.")
    with store.session(settings=_settings(db), read_only=True) as con:
        text = export_approved(con, kinds[out.suffix.lower()])
        count = len(list_suggestions(con, status="approved"))
    out.write_text(text, encoding="utf-8")
    click.echo(f"{count} approved suggestions written to {out}")


@cli.command()
@click.option("--week", help="ISO week such as 2025-W41 (default: the last full week).")
@click.option("--brand", help="Report on one brand only.")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="FILE.html (self-contained), FILE.pdf (printed by Chromium) or FILE.md.",
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
def report(week: str | None, brand: str | None, out: Path, db: Path | None) -> None:
    """The week's report: KPIs, trend, topics, spikes, campaigns, actions and posts."""
    from analysis.report.content import weekly_report
    from analysis.report.files import REPORT_SUFFIXES, save_report
    from loaders import store

    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise click.UsageError(f"--out must end in {', '.join(REPORT_SUFFIXES)}; found {out.name}.")
    settings = _settings(db)
    with store.session(settings=settings, read_only=True) as con:
        content = weekly_report(con, week, brand)
    save_report(content, out, browser=settings.report_browser)
    click.echo(f"Report for {content.week} written to {out}")


@cli.command()
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
@click.option("--brand", help="Report on one brand only.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(REPORT_FORMATS),
    default=("html", "pdf"),
    show_default=True,
    help="Report formats; repeatable.",
)
@click.option(
    "--mapping",
    "mapping_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Mapping TOML for the inbox's files (default: detected per file).",
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False))
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
    file_bars, stage_bars = FileBars(), StageBars()
    try:
        run = run_weekly(
            _settings(db),
            inbox,
            outbox,
            week=week,
            brand=brand,
            formats=formats,
            ingest_options=options,
            file_progress=file_bars,
            analysis_progress=stage_bars,
        )
    finally:
        file_bars.close()
        stage_bars.close()
    new = len(run.ingested) + len(run.campaigns) + len(run.failed)
    click.echo(
        f"Inbox {inbox}: {new} new file{'s' * (new != 1)}, {run.already_loaded} already loaded"
    )
    if run.ingested:
        _print_results(run.ingested)
    for path, count in run.campaigns.items():
        click.echo(f"{path.name}: {count} campaigns imported")
    for path, message in run.failed.items():
        shown = message if path.name in message else f"{path}: {message}"
        click.echo(f"Error: {visible(shown)}", err=True)
    for path in run.links_skipped:
        click.echo(f"Skipped link leaving the inbox: {visible(str(path))}", err=True)
    if run.analysis is not None:
        _print_analysis(run.analysis)
    if run.week is None:
        click.echo("No report: there is no full week of data yet.")
    else:
        for path in run.reports:
            click.echo(f"Report for {run.week} written to {path}")
    for fmt, message in run.report_errors.items():
        click.echo(f"Error: {fmt.upper()} report: {visible(message)}", err=True)
    if not run.ok:
        sys.exit(1)


@cli.command("config")
def show_config() -> None:
    """Show the effective settings and what each one does (keys and passwords hidden)."""
    settings = load_settings()
    for name, doc in Settings.field_docs().items():
        value = shown_setting(name, getattr(settings, name))
        click.echo(f"{name} = {value}\n    {doc} (env BRANDPULSE_{name.upper()})")


def main() -> None:
    cli(prog_name="brandpulse")


if __name__ == "__main__":
    main()
