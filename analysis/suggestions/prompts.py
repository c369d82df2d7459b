"""Prompts for the generator, built from a card's facts, and the clean-up and checks of what it writes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from analysis.insight.cards import Card
from analysis.suggestions.grounding import (
    LENGTH_LIMITS,
    GroundingCheck,
    check_variant,
)
from analysis.suggestions.plays import FORMAT_NAMES, SuggestOptions, play_for, worked_example
from analysis.suggestions.quality import quality_problems


def _fill(template: str, card: Card) -> str:
    facts = card.facts
    return template.format(
        topic=facts.get("topic", "this topic"),
        campaign=facts.get("campaign", "the campaign"),
        subject=facts.get("product") or facts.get("channel") or "it",
        brand=facts.get("brand", "the other brand"),
        week=facts.get("week", "this week"),
    )


def fact_pairs(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """The facts worth showing as (label, value) text ("share negative", "96%").

    Empty values and false flags are left out; a key's underscores become spaces.
    """
    pairs = []
    for key, value in facts.items():
        if value is None or value == [] or isinstance(value, bool) and not value:
            continue
        label = key.replace("_", " ")
        if isinstance(value, bool):
            text = "yes"
        elif isinstance(value, float) and -1 <= value <= 1 and key.startswith("share"):
            text = f"{value:.0%}"
        elif isinstance(value, (list, tuple)):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        pairs.append((label, text))
    return pairs


def fact_lines(facts: dict[str, Any]) -> list[str]:
    """The facts as the prompt shows them, one bullet each ("- share negative: 96%")."""
    return [f"- {label}: {text}" for label, text in fact_pairs(facts)]


def fact_summary(facts: dict[str, Any]) -> str:
    """The facts on one line, as evidence ("share negative: 96%; topic: delivery")."""
    return "; ".join(f"{label}: {text}" for label, text in fact_pairs(facts))


def _banned_for(card: Card, banned: tuple[str, ...], brand: str | None) -> tuple[str, ...]:
    # Copy aimed at a competitor's unhappy customers never names the competitor.
    if card.kind == "competitor_bad_week" and card.facts.get("brand") not in (None, brand):
        return (*banned, str(card.facts["brand"]))
    return banned


def check_copy(
    text: str,
    card: Card,
    fmt: str,
    names: Sequence[str],
    required: Sequence[str],
    banned: Sequence[str],
    brand: str | None,
) -> GroundingCheck:
    """The grounding check of one text against its card, for the brand it speaks for, and
    the quality checks (invented offers, blame, condolences, repetition, non-words...)."""
    result = check_variant(
        text,
        card.facts,
        fmt=fmt,
        known_names=names,
        required=tuple(required),
        banned=_banned_for(card, tuple(banned), brand),
        context=[card.title, *([brand] if brand else [])],
    )
    grounded = [card.title, fact_summary(card.facts), *required, *([brand] if brand else [])]
    problems = [*result.problems, *quality_problems(text, fmt, grounded, brand)]
    return GroundingCheck(not problems, problems)


def _prompt_lines(facts: dict[str, Any], brief: str, fmt: str, tone: str) -> list[str]:
    return [
        "Facts:",
        *fact_lines(facts),
        f"Task: write one {FORMAT_NAMES[fmt]} that will {brief}.",
        f"Tone: {tone}. At most {LENGTH_LIMITS[fmt]} characters.",
    ]


def build_prompt(
    card: Card, fmt: str, options: SuggestOptions, brand: str | None
) -> tuple[str, str]:
    """(system, user) messages for one format of one card: the card's facts and nothing else."""
    speaker = f"the brand {brand}" if brand else "the brand"
    system = (
        f"You write short marketing copy for {speaker}. Use only the facts you are given. "
        "Never invent numbers, prices, discounts, dates, people or product names. "
        "Write the finished text itself, with no placeholders and no explanation."
    )
    play = play_for(card)
    lines = _prompt_lines(card.facts, _fill(play.brief, card), fmt, options.tone)
    if options.required:
        lines.append("It must include: " + ", ".join(options.required) + ".")
    banned = _banned_for(card, options.banned, brand)
    if banned:
        lines.append("It must not use: " + ", ".join(banned) + ".")
    lines.append(f"Reply with the {FORMAT_NAMES[fmt]} only.")
    return system, "\n".join(lines)


def build_example(card: Card, fmt: str, options: SuggestOptions) -> tuple[str, str]:
    """The worked (prompt, answer) pair shown before ``card``'s prompt."""
    example = worked_example(card.kind)
    lines = _prompt_lines(example.facts, example.brief, fmt, options.tone)
    lines.append(f"Reply with the {FORMAT_NAMES[fmt]} only.")
    return "\n".join(lines), example.answers[fmt]


def copied_example(text: str, card: Card) -> str | None:
    """A marker word of the worked example that the variant uses but its card does not."""
    own = (card.title + " " + json.dumps(card.facts, default=str)).lower()
    lowered = text.lower()
    return next(
        (m for m in worked_example(card.kind).markers if m in lowered and m not in own), None
    )


_LABEL = re.compile(
    r"^\s*(?:subject(?: line)?|headline|ad headline|tweet|post|social media post|reply|answer)"
    r"\s*[:\-]\s*",
    re.I,
)


_GREETING = re.compile(r"^(?:hi|hey|hello|dear|greetings|to)\b[^.!?]{0,40}[,!:]?$", re.I)


_SIGN_OFF = re.compile(
    r"^(?:best|regards|sincerely|cheers|thanks|thank you|warmly)\b.{0,40}$", re.I
)


_QUOTES = "\"'“”‘’"


def clean_output(text: str, fmt: str) -> str:
    """The copy inside a model's answer: no 'Subject:' label, quotes, greeting or sign-off."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    kept = []
    for paragraph in paragraphs:
        first_line = paragraph.splitlines()[0].strip()
        if _GREETING.match(first_line) and len(paragraph.splitlines()) == 1:
            continue
        if _SIGN_OFF.match(first_line):
            break  # a letter's end; what follows is the signature
        without_label = _LABEL.sub("", paragraph).strip()
        if without_label:
            kept.append(without_label)
    if not kept:
        return ""
    if fmt in ("email_subject", "ad_headline"):
        result = kept[0].splitlines()[0].strip().strip(_QUOTES)
        if len(result) > LENGTH_LIMITS[fmt]:
            # A headline with a subtitle ("Stay cold: the bottle for ...") keeps its head.
            head = re.split(r"\s*(?::|\s[-–—]\s|[.;,])\s*", result, maxsplit=1)[0]
            head = re.match(r"^.*?[!?]", head).group() if re.search(r"[!?]", head) else head
            if 0 < len(head) <= LENGTH_LIMITS[fmt]:
                result = head
    else:
        result = " ".join(" ".join(kept).split())
    result = result.strip().strip(_QUOTES).strip()
    limit = LENGTH_LIMITS[fmt]
    if fmt in ("social_post", "review_reply"):
        # A sample cut off by the token limit ends mid-sentence: keep whole sentences.
        ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", result)]
        within = [end for end in ends if end <= limit]
        if within and (len(result) > limit or result[-1] not in ".!?"):
            result = result[: within[-1]]
    return result.strip()
