"""``brandpulse topics``: list themes and topics, rename and merge them; emerging topics, spikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import db_option, format_table, open_store, settings_for
from loaders.safe_text import visible


@click.group()
def topics() -> None:
    """Topics found in the documents, grouped in themes: list, rename, merge, emerging, spikes."""


@topics.command("list")
@click.option("--examples", is_flag=True, help="Show the representative documents too.")
@db_option()
def topics_list(examples: bool, db: Path | None) -> None:
    """Themes of the current model, each with its topics: size, share negative and keywords."""
    from analysis.topics.edits import list_themes, list_topics
    from analysis.topics.trends import topic_sentiment

    with open_store(db, read_only=True) as con:
        found = list_topics(con)
        themes = list_themes(con)
        sentiment = {row["topic"]: row for row in topic_sentiment(con)}
    if not found:
        click.echo("No topics yet: run `brandpulse analyze`.")
        return
    if not themes:  # a model fitted before themes: its topics alone
        click.echo(_topic_table(found, sentiment))
        click.echo("(No themes: `brandpulse analyze --refit-topics` groups topics into themes.)")
    for theme in themes:
        labeled = sum(sentiment.get(t.topic, {}).get("labeled", 0) for t in theme.topics)
        negative = sum(sentiment.get(t.topic, {}).get("negative", 0) for t in theme.topics)
        share = f", {negative / labeled:.0%} negative" if labeled else ""
        click.echo(
            f"Theme {theme.theme}: {visible(theme.name)} ({theme.size:,} documents in "
            f"{len(theme.topics)} topic{'s' if len(theme.topics) != 1 else ''}{share})"
        )
        table = _topic_table(theme.topics, sentiment)
        click.echo("\n".join("    " + line for line in table.splitlines()) + "\n")
    if examples:
        for topic in found:
            click.echo(f"\n[{topic.topic}] {visible(topic.name)}")
            for _, text in topic.examples:
                click.echo(f"  - {visible(text[:160])}")


def _topic_table(found: list[Any], sentiment: dict[int, dict[str, Any]]) -> str:
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
    return format_table(("topic", "name", "documents", "negative", "keywords"), rows)


@topics.command("rename")
@click.argument("topic", type=int)
@click.argument("name")
@db_option()
def topics_rename(topic: int, name: str, db: Path | None) -> None:
    """Name TOPIC yourself (kept across refits); an empty NAME restores the generated label."""
    from analysis.topics.edits import rename_topic

    rename_topic(settings_for(db), topic, name)
    click.echo(f"Topic {topic} is now called '{visible(name)}'." if name.strip() else "Name reset.")


@topics.command("rename-theme")
@click.argument("theme", type=int)
@click.argument("name")
@db_option()
def topics_rename_theme(theme: int, name: str, db: Path | None) -> None:
    """Name THEME yourself (kept across refits); an empty NAME restores the generated name."""
    from analysis.topics.edits import rename_theme

    rename_theme(settings_for(db), theme, name)
    click.echo(f"Theme {theme} is now called '{visible(name)}'." if name.strip() else "Name reset.")


@topics.command("merge")
@click.argument("topics_to_merge", nargs=-1, type=int, required=True)
@click.option("--into", "into", type=int, required=True, help="The topic that absorbs the others.")
@db_option()
def topics_merge(topics_to_merge: tuple[int, ...], into: int, db: Path | None) -> None:
    """Merge TOPICS into one (kept across refits)."""
    from analysis.topics.edits import merge_topics

    merge_topics(settings_for(db), topics_to_merge, into)
    click.echo(f"Merged {', '.join(map(str, topics_to_merge))} into topic {into}.")


@topics.command("emerging")
@click.option("--week", help="ISO week such as 2025-W41 (default: the latest week).")
@click.option("--all", "show_all", is_flag=True, help="Show every topic, not only emerging ones.")
@db_option()
def topics_emerging(week: str | None, show_all: bool, db: Path | None) -> None:
    """Topics growing significantly in a week against the four weeks before."""
    from analysis.periods import iso_week
    from analysis.topics.trends import emerging_topics

    with open_store(db, read_only=True) as con:
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
            e.theme_name or "",
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
            ("topic", "name", "theme", "this week", "weekly before", "growth", "p", "emerging"),
            rows,
        )
    )


@topics.command("spikes")
@db_option()
def topics_spikes(db: Path | None) -> None:
    """Weeks whose volume or negative share jumped, and the topics that drove it."""
    from analysis.topics.spikes import detect_spikes

    with open_store(db, read_only=True) as con:
        spikes = detect_spikes(con)
    if not spikes:
        click.echo("No spikes.")
        return
    for spike in spikes:
        click.echo(f"{spike.headline()}; drivers: {visible(spike.drivers_text())}")
