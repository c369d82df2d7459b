"""``brandpulse topics``: list, rename and merge topics; emerging topics and spikes."""

from __future__ import annotations

from pathlib import Path

import click

from dashboard.cli.common import db_option, format_table, open_store, settings_for
from loaders.safe_text import visible


@click.group()
def topics() -> None:
    """Topics found in the documents: list, rename, merge, emerging, spikes."""


@topics.command("list")
@click.option("--examples", is_flag=True, help="Show the representative documents too.")
@db_option()
def topics_list(examples: bool, db: Path | None) -> None:
    """Topics of the current model with size, share negative and keywords."""
    from analysis.topics.edits import list_topics
    from analysis.topics.trends import topic_sentiment

    with open_store(db, read_only=True) as con:
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
@db_option()
def topics_rename(topic: int, name: str, db: Path | None) -> None:
    """Name TOPIC yourself (kept across refits); an empty NAME restores the generated label."""
    from analysis.topics.edits import rename_topic

    rename_topic(settings_for(db), topic, name)
    click.echo(f"Topic {topic} is now called '{name}'." if name.strip() else "Name reset.")


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
