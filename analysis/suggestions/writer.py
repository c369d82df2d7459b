"""Campaign suggestions: a recommended play per insight card, copy variants written by a
generator, each checked against the card's facts, and their review.

The prompt carries only the card's facts (never the posts, which hold other people's names
and claims). Every variant passes :func:`analysis.suggestions.grounding.check_variant`, or is
regenerated, or dropped; when no variant of a format survives, or no model is available, the
card is phrased from a template (:func:`analysis.suggestions.grounding.fallback_copy`). Stored
suggestions keep the card's facts and example posts as their evidence, and move from draft
to approved or rejected by a person; an edit is checked again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb

from analysis.insight.cards import Card
from analysis.suggestions import sql
from analysis.suggestions.generators import Generator, offset_seed
from analysis.suggestions.grounding import GroundingCheck, fallback_copy
from analysis.suggestions.planned import write_planned
from analysis.suggestions.plays import Play, SuggestOptions, play_for
from analysis.suggestions.prompts import (
    _fill,
    build_example,
    build_prompt,
    check_copy,
    clean_output,
    copied_example,
)
from analysis.suggestions.ranker import Embedder
from loaders.errors import GeneratorError

TEMPLATE = "template"

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Variant:
    format: str
    text: str
    source: str  # "model" or "template"
    problems: list[str]  # grounding problems ([] when it passed)
    score: float | None = None  # the ranker's score (0..1), None when not ranked
    needs_edit: bool = False  # the ranker doubts it: shown for editing, not as ready


@dataclass(frozen=True)
class RawOutput:
    """One model output before filtering: what the benchmark's pass share counts."""

    format: str
    raw: str
    cleaned: str
    check: GroundingCheck


@dataclass
class CardSuggestions:
    card: Card
    play: Play
    action: str
    brand: str | None
    variants: list[Variant] = field(default_factory=list)
    raw: list[RawOutput] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the generator's one-line error


def card_key(card: Card) -> str:
    digest = hashlib.sha256(
        json.dumps([card.kind, card.facts], sort_keys=True, default=str).encode()
    )
    return digest.hexdigest()[:16]


def known_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Brands, products and campaigns in the database."""
    return [row[0] for row in con.execute(sql.KNOWN_NAMES).fetchall()]


# A round's seeds sit 1000 apart from the last round's, clear of the per-sample offsets that
# generate_many adds within a round, so no two samples of a card share a seed.
ROUND_SEED_STRIDE = 1000


def _checker(
    card: Card, fmt: str, options: SuggestOptions, names: Sequence[str], brand: str | None
) -> Callable[[str], GroundingCheck]:
    def check(text: str) -> GroundingCheck:
        result = check_copy(text, card, fmt, names, options.required, options.banned, brand)
        copied = copied_example(text, card)
        if copied:
            problem = f"it copies the prompt's worked example ('{copied}')"
            return GroundingCheck(False, [*result.problems, problem])
        return result

    return check


def write_variants(
    card: Card,
    fmt: str,
    generator: Generator | None,
    options: SuggestOptions,
    names: Sequence[str],
    brand: str | None,
    embed: Embedder | None = None,
) -> tuple[list[Variant], list[RawOutput], str | None]:
    """The shown variants of one format, every candidate with its check, and the generator's
    error if it failed.

    With the plan strategy (default) the model fills slots of code-written frames, failing
    candidates are dropped and the ranker picks ``options.variants`` of the rest; with no
    passing candidate the card's template phrasing is the one variant.
    """
    if options.strategy == "free":
        return _write_free(card, fmt, generator, options, names, brand)
    check = _checker(card, fmt, options, names, brand)
    ranked, checked, note = write_planned(card, fmt, generator, options, brand, check, embed)
    raw = [RawOutput(fmt, c.text, c.text, c.check) for c in checked]
    kept = [Variant(fmt, r.text, r.source, [], r.score, r.needs_edit) for r in ranked]
    if not kept:
        kept = [_fallback(card, fmt, options, check)]
    return kept, raw, note


def _fallback(
    card: Card, fmt: str, options: SuggestOptions, check: Callable[[str], GroundingCheck]
) -> Variant:
    """The card phrased from a template, marked for editing: the last resort."""
    text = fallback_copy(card.kind, card.facts, fmt)
    missing = [w for w in options.required if w.lower() not in text.lower()]
    if missing:  # the user's keywords are theirs to place; append them rather than fail
        text = f"{text} {' '.join(missing)}"
    problems = check(text).problems
    return Variant(fmt, text, TEMPLATE, problems, None, bool(problems))


def _write_free(
    card: Card,
    fmt: str,
    generator: Generator | None,
    options: SuggestOptions,
    names: Sequence[str],
    brand: str | None,
) -> tuple[list[Variant], list[RawOutput], str | None]:
    """The free strategy: the model writes whole texts. Variants of one format that pass
    the checks, the raw outputs, and a note.

    Failing outputs are regenerated for up to ``options.rounds`` rounds, then dropped; with
    no passing output (or no generator) the card's template phrasing is the one variant.
    """

    check = _checker(card, fmt, options, names, brand)
    kept: list[Variant] = []
    raw: list[RawOutput] = []
    note = None
    if generator is not None:
        system, prompt = build_prompt(card, fmt, options, brand)
        examples = [build_example(card, fmt, options)]
        generation = options.generation(fmt)
        for round_number in range(options.rounds):
            wanted = options.variants - len(kept)
            if wanted <= 0:
                break
            try:
                answers = generator.generate_many(
                    system,
                    prompt,
                    offset_seed(generation, ROUND_SEED_STRIDE * round_number),
                    wanted,
                    examples,
                )
            except GeneratorError as error:
                note = str(error)
                break
            for answer in answers:
                cleaned = clean_output(answer, fmt)
                result = check(cleaned)
                raw.append(RawOutput(fmt, answer, cleaned, result))
                duplicate = any(v.text.lower() == cleaned.lower() for v in kept)
                if result.ok and not duplicate and len(kept) < options.variants:
                    kept.append(Variant(fmt, cleaned, "model", []))
    if not kept:
        kept.append(_fallback(card, fmt, options, check))
    return kept, raw, note


def suggest_for_cards(
    cards: Sequence[Card],
    generator: Generator | None,
    options: SuggestOptions,
    names: Sequence[str],
    *,
    brand: str | None = None,
    progress: ProgressCallback | None = None,
) -> list[CardSuggestions]:
    """A play and checked copy variants for each card, in each of ``options.formats``."""
    results = []
    total = len(cards) * len(options.formats)
    done = 0
    for card in cards:
        play = play_for(card)
        result = CardSuggestions(card, play, _fill(play.action, card), brand)
        for fmt in options.formats:
            if progress:
                progress("writing copy", done, total)
            variants, raw, note = write_variants(card, fmt, generator, options, names, brand)
            result.variants.extend(variants)
            result.raw.extend(raw)
            if note and note not in result.notes:
                result.notes.append(note)
            if note:  # the generator is down: the remaining formats use templates at once
                generator = None
            done += 1
        results.append(result)
    if progress:
        progress("writing copy", total, total)
    return results


def generator_name(generator: Generator | None) -> str:
    return generator.name if generator is not None else TEMPLATE
