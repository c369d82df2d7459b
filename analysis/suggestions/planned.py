"""Planned copy: the model fills short slots, the code composes candidates from the plan's
frames, every candidate is checked, and the ranker picks the few shown.

Used for campaign copy (:func:`write_planned`) and for replies to customers
(:mod:`analysis.suggestions.replies`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analysis.insight.cards import Card
from analysis.suggestions.generators import GenerationOptions, Generator, offset_seed
from analysis.suggestions.grounding import GroundingCheck
from analysis.suggestions.plans import (
    Slot,
    clean_slot,
    compose,
    fact_fillers,
    mood_of,
    slot_examples,
    slot_prompt,
    slots_needed,
)
from analysis.suggestions.plays import FORMAT_NAMES, SuggestOptions
from analysis.suggestions.ranker import Candidate, Embedder, Likelihood, Ranked, rank
from loaders.errors import GeneratorError

SLOT_TOKENS = 28  # one short sentence; a sample cut off here is dropped by clean_slot
# Seeds of two slots sit this far apart, clear of generate_many's per-sample offsets.
SLOT_SEED_STRIDE = 1000

Check = Callable[[str], GroundingCheck]

SITUATIONS = {
    "sorry": "customers are unhappy about the {subject}",
    "praise": "customers love the {subject}",
    "switch": "customers of another brand are unhappy and looking for something dependable",
}


@dataclass(frozen=True)
class Checked:
    """One composed candidate and its check: what the benchmark's pass share counts."""

    text: str
    source: str
    check: GroundingCheck


@functools.cache
def copy_embedder() -> Embedder:
    """The bundled all-MiniLM-L6-v2 as the ranker's embedder (loaded once, on first use).

    Always the bundled model: the on-topic thresholds are calibrated on it."""
    from analysis.sentiment.model import default_backbone
    from analysis.topics.embeddings import encode, load_embedder

    model = load_embedder(default_backbone())
    return lambda texts: encode(model, texts).tolist()


def likelihood_of(generator: Generator | None) -> Likelihood | None:
    """The generator's per-token likelihood scorer, where it has one (local models do)."""
    return getattr(generator, "likelihood", None) if generator is not None else None


def slot_generation(options: SuggestOptions) -> GenerationOptions:
    return GenerationOptions(
        max_new_tokens=SLOT_TOKENS,
        temperature=options.temperature,
        top_k=options.top_k,
        top_p=options.top_p,
        seed=options.seed,
        stop=("\n",),
    )


def write_slots(
    generator: Generator,
    slots: Sequence[Slot],
    fillers: Mapping[str, str],
    situation: str,
    options: SuggestOptions,
    examples: Sequence[tuple[str, str]] | None = None,
) -> tuple[dict[str, list[str]], list[str], str | None]:
    """slot name -> distinct usable texts; every raw answer; the generator's error, if any.

    ``examples``: worked (prompt, answer) pairs; by default one per slot from its answers."""
    written: dict[str, list[str]] = {}
    raw: list[str] = []
    generation = slot_generation(options)
    for index, slot in enumerate(slots):
        system, prompt = slot_prompt(slot, fillers, situation)
        try:
            answers = generator.generate_many(
                system,
                prompt,
                offset_seed(generation, SLOT_SEED_STRIDE * index),
                options.candidates,
                examples if examples is not None else slot_examples(slot, fillers),
            )
        except GeneratorError as error:
            return written, raw, str(error)
        raw.extend(answers)
        grounds = " ".join([situation, *fillers.values()])
        cleaned = (clean_slot(answer, slot, grounds) for answer in answers)
        written[slot.name] = list(dict.fromkeys(text for text in cleaned if text))
    return written, raw, None


def choose(
    candidates: Sequence[tuple[str, str]],
    check: Check,
    subject: str,
    fmt: str,
    shown: int,
    embed: Embedder | None = None,
    likelihood: Likelihood | None = None,
) -> tuple[list[Ranked], list[Checked]]:
    """The ``shown`` best passing candidates, and every candidate with its check."""
    checked = [Checked(text, source, check(text)) for text, source in candidates]
    passing = [Candidate(c.text, c.source) for c in checked if c.check.ok]
    if not passing:
        return [], checked
    ranked = rank(passing, subject, fmt, embed or copy_embedder(), likelihood, shown)
    return ranked, checked


def write_planned(
    card: Card,
    fmt: str,
    generator: Generator | None,
    options: SuggestOptions,
    brand: str | None,
    check: Check,
    embed: Embedder | None = None,
) -> tuple[list[Ranked], list[Checked], str | None]:
    """The ranked shown drafts of one format of one card, every candidate checked, and the
    generator's error (then the plan's template phrasings compete alone)."""
    fillers = {**fact_fillers(card, brand), "format": FORMAT_NAMES[fmt]}
    written: dict[str, list[str]] = {}
    note = None
    if generator is not None:
        situation = SITUATIONS[mood_of(card.kind)].format(**fillers)
        slots = slots_needed(card.kind, fmt)
        written, _, note = write_slots(generator, slots, fillers, situation, options)
    candidates = compose(card.kind, fmt, fillers, written, options.candidates)
    candidates = [(_with_required(text, options.required), source) for text, source in candidates]
    subject = f"{card.title} {fillers['subject']}"
    ranked, checked = choose(
        candidates,
        check,
        subject,
        fmt,
        options.variants,
        embed,
        likelihood_of(generator) if note is None else None,
    )
    return ranked, checked, note


def _with_required(text: str, required: Sequence[str]) -> str:
    """The user's required keywords (hashtags, a campaign tag) are theirs to place: the code
    appends the missing ones rather than hoping the model writes them."""
    missing = [word for word in required if word.lower() not in text.lower()]
    return f"{text} {' '.join(missing)}" if missing else text
