"""The draft action: a firing becomes a suggestion waiting for review on the Suggestions page.

Never published, never written by a language model here: a check runs after every analysis
and must stay quick, so the copy is the offline template phrasing
(:func:`analysis.suggestions.grounding.fallback_copy`). A marketer can regenerate it with a
model on the Suggestions page. The card is built without the database (phase 2 of a check)
and stored with the delivery's result (phase 3).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import duckdb

from analysis.insight.cards import Card
from analysis.rules.model import Firing
from analysis.suggestions import sql
from analysis.suggestions.grounding import fallback_copy
from analysis.suggestions.plays import play_for
from analysis.suggestions.prompts import _fill, check_copy
from analysis.suggestions.writer import TEMPLATE, card_key

KIND = "rule"
FORMAT = "social_post"


def period(firing: Firing) -> tuple[date, date]:
    """The days the firing is about: its ISO week or day, else the day it fired."""
    window = str(firing.figures.get("window") or firing.window)
    try:
        if "-W" in window:
            year, week = window.split(":")[0].split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
            return monday, monday + timedelta(days=6)
        day = date.fromisoformat(window)
        return day, day
    except ValueError:
        return firing.fired_at.date(), firing.fired_at.date()


def when(start: date, end: date) -> str:
    """The days in words a customer reads: "on 9 October 2025", "between 6 and 12 October 2025"
    (a public post never says "2025-W41")."""
    if start == end:
        return f"on {start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"between {start.day} and {end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"between {start.day} {start:%B} and {end.day} {end:%B %Y}"
    return f"between {start.day} {start:%B %Y} and {end.day} {end:%B %Y}"


def draft_card(firing: Firing, brand: str | None) -> Card:
    """The firing as an insight card: its sentence as the title, its figures as the facts."""
    facts: dict[str, Any] = {"rule": firing.rule, "brand": brand, **firing.figures}
    # A keywords firing's window is a run number ("runs-through:12"): name the day instead.
    facts["window"] = firing.figures.get("window") or firing.fired_at.date().isoformat()
    facts["when"] = when(*period(firing))
    facts = {k: v for k, v in facts.items() if v is not None and k != "doc_ids"}
    examples = [
        {"doc_id": p.doc_id, "created_at": p.created_at, "text": p.text, "label": p.label}
        for p in firing.posts
    ]
    return Card(KIND, firing.why, float(firing.documents), facts, examples)


def save_draft(con: duckdb.DuckDBPyConnection, firing: Firing, card: Card, names: list[str]) -> int:
    """Store the card's template copy as a draft suggestion; returns its id."""
    start, end = period(firing)
    brand = card.facts.get("brand")
    text = fallback_copy(card.kind, card.facts, FORMAT)
    problems = check_copy(text, card, FORMAT, names, (), (), brand).problems
    play = play_for(card)
    options = {"drafted_by_rule": firing.rule, "firing_id": firing.firing_id}
    return int(
        con.execute(
            sql.INSERT,
            [
                start,
                end,
                brand,
                card_key(card),
                card.kind,
                card.title,
                json.dumps(card.facts, default=str),
                json.dumps(card.examples, default=str),
                play.name,
                _fill(play.action, card),
                FORMAT,
                text,
                TEMPLATE,
                TEMPLATE,
                problems,
                json.dumps(options),
                None,  # no ranker score: the template phrasing
                bool(problems),  # needs edit when its own check found something
            ],
        ).fetchall()[0][0]
    )
