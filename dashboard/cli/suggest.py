"""Insight and copy: ``insights`` (a period's ranked cards), ``suggest`` (a play and checked copy
per card) and ``suggestions`` (review stored drafts: list, approve, reject, edit, export)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dashboard.cli.common import (
    db_option,
    format_table,
    open_store,
    out_file_option,
    period_of,
    settings_for,
    suggest_options,
)
from dashboard.cli.progress import Reporter
from loaders.safe_text import visible

if TYPE_CHECKING:
    from analysis.suggestions.plays import SuggestOptions
    from loaders.config import Settings


@click.command()
@click.option("--week", help="ISO week such as 2025-W41 (default: the last 7 days with data).")
@click.option(
    "--brand", "own_brand", help="Your brand: cards about it; others count as competitors."
)
@click.option("-n", "limit", default=8, show_default=True, help="How many cards.")
@click.option("--examples/--no-examples", default=True, show_default=True)
@db_option()
def insights(
    week: str | None, own_brand: str | None, limit: int, examples: bool, db: Path | None
) -> None:
    """The notable facts of a week, ranked, each with its figures and example posts."""
    with open_store(db, read_only=True) as con:
        found = _period_cards(con, week, None, None, own_brand, limit)
    if found is None:
        return
    _, cards = found
    if not cards:
        click.echo("Nothing notable.")
    for number, card in enumerate(cards, 1):
        _print_card(number, card, examples)


def _period_cards(
    con: Any,
    week: str | None,
    start: str | None,
    end: str | None,
    own_brand: str | None,
    limit: int,
) -> tuple[Any, list[Any]] | None:
    """The period asked for and its insight cards, the period announced; None, said so, when
    the store has no documents."""
    from analysis.insight.cards import insight_cards

    period = period_of(con, week, start, end)
    if period is None:
        click.echo("No documents yet: ingest files first (or run `brandpulse demo`).")
        return None
    cards = insight_cards(con, period, own_brand=own_brand, limit=limit)
    click.echo(f"{period.start} to {period.end}, against the {period.days} days before:")
    return period, cards


def _print_card(number: int, card: Any, examples: bool) -> None:
    click.echo(f"\n{number}. [{card.kind}] {visible(card.title)}")
    if examples:
        for post in card.examples:
            click.echo(f"   - {visible(' '.join(post['text'].split())[:150])}")


@click.command()
@click.option("--week", help="ISO week such as 2025-W41 (default: the last 7 days with data).")
@click.option("--start", help="First day of the period, YYYY-MM-DD (with --end).")
@click.option("--end", help="Last day of the period, YYYY-MM-DD (with --start).")
@click.option("--brand", "own_brand", help="Your brand: the copy speaks for it.")
@click.option("--cards", "card_limit", default=3, show_default=True, help="How many top cards.")
@suggest_options
@click.option(
    "--generator",
    help="smollm2, openai, template, or a Hugging Face causal LM id or folder "
    "(default: the generator setting).",
)
@click.option(
    "--save/--no-save", default=True, show_default=True, help="Store as drafts to review."
)
@db_option()
def suggest(
    week: str | None,
    start: str | None,
    end: str | None,
    own_brand: str | None,
    card_limit: int,
    options: SuggestOptions,
    generator: str | None,
    save: bool,
    db: Path | None,
) -> None:
    """The period's insight cards, each with a recommended play and checked copy variants."""
    from analysis.suggestions.review import save_suggestions
    from analysis.suggestions.writer import generator_name, known_names, suggest_for_cards

    settings = settings_for(db, generator=generator)
    # Read, then let go of the database while the model writes (that can take minutes).
    with open_store(settings, read_only=True) as con:
        found = _period_cards(con, week, start, end, own_brand, card_limit)
        if found is None:
            return
        names = known_names(con)
    period, cards = found
    if not cards:
        click.echo("Nothing notable, so nothing to suggest.")
        return
    writer = _writer(settings)
    click.echo(f"Writing with {generator_name(writer)} ...", err=True)
    with Reporter() as bars:
        results = suggest_for_cards(cards, writer, options, names, brand=own_brand, progress=bars)
    _print_suggestions(results, options)
    if save:
        with open_store(settings) as con:
            ids = save_suggestions(
                con, results, period.start, period.end, options, generator_name(writer)
            )
        click.echo(
            f"\n{len(ids)} drafts stored: review them on the dashboard's Suggestions page or "
            "with `brandpulse suggestions`."
        )


def _writer(settings: Settings) -> Any:
    """The configured generator, or None (fixed phrasings) when it cannot be loaded."""
    from analysis.suggestions.generators import make_generator
    from loaders.errors import GeneratorError

    try:
        return make_generator(settings)
    except GeneratorError as error:  # fixed phrasings still make a useful draft
        click.echo(f"Generator unavailable, fixed phrasings used: {visible(error)}", err=True)
        return None


def _print_suggestions(results: Any, options: SuggestOptions) -> None:
    """Each card with its play, and its copy variants by format, with their problems."""
    from analysis.suggestions.plays import FORMAT_NAMES

    for number, result in enumerate(results, 1):
        _print_card(number, result.card, examples=True)
        click.echo(f"   Play: {result.play.name}. {result.action}")
        for note in result.notes:
            click.echo(f"   Generator unavailable, fixed phrasings used: {visible(note)}")
        for fmt in options.formats:
            click.echo(f"   {FORMAT_NAMES[fmt].capitalize()}:")
            for variant in (v for v in result.variants if v.format == fmt):
                marker = "" if variant.source == "model" else " (template)"
                if variant.needs_edit:
                    marker += " (needs edit)"
                if variant.score is not None:
                    marker += f" [score {variant.score:.2f}]"
                click.echo(f"     * {visible(variant.text)}{marker}")
                for problem in variant.problems:
                    click.echo(f"       ! {problem}")


@click.group()
def suggestions() -> None:
    """Review stored suggestions: list, approve, reject, edit, export."""


@suggestions.command("list")
@click.option("--status", type=click.Choice(("draft", "approved", "rejected")))
@db_option()
def suggestions_list(status: str | None, db: Path | None) -> None:
    """Stored suggestions with their id, status and text."""
    from analysis.suggestions.review import list_suggestions

    with open_store(db, read_only=True) as con:
        found = list_suggestions(con, status=status)
    if not found:
        click.echo("No suggestions yet: `brandpulse suggest`.")
        return
    rows = [
        (
            s.id,
            s.status,
            f"{s.period_start}..{s.period_end}",
            s.brand or "(any)",
            s.card_kind,
            s.format,
            s.final_text[:70],
        )
        for s in sorted(found, key=lambda s: s.id)  # ids as numbers: 10 after 9
    ]
    click.echo(format_table(("id", "status", "period", "brand", "card", "format", "text"), rows))


def _review(db: Path | None, ids: tuple[int, ...], **change: Any) -> None:
    from analysis.suggestions.review import review_suggestion

    with open_store(db) as con:
        for suggestion_id in ids:
            result = review_suggestion(con, suggestion_id, **change)
            click.echo(f"{result.id}: {result.status}  {visible(result.final_text)}")
            for problem in result.problems:
                click.echo(f"   ! {problem}")


@suggestions.command("approve")
@click.argument("ids", nargs=-1, type=int, required=True)
@db_option()
def suggestions_approve(ids: tuple[int, ...], db: Path | None) -> None:
    """Approve suggestions by id."""
    _review(db, ids, status="approved")


@suggestions.command("reject")
@click.argument("ids", nargs=-1, type=int, required=True)
@db_option()
def suggestions_reject(ids: tuple[int, ...], db: Path | None) -> None:
    """Reject suggestions by id."""
    _review(db, ids, status="rejected")


@suggestions.command("edit")
@click.argument("suggestion_id", type=int)
@click.argument("text")
@db_option()
def suggestions_edit(suggestion_id: int, text: str, db: Path | None) -> None:
    """Replace a suggestion's text with yours (checked against its card again)."""
    _review(db, (suggestion_id,), edited_text=text)


@suggestions.command("export")
@out_file_option("FILE.csv or FILE.md")
@db_option()
def suggestions_export(out: Path, db: Path | None) -> None:
    """Write the approved suggestions, with their evidence, as CSV or Markdown."""
    from analysis.suggestions.review import export_approved, list_suggestions

    kinds = {".csv": "csv", ".md": "markdown", ".markdown": "markdown"}
    if out.suffix.lower() not in kinds:
        raise click.UsageError(f"--out must end in .csv or .md; found {out.name}.")
    with open_store(db, read_only=True) as con:
        text = export_approved(con, kinds[out.suffix.lower()])
        count = len(list_suggestions(con, status="approved"))
    out.write_text(text, encoding="utf-8")
    click.echo(f"{count} approved suggestions written to {out}")
