"""Suggestions under review: stored drafts, approve/reject/edit with a re-check, regenerate, export the approved ones."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import duckdb

from analysis.insight.cards import Card
from analysis.suggestions import sql
from analysis.suggestions.generators import Generator
from analysis.suggestions.plays import FORMAT_NAMES, SuggestOptions
from analysis.suggestions.prompts import check_copy, fact_summary
from analysis.suggestions.writer import (
    TEMPLATE,
    CardSuggestions,
    card_key,
    known_names,
    write_variants,
)
from loaders import store
from loaders.errors import BrandpulseError
from loaders.safe_text import csv_text, markdown_literal, redact_secrets

STATUSES = ("draft", "approved", "rejected")


# --- storage and review ---------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    id: int
    created_at: Any
    updated_at: Any
    period_start: date
    period_end: date
    brand: str | None
    card_key: str
    card_kind: str
    card_title: str
    facts: dict[str, Any]
    examples: list[dict[str, Any]]
    play: str
    action: str
    format: str
    text: str
    edited_text: str | None
    status: str
    reviewed_at: Any
    source: str
    generator: str
    problems: list[str]
    options: dict[str, Any]
    score: float | None = None  # the ranker's score; None for an unranked template
    needs_edit: bool = False  # the ranker doubts it: edit before approving

    @property
    def final_text(self) -> str:
        """The text to use: the marketer's edit when there is one."""
        return self.edited_text if self.edited_text is not None else self.text


def _suggestion(row: dict[str, Any]) -> Suggestion:
    for key in ("facts", "examples", "options"):
        if isinstance(row[key], str):
            row[key] = json.loads(row[key])
    row["problems"] = list(row["problems"] or [])
    return Suggestion(**row)


def save_suggestions(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[CardSuggestions],
    period_start: date,
    period_end: date,
    options: SuggestOptions,
    generator_name: str,
) -> list[int]:
    """Store every variant as a draft, replacing earlier drafts of the same cards."""
    ids = []
    settings_json = json.dumps(asdict(options))
    with store.transaction(con):
        for result in results:
            card = result.card
            key = card_key(card)
            con.execute(sql.DELETE_DRAFTS_OF_CARD, [key, period_start, period_end, result.brand])
            for variant in result.variants:
                ids.append(
                    store.scalar(
                        con,
                        sql.INSERT,
                        [
                            period_start,
                            period_end,
                            result.brand,
                            key,
                            card.kind,
                            card.title,
                            json.dumps(card.facts, default=str),
                            json.dumps(card.examples, default=str),
                            result.play.name,
                            result.action,
                            variant.format,
                            variant.text,
                            variant.source,
                            generator_name if variant.source == "model" else TEMPLATE,
                            variant.problems,
                            settings_json,
                            variant.score,
                            variant.needs_edit,
                        ],
                    )
                )
    return ids


def get_suggestion(con: duckdb.DuckDBPyConnection, suggestion_id: int) -> Suggestion:
    rows = store.records(con, sql.ONE, [suggestion_id])
    if not rows:
        raise BrandpulseError(
            f"There is no suggestion {suggestion_id}. Fix: see `brandpulse suggestions list`."
        )
    return _suggestion(rows[0])


def list_suggestions(
    con: duckdb.DuckDBPyConnection,
    *,
    status: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[Suggestion]:
    """Stored suggestions, newest period first; ``start``/``end`` keep those overlapping them."""
    if status is not None and status not in STATUSES:
        raise BrandpulseError(f"Unknown status '{status}'; expected one of {', '.join(STATUSES)}.")
    rows = store.records(con, sql.LIST, [status, status, start, start, end, end])
    return [_suggestion(row) for row in rows]


def _recheck(con: duckdb.DuckDBPyConnection, suggestion: Suggestion, text: str) -> list[str]:
    card = Card(suggestion.card_kind, suggestion.card_title, 0.0, suggestion.facts)
    return check_copy(
        text,
        card,
        suggestion.format,
        known_names(con),
        suggestion.options.get("required", ()),
        suggestion.options.get("banned", ()),
        suggestion.brand,
    ).problems


def review_suggestion(
    con: duckdb.DuckDBPyConnection,
    suggestion_id: int,
    *,
    status: str | None = None,
    edited_text: str | None = None,
) -> Suggestion:
    """Approve, reject or edit a suggestion; an edit is checked against the card again.

    The check's problems are shown, not enforced: the reviewer has the last word.
    """
    current = get_suggestion(con, suggestion_id)
    status = status or current.status
    if status not in STATUSES:
        raise BrandpulseError(f"Unknown status '{status}'; expected one of {', '.join(STATUSES)}.")
    if edited_text is not None:
        edited_text = edited_text.strip()
        if not edited_text:
            raise BrandpulseError("The edited text is empty. Fix: write the copy, or reject it.")
        if edited_text == current.text:
            edited_text = None
    else:
        edited_text = current.edited_text
    problems = _recheck(con, current, edited_text if edited_text is not None else current.text)
    con.execute(sql.REVIEW, [status, edited_text, problems, edited_text, status, suggestion_id])
    return get_suggestion(con, suggestion_id)


def regenerate_suggestion(
    con: duckdb.DuckDBPyConnection,
    suggestion_id: int,
    generator: Generator | None,
    options: SuggestOptions,
    generator_name: str,
) -> Suggestion:
    """Write a new variant for one suggestion (back to draft), different from its text."""
    current = get_suggestion(con, suggestion_id)
    card = Card(current.card_kind, current.card_title, 0.0, current.facts, current.examples)
    single = SuggestOptions(**{**asdict(options), "formats": (current.format,), "variants": 2})
    variants, _, _ = write_variants(
        card, current.format, generator, single, known_names(con), current.brand
    )
    fresh = [v for v in variants if v.text != current.text] or variants
    chosen = fresh[0]
    con.execute(
        sql.REPLACE_TEXT,
        [
            chosen.text,
            chosen.source,
            generator_name if chosen.source == "model" else TEMPLATE,
            chosen.problems,
            json.dumps(asdict(options)),
            chosen.score,
            chosen.needs_edit,
            suggestion_id,
        ],
    )
    return get_suggestion(con, suggestion_id)


def export_approved(con: duckdb.DuckDBPyConnection, fmt: str = "csv") -> str:
    """The approved suggestions as CSV or Markdown, each with its play and evidence.

    Brands, campaigns, topics and copy are data: the Markdown escapes them and the CSV
    neutralises formulas (:mod:`loaders.safe_text`); a generator's URL shows no credentials.
    """
    approved = list_suggestions(con, status="approved")
    if fmt == "csv":
        header = ["id", "period_start", "period_end", "brand", "insight", "play", "action"]
        header += ["format", "text", "evidence", "generator", "approved_at"]
        rows = [
            [
                s.id,
                s.period_start,
                s.period_end,
                s.brand or "",
                s.card_title,
                s.play,
                s.action,
                s.format,
                s.final_text,
                fact_summary(s.facts),
                redact_secrets(s.generator),
                s.reviewed_at,
            ]
            for s in approved
        ]
        return csv_text(rows, header)
    if fmt in ("md", "markdown"):
        return _approved_markdown(approved)
    raise BrandpulseError(f"Unknown export format '{fmt}'; expected csv or markdown.")


def _approved_markdown(approved: Sequence[Suggestion]) -> str:
    md = markdown_literal
    lines = ["# Approved suggestions", ""]
    if not approved:
        lines.append("None approved yet.")
    for title in dict.fromkeys(s.card_title for s in approved):
        group = [s for s in approved if s.card_title == title]
        first = group[0]
        evidence = fact_summary(first.facts)
        lines += [
            f"## {md(title)}",
            "",
            f"{first.period_start} to {first.period_end}. **Play:** {md(first.play)}. "
            + md(first.action),
            "",
            f"Evidence: {md(evidence)}.",
            "",
        ]
        for s in group:
            lines.append(f"- **{FORMAT_NAMES[s.format]}**: {md(s.final_text)}")
        lines.append("")
    return "\n".join(lines)
