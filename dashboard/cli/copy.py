"""Copy generation tools: ``copy tune`` teaches the local generator the brand's voice from the
approved suggestions, replies and knowledge-base entries (a LoRA adapter, on the CPU)."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.common import db_option, settings_for
from dashboard.cli.progress import Reporter


@click.group("copy")
def copy_group() -> None:
    """The copy generator: tune it to the brand's voice."""


@copy_group.command("tune")
@click.option("--epochs", default=3, show_default=True, type=click.IntRange(1, 20))
@click.option(
    "--force-activate",
    is_flag=True,
    help="Activate the new adapter even if it passes the checks less often.",
)
@db_option()
def tune(epochs: int, force_activate: bool, db: Path | None) -> None:
    """Train a brand-voice adapter on the approved copy; it is used from then on when it
    passes the automatic checks at least as often as the current generator."""
    from analysis.suggestions.adapter import tune_brand_voice

    settings = settings_for(db)
    click.echo("Tuning the brand voice on the CPU (a few minutes) ...", err=True)
    with Reporter() as bars:
        result = tune_brand_voice(settings, bars, epochs=epochs, force_activate=force_activate)
    click.echo(f"Texts used: {result.texts}; evaluation cards: {result.eval_cards}.")
    if result.trained:
        click.echo(f"Trained adapter {result.key[:8]} in {result.seconds:.0f} s.")
    else:
        click.echo(f"Reused adapter {result.key[:8]} (same texts and settings).")
    if result.pass_before is not None and result.pass_after is not None:
        click.echo(
            f"Pass rate of the checks: {result.pass_before:.0%} before, "
            f"{result.pass_after:.0%} with the adapter."
        )
    state = "Activated" if result.activated else "Not activated"
    click.echo(f"{state}: {result.reason}.")
