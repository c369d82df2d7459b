"""What every ``brandpulse`` command shares: the ``--db`` option and the settings and database
session behind it, the period options' date logic, the ``suggest`` copy options gathered into one
:class:`analysis.suggestions.plays.SuggestOptions`, and the output helpers (aligned tables, the
one-line error display).

Imports nothing heavy: ``brandpulse --help`` loads this module, so the store (duckdb) and the
analysis modules are imported inside the functions that use them.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from analysis.suggestions.grounding import LENGTH_LIMITS
from loaders.config import Settings, load_settings
from loaders.errors import BrandpulseError
from loaders.safe_text import visible

FILE_PATH = click.Path(path_type=Path, dir_okay=False)  # a file, never a folder
# The copy formats `suggest --format` offers: those with a length limit, as plays.FORMATS is
# (read from grounding, which imports only the standard library, so --help stays light).
FORMAT_CHOICES = tuple(LENGTH_LIMITS)


class BrandpulseGroup(click.Group):
    """Shows expected errors as one line (``Error: ...``) and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrandpulseError as error:
            # Messages name files, headers and brands: their control characters made visible.
            raise click.ClickException(visible(error)) from None


def echo_error(message: str) -> None:
    """One failure as one ``Error: ...`` line on stderr, control characters made visible."""
    click.echo(f"Error: {visible(message)}", err=True)


def db_option(help: str | None = None) -> Callable[[Any], Any]:  # noqa: A002 - click's name
    """The ``--db FILE`` option every command that reads or writes the database takes."""
    return click.option("--db", type=FILE_PATH, help=help)


def mapping_option(help: str) -> Callable[[Any], Any]:  # noqa: A002 - click's name
    """The ``--mapping FILE`` option (a mapping TOML) of the commands that ingest files."""
    return click.option("--mapping", "mapping_file", type=FILE_PATH, help=help)


def out_file_option(help: str) -> Callable[[Any], Any]:  # noqa: A002 - click's name
    """The required ``--out FILE`` option of the commands that write one file."""
    return click.option("--out", required=True, type=FILE_PATH, help=help)


def settings_for(db: Path | None, **overrides: Any) -> Settings:
    """The effective settings with ``--db`` (and any other options given) on top."""
    return load_settings({"db": db, **overrides})


@contextlib.contextmanager
def open_store(db: Settings | Path | None, *, read_only: bool = False) -> Iterator[Any]:
    """A session on the database of ``--db`` (or of ``settings``), closed on leaving."""
    from loaders import store

    settings = db if isinstance(db, Settings) else settings_for(db)
    with store.session(settings=settings, read_only=read_only) as con:
        yield con


def period_of(con: Any, week: str | None, start: str | None, end: str | None) -> Any:
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


_SUGGEST_FLAGS = (  # in the order `suggest --help` lists them
    click.option(
        "--format",
        "formats",
        multiple=True,
        type=click.Choice(FORMAT_CHOICES),
        help="Copy formats (repeatable; default: all four).",
    ),
    click.option(
        "--variants",
        default=3,
        show_default=True,
        help="Drafts shown per format (the best of --candidates checked ones).",
    ),
    click.option(
        "--candidates", default=8, show_default=True, help="Candidates written per format."
    ),
    click.option(
        "--free",
        is_flag=True,
        help="Let the model write whole texts (for a larger model); default: it fills a plan.",
    ),
    click.option("--tone", default="friendly", show_default=True),
    click.option(
        "--require", multiple=True, help="A keyword every variant must contain (repeatable)."
    ),
    click.option("--ban", multiple=True, help="A word no variant may contain (repeatable)."),
    click.option(
        "--max-new-tokens", type=int, help="Longest answer in tokens (default: suits each format)."
    ),
    click.option("--temperature", default=0.7, show_default=True),
    click.option("--top-k", default=40, show_default=True),
    click.option("--top-p", default=0.9, show_default=True),
    click.option("--seed", type=int, help="Fixes sampling, for repeatable drafts."),
)


def suggest_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Adds the copy options (--format ... --seed) and hands the command one ``options``
    argument, a checked :class:`analysis.suggestions.plays.SuggestOptions`, instead of them."""

    @functools.wraps(command)
    def with_options(
        *args: Any,
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
        candidates: int,
        free: bool,
        **kwargs: Any,
    ) -> Any:
        from analysis.suggestions.plays import SuggestOptions

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
            candidates=candidates,
            strategy="free" if free else "plan",
        )
        return command(*args, options=options, **kwargs)

    for flag in reversed(_SUGGEST_FLAGS):  # as if stacked as decorators, top one first
        with_options = flag(with_options)
    return with_options


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
