"""The grounding check every generated copy variant must pass, and a deterministic fallback.

A fluent suggestion that invents facts is worse than none. A variant passes when:

* every number in it is one of the card's figures (a share may be written as 0.38, 38% or
  38 percent; a count as 303 or 303.0);
* it names no brand, product or campaign from the database that the card does not name;
* every required keyword is there and no banned word is;
* it fits the format's length limit, leaves no blank to fill in ("[Customer Name]") and
  is the copy itself, not talk about it ("Here's a possible post:").

When a model is unavailable or every variant fails, :func:`fallback_copy` phrases the card
itself from templates that only use its facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Characters; ad headlines follow the common 30-character search-ad limit.
LENGTH_LIMITS = {"social_post": 280, "email_subject": 78, "ad_headline": 30, "review_reply": 600}
_PLACEHOLDER = re.compile(r"\[[^\]]{2,40}\]|\{[^}]{2,40}\}|<[A-Za-z ]{2,40}>")
# Answers about the task instead of the copy itself ("Here's a possible response:").
_TALKS_ABOUT_TASK = re.compile(
    r"\b(?:here(?:'s| is) (?:a|an|the|my)\b|possible (?:response|post|reply)|as an ai\b|"
    r"language model|i(?:'m| am) (?:happy|here) to help you with|creative writing|"
    r"social media post|subject line|ad headline)",
    re.I,
)
# A number, with the unit or suffix it may carry: 38%, $20, 1980s, 24h, 2x, 3rd.
_NUMBER = re.compile(
    r"(?<![\w.])[-+−]?\$?\d+(?:[.,]\d+)*(?:\s?%| percent|s|h|x|k|st|nd|rd|th)?(?![\w])", re.I
)


_TRAILING = frozenset(
    [
        "anymore",
        "again",
        "already",
        "still",
        "ever",
        "now",
        "today",
        "lol",
        "tho",
        "though",
        "too",
        "either",
        "yet",
    ]
)


def readable_subject(name: Any) -> str:
    """A name fit to stand in a sentence: a keyword list ("lid leaks, seal") keeps its first
    phrase and a bracketed extra ("lid leaks (seal)") is dropped."""
    text = str(name or "").strip()
    text = re.split(r"\s*[,;/|(]\s*", text, maxsplit=1)[0].strip(" .-:")
    words = text.split()
    # Topic phrases cut from posts can end in an adverb ("seal anymore" from "doesn't seal
    # anymore"), which reads wrong as a subject: "the seal anymore reports".
    while len(words) > 1 and words[-1].lower() in _TRAILING:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class GroundingCheck:
    ok: bool
    problems: list[str]  # one line each, saying what was wrong


def _fact_values(facts: Mapping[str, Any]) -> Iterable[Any]:
    for value in facts.values():
        if isinstance(value, (list, tuple)):
            yield from value
        elif isinstance(value, Mapping):
            yield from _fact_values(value)
        else:
            yield value


def allowed_numbers(facts: Mapping[str, Any], extra_text: Sequence[str] = ()) -> set[float]:
    """Every number the card states, in each form it may be written (fraction as percent)."""
    allowed: set[float] = set()
    for value in _fact_values(facts):
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (int, float)):
            for number in (value, abs(value)):
                allowed.add(round(float(number), 2))
                if -1 <= number <= 1:  # a share: 0.38 is also 38%
                    allowed.add(round(number * 100, 0))
                    allowed.add(round(number * 100, 1))
        elif isinstance(value, str):
            extra_text = [*extra_text, value]
    for text in extra_text:  # names and titles may carry numbers ("2025-W41", "Product 3")
        for match in _NUMBER.finditer(text):
            parsed = _parse(match.group())
            if parsed is not None:
                allowed.add(round(abs(parsed), 2))
    return allowed


def _parse(token: str) -> float | None:
    cleaned = re.sub(r"(?i)\s?%|\spercent|\$|[+−-]|(?<=\d)(?:s|h|x|k|st|nd|rd|th)$", "", token)
    cleaned = cleaned.replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _names_in(facts: Mapping[str, Any]) -> str:
    return " ".join(str(v) for v in _fact_values(facts) if isinstance(v, str)).lower()


def check_variant(
    text: str,
    facts: Mapping[str, Any],
    *,
    fmt: str = "social_post",
    known_names: Iterable[str] = (),
    required: Sequence[str] = (),
    banned: Sequence[str] = (),
    context: Sequence[str] = (),
) -> GroundingCheck:
    """Check one generated variant against the card's ``facts``.

    ``known_names``: brands, products and campaigns in the database; naming one the card
    does not is an invented fact. ``context``: other grounded text (the card's title).
    """
    problems = []
    if not text.strip():
        return GroundingCheck(False, ["empty"])
    meta = _TALKS_ABOUT_TASK.search(text)
    if meta:
        problems.append(f"it talks about the task ('{meta.group()}') instead of being the copy")
    placeholder = _PLACEHOLDER.search(text)
    if placeholder:  # small models write letters with blanks: "Dear [Customer Name]"
        problems.append(f"the placeholder '{placeholder.group()}' is left in")
    limit = LENGTH_LIMITS.get(fmt)
    if limit and len(text) > limit:
        problems.append(
            f"{len(text)} characters; the limit for {fmt.replace('_', ' ')}s is {limit}"
        )
    allowed = allowed_numbers(facts, [*context, *required])
    for match in _NUMBER.finditer(text):
        value = _parse(match.group())
        if value is None:
            continue
        if not any(abs(round(value, 2) - a) < 0.006 for a in allowed):
            problems.append(f"the number '{match.group().strip()}' is not in the card's facts")
    stated = _names_in(facts) + " " + " ".join(context).lower()
    lowered = text.lower()
    for name in known_names:
        if not name or len(name) < 3:
            continue
        if (
            re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", lowered)
            and name.lower() not in stated
        ):
            problems.append(f"'{name}' is named, but the card is not about it")
    for word in required:
        if word.lower() not in lowered:
            problems.append(f"the required keyword '{word}' is missing")
    for word in banned:
        if re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", lowered):
            problems.append(f"the banned word '{word}' is used")
    return GroundingCheck(not problems, problems)


# --- deterministic copy from a card ------------------------------------------------------------
_TEMPLATES: dict[str, dict[str, str]] = {
    # A draft an alert rule leaves for review (analysis.rules.drafts): it names who and when,
    # since the reviewer reads it next to the alert, days later.
    "rule": {
        "social_post": "To everyone who wrote to {brand} {when}: thank you. We read every message, and we are on it.",
        "email_subject": "{brand}: an update on your messages {when}",
        "ad_headline": "We're listening",
        "review_reply": "Thank you for writing to {brand} {when}, and sorry for the trouble. We are on it and will follow up.",
    },
    "rising_negative_topic": {
        "social_post": "We hear you about {topic}. We are looking into it and will share what we find.",
        "email_subject": "About {topic}: what we are doing",
        "ad_headline": "We're fixing it",
        "review_reply": "Thank you for telling us about {topic}. We are sorry. Please reply with your order details so we can make it right.",
    },
    "spike": {
        "social_post": "Thanks for all your messages this week. We read every one, and we are on it.",
        "email_subject": "An update on this week's issue",
        "ad_headline": "We're listening",
        "review_reply": "Thank you for your message, and sorry for the trouble. We are working on it and will follow up.",
    },
    "campaign_lift": {
        "social_post": "Thank you for making {campaign} a success. More is coming!",
        "email_subject": "{campaign}: thank you",
        "ad_headline": "Join {campaign}",
        "review_reply": "Thank you! We are glad you enjoy {campaign}.",
    },
    "campaign_backfire": {
        "social_post": "We heard your feedback on {campaign}. Thank you for telling us; we are changing course.",
        "email_subject": "Your feedback on {campaign}",
        "ad_headline": "We heard you",
        "review_reply": "Thank you for your honest feedback on {campaign}. We are listening and changing course.",
    },
    "worst_segment": {
        "social_post": "Having trouble with {subject}? Our team is ready to help. Send us a message.",
        "email_subject": "Help with {subject}",
        "ad_headline": "Here to help",
        "review_reply": "We are sorry about your experience with {subject}. Please contact us so we can fix it.",
    },
    "competitor_bad_week": {
        "social_post": "Looking for something you can rely on? We are here when you need us.",
        "email_subject": "Reliable, when you need it",
        "ad_headline": "Built to rely on",
        "review_reply": "Thank you for your review. We are glad to have you with us.",
    },
    "praised_theme": {
        "social_post": "You love {topic}, and so do we. Thank you for sharing!",
        "email_subject": "Why customers love {topic}",
        "ad_headline": "Loved by customers",
        "review_reply": "Thank you for the kind words about {topic}!",
    },
}


def fallback_copy(kind: str, facts: Mapping[str, Any], fmt: str) -> str:
    """Copy for a card without a language model: a template filled with the card's names."""
    template = _TEMPLATES.get(kind, _TEMPLATES["spike"]).get(fmt)
    if template is None:
        raise ValueError(f"unknown format '{fmt}'; expected one of {', '.join(LENGTH_LIMITS)}")
    subject = facts.get("product") or facts.get("channel") or "your order"
    text = template.format(
        topic=readable_subject(facts.get("topic")) or "this",
        campaign=facts.get("campaign", "our campaign"),
        subject=subject,
        brand=facts.get("brand") or "us",
        when=facts.get("when") or "in recent days",
    )
    limit = LENGTH_LIMITS[fmt]
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
