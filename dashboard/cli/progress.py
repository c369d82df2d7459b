"""Long-running work on the command line: one :class:`Reporter` for the progress callbacks of
every long command (tqdm bars on a terminal, plain timed lines in a log or a pipe), the
ingest of files and folders, and the summaries several commands print of what an ingest or an
analysis pass did (``ingest``, ``demo``, ``analyze``, ``weekly``).

Progress goes to stderr, so stdout stays the same whether or not it is a terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dashboard.cli.common import format_table
from loaders.config import Settings
from loaders.errors import BrandpulseError
from loaders.safe_text import visible

if TYPE_CHECKING:
    from dashboard.cli.progress_lines import StageLines

# A file's progress lines start once it has loaded this long (most load in a second or less).
FILE_GRACE_S = 2.0
# Where each ingest stage starts and ends on a file's 0-100 bar.
STAGE_SPAN = {"reading": (0, 40), "checking": (40, 70), "writing": (70, 100), "done": (100, 100)}


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
    with Reporter() as reporter:
        for path in _expand(paths):
            try:
                results.append(
                    ingest_file(path, settings=settings, progress=reporter.file(path), **options)
                )
            except BrandpulseError as error:
                reporter.drop()  # the error line tells how this file ended
                message = str(error)
                errors.append(message if path.name in message else f"{path}: {message}")
    return results, errors


def print_ingest_results(results: Sequence[Any]) -> None:
    from loaders.store.info import RUN_COLUMNS

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
    # The run history's columns, with how long each file took instead of run id and finish time.
    click.echo(format_table((*RUN_COLUMNS[1:-1], "time"), rows))
    for result in results:
        if result.labels_imported:
            column = result.mapping["columns"].get("label")
            click.echo(
                visible(
                    f"{result.file.name}: {result.labels_imported:,} human labels imported from "
                    f"column '{column}'; they count in every figure and measure the model "
                    "(`brandpulse models list`)."
                )
            )
        for warning in result.warnings:
            click.echo(visible(f"note: {result.file.name}: {warning}"))
        if result.rejected:
            click.echo(
                f"note: {visible(result.file.name)}: {result.rejected:,} rows quarantined; see `brandpulse db rejected {result.run_id}`"
            )


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


class Reporter:
    """The progress of a long command: tqdm bars on a terminal, plain lines otherwise.

    Call it as a ``(stage, done, total)`` callback (analysis, training, suggestions) and pass
    :meth:`file` as an ingest's per-file callback. Without a terminal (``| tee log``, cron) a
    bar would show as nothing or one endless line, so :class:`StageLines` writes a line per
    stage start and end, and one every few seconds between, with the share done and time left.
    """

    def __init__(self, *, tty: bool | None = None, lines: StageLines | None = None) -> None:
        from dashboard.cli.progress_lines import StageLines  # `--help` stays light

        self.tty = sys.stderr.isatty() if tty is None else tty
        self.bars = StageBars()
        self.files = FileBars()
        self.lines = lines or StageLines()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.tty:
            self.files.close()
            self.bars(stage, done, total)
        else:
            self.lines(stage, done, total)

    def file(self, path: Path) -> Any:
        """An ingest progress callback ``(stage, fraction)`` for ``path``."""
        if self.tty:
            self.bars.close()
            return self.files(path)
        name = f"loading {path.name[:40]}"

        def progress(stage: str, fraction: float) -> None:
            low, high = STAGE_SPAN.get(stage, (0, 100))
            done = int(low + (high - low) * fraction)
            self.lines.update(name, done, 100, counts=False, grace=FILE_GRACE_S)

        return progress

    def close(self) -> None:
        self.bars.close()
        self.files.close()
        self.lines.close()

    def drop(self) -> None:
        """Close without an end line for the current stage: it failed, and its error follows."""
        self.lines.drop()
        self.close()

    def __enter__(self) -> Reporter:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.drop()


def run_analysis(settings: Settings, *, refit_topics: bool = False, topics: bool = True) -> None:
    from analysis.jobs.analysis_pass import analyze_all

    with Reporter() as reporter:
        result = analyze_all(settings, refit_topics=refit_topics, topics=topics, progress=reporter)
    print_analysis(result)
    _print_user_figures(settings, result.sentiment.model_version)


def _print_user_figures(settings: Settings, version: str) -> None:
    """The active model on the user's own labelled posts, when there are any."""
    from analysis.sentiment.evaluation import quotable_evaluations
    from loaders import store

    if not version:
        return
    with store.session(settings=settings, read_only=True) as con:
        found = quotable_evaluations(con, version).get(version)
    if found:
        figures, which = found
        low, high = figures.macro_recall_interval
        click.echo(
            f"On your {figures.n:,} labelled posts ({which}): accuracy {figures.accuracy:.2f}, "
            f"macro recall {figures.macro_recall:.2f} ({low:.2f} to {high:.2f}); "
            "`brandpulse models list` for more"
        )


def print_analysis(result: Any) -> None:
    _print_sentiment(result.sentiment)
    if result.topic_problem:
        click.echo(f"Topics: not fitted. {result.topic_problem}")
    elif result.topics is not None:
        _print_topics(result.topics)
    rules = getattr(result, "rules", None)
    if rules is not None:
        click.echo(
            f"Rules: {len(rules.fired)} fired, {rules.failed} deliveries failed"
            " (`brandpulse rules log`)"
        )
    if getattr(result, "rules_problem", None):
        click.echo(f"Rules: not checked. {result.rules_problem}")


def _print_topics(result: Any) -> None:
    from analysis.topics.fit import FitResult

    if isinstance(result, FitResult):
        carried = (
            f"; kept {result.carried_labels} renamed and {result.carried_merges} merged topics"
            if result.carried_labels or result.carried_merges
            else ""
        )
        because = f" because {result.refit_because}" if result.refit_because else ""
        click.echo(
            f"Topics: fitted run {result.run_id}{because} on {result.n_texts:,} distinct texts "
            f"in {result.seconds:.0f}s: {result.n_topics} topics in {result.n_themes} themes, "
            f"{result.outlier_share:.1%} of documents in no topic (Other) "
            f"({result.embedded:,} texts embedded, the rest cached){carried}"
        )
    elif result.assigned or result.outliers:
        click.echo(
            f"Topics: assigned {result.assigned:,} new documents to the current topics "
            f"({result.outliers:,} fit none) in {result.seconds:.1f}s; "
            "`brandpulse analyze --refit-topics` refits"
        )
        if result.refit_due:
            click.echo(
                f"Topics: {result.unassigned_share:.0%} of the new documents fit no topic; "
                "refit them with `brandpulse analyze --refit-topics`"
            )
    else:
        click.echo("Topics: every document already has a topic")


def _print_ray(run: Any) -> None:
    """What engine='ray' computed (and what it only loaded from an interrupted run)."""
    resumed = (
        f"; loaded {run.resumed_shards:,} finished shards of an earlier run"
        if run.resumed_shards
        else ""
    )
    click.echo(
        f"Ray: {run.texts:,} texts ({run.embedded:,} of them embedded) in {run.shards:,} shards "
        f"on {len(run.nodes)} node(s), {len(run.pids)} actor(s); export {run.export_seconds:.1f}s, "
        f"load {run.load_seconds:.1f}s{resumed}"
    )


def _print_sentiment(result: Any) -> None:
    from analysis.sentiment.language import language_name

    if not result.model_version:
        click.echo("No documents yet: ingest files first (or run `brandpulse demo`).")
        return
    if result.model_built:
        click.echo(
            f"Built the offline default sentiment model {result.model_version} "
            f"in {result.build_seconds:.0f}s"
        )
    if getattr(result, "ray", None) is not None:
        _print_ray(result.ray)
    skipped = sum(result.skipped.values())
    if not result.scored and not skipped:
        click.echo(f"Sentiment: every document is already scored by {result.model_version}")
        return
    # The rate is the scoring's own: a one-time model build is reported above, not in it.
    scoring = max(result.seconds - result.build_seconds, 0.0)
    rate = result.scored / scoring if scoring else 0
    click.echo(
        f"Sentiment: scored {result.scored:,} documents ({result.unique_texts:,} distinct texts) "
        f"with {result.model_version} in {scoring:.1f}s ({rate:,.0f} docs/s)"
    )
    for reason, count in result.skipped.items():
        click.echo(f"note: {count:,} documents have no sentiment label: {reason}")
    other = {k: v for k, v in result.languages.items() if k not in ("en", "unknown")}
    if other:
        click.echo(
            "Languages other than English: "
            + ", ".join(f"{language_name(k)} {v:,}" for k, v in other.items())
        )
