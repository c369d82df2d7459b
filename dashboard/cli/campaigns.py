"""``brandpulse campaigns``: import campaign definitions and compare their results."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.common import db_option, format_table, open_store, settings_for
from loaders.safe_text import visible


@click.group()
def campaigns() -> None:
    """Manage campaign definitions."""


@campaigns.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@db_option()
def campaigns_import(path: Path, db: Path | None) -> None:
    """Import campaigns from a CSV (name, start, end, channels, hashtags, utm_campaign, keywords, budget)."""
    from loaders.campaigns import import_campaigns

    click.echo(
        f"{import_campaigns(path, settings=settings_for(db))} campaigns stored from {path.name}"
    )


@campaigns.command("results")
@db_option()
def campaigns_results(db: Path | None) -> None:
    """Each campaign side by side: its effect beyond the market (difference in differences
    against the other brands, 95% CI), the verdict in words, the raw before/during change and
    share of voice."""
    from analysis.campaigns.results import compare_campaigns

    with open_store(db, read_only=True) as con:
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
        effect = f"{r.effect[0]:+.2f} [{r.effect[1]:+.2f}, {r.effect[2]:+.2f}]" if r.effect else ""
        rows.append(
            (
                r.name,
                r.brand or "",
                f"{r.start} to {r.end}",
                r.campaign_posts.documents,
                signed(r.campaign_posts.net),
                signed(r.brand_windows["before"].net),
                signed(r.brand_windows["during"].net),
                effect,
                r.verdict,
                uplift,
                "" if voice["during"] is None else f"{voice['during']:.0%}",
            )
        )
    click.echo(
        format_table(
            (
                "campaign",
                "brand",
                "dates",
                "posts",
                "posts net",
                "brand net before",
                "during",
                "effect beyond market [95% CI]",
                "verdict",
                "raw uplift [95% CI]",
                "share of voice",
            ),
            rows,
        )
    )
    for r in results:
        said = r.impact.sentence if r.impact else "Cannot tell: no data before or during it."
        click.echo("\n" + visible(f"{r.name}: {said}"))
