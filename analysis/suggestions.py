"""Campaign suggestions: a recommended play per insight card, copy variants written by a
generator, each checked against the card's facts, and their review.

The prompt carries only the card's facts (never the posts, which hold other people's names
and claims). Every variant passes :func:`analysis.grounding.check_variant`, or is
regenerated, or dropped; when no variant of a format survives, or no model is available, the
card is phrased from a template (:func:`analysis.grounding.fallback_copy`). Stored
suggestions keep the card's facts and example posts as their evidence, and move from draft
to approved or rejected by a person; an edit is checked again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

import duckdb

from analysis import suggestion_queries as sql
from analysis.generators import GenerationOptions, Generator
from analysis.grounding import LENGTH_LIMITS, GroundingCheck, check_variant, fallback_copy
from analysis.insights import Card
from loaders.errors import BrandpulseError, GeneratorError, explain
from loaders.safe_text import csv_text, markdown_literal, redact_secrets
from loaders.store import records

FORMATS = tuple(LENGTH_LIMITS)
FORMAT_NAMES = {
    "social_post": "social media post",
    "email_subject": "email subject line",
    "ad_headline": "ad headline",
    "review_reply": "reply to a negative review",
}
# New tokens per format unless the user sets a maximum; a token is about 4 characters.
FORMAT_TOKENS = {"social_post": 70, "email_subject": 24, "ad_headline": 16, "review_reply": 80}
STATUSES = ("draft", "approved", "rejected")
TEMPLATE = "template"

ProgressCallback = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class Play:
    name: str
    action: str  # what the marketer should do; {topic}, {campaign}, {subject}, {brand} filled in
    brief: str  # what the copy should do, for the model


PLAYS: dict[str, Play] = {
    "rising_negative_topic": Play(
        "Service recovery and FAQ",
        "Acknowledge the problem with {topic} in public, publish an FAQ or fix note on it, "
        "and reply to the unhappy posts.",
        "say sorry for the trouble with {topic} and that it is being fixed",
    ),
    "spike": Play(
        "Service-recovery message",
        "Answer the people behind the spike in {week} quickly, say what went wrong and what "
        "happens next.",
        "thank customers for their messages, say sorry and that the team is on it",
    ),
    "campaign_lift": Play(
        "Amplify the campaign",
        "Extend {campaign}, boost its best posts and invite its advocates to share.",
        "celebrate {campaign} and invite more customers to join it",
    ),
    "campaign_backfire": Play(
        "Pause or fix the campaign",
        "Pause {campaign}'s paid placements, review its message against the negative posts, "
        "and answer the critics.",
        "thank people for their honest feedback on {campaign} and say the brand is listening",
    ),
    "worst_segment": Play(
        "Fix and reach out",
        "Check {subject} for a product or service fault and contact its unhappy customers.",
        "offer help to customers who have trouble with {subject}",
    ),
    "competitor_bad_week": Play(
        "Win over switchers",
        "Reach customers looking for an alternative to {brand}, without naming it in the copy.",
        "tell people looking for something reliable why our brand is dependable",
    ),
    "praised_theme": Play(
        "Amplify advocates",
        "Share the praise about {topic}, thank the advocates and build ads around it.",
        "celebrate what customers love: {topic}",
    ),
}


# One worked example per format, shown to the model before the real card: small models copy
# a shown answer's shape far better than they follow rules. Facts of an invented card, with
# marker words whose appearance in a variant (when the real card lacks them) means the
# model copied the example instead of writing about its card.
@dataclass(frozen=True)
class WorkedExample:
    facts: dict[str, Any]
    brief: str
    answers: dict[str, str]  # format -> answer
    markers: tuple[str, ...]


SORRY_EXAMPLE = WorkedExample(
    {"topic": "late deliveries", "posts": 120, "share_negative": 0.81},
    "say sorry for the trouble with late deliveries and that it is being fixed",
    {
        "social_post": "We're sorry about the late deliveries. Our team is working with our "
        "couriers to fix it, and we'll keep you posted right here.",
        "email_subject": "Sorry about the late deliveries: here is our fix",
        "ad_headline": "Now shipping on time",
        "review_reply": "Thank you for telling us, and we're sorry your order arrived late. "
        "We're working with our couriers to fix this. Please send us your order number so we "
        "can make it right.",
    },
    ("late deliver", "courier", "on time", "shipping", "arrived late"),
)
PRAISE_EXAMPLE = WorkedExample(
    {"topic": "soft grip handle", "posts": 80, "share_positive": 0.9},
    "celebrate what customers love: soft grip handle",
    {
        "social_post": "You love our soft grip handle, and so do we! Thank you for all the kind "
        "words. Tell us where it goes with you next.",
        "email_subject": "The handle everyone is talking about",
        "ad_headline": "A grip you'll love",
        "review_reply": "Thank you so much for the kind words! We're glad the soft grip handle "
        "makes your day easier, and we can't wait to hear what you think next.",
    },
    ("grip", "handle"),
)
POSITIVE_KINDS = {"campaign_lift", "praised_theme", "competitor_bad_week"}


def worked_example(kind: str) -> WorkedExample:
    return PRAISE_EXAMPLE if kind in POSITIVE_KINDS else SORRY_EXAMPLE


@dataclass(frozen=True)
class SuggestOptions:
    """What to write and how: the controls of `brandpulse suggest` and the Suggestions page."""

    formats: tuple[str, ...] = FORMATS
    variants: int = 3
    tone: str = "friendly"
    required: tuple[str, ...] = ()  # keywords every variant must contain
    banned: tuple[str, ...] = ()  # words no variant may contain
    max_new_tokens: int | None = None  # None: a length that suits each format
    temperature: float = 0.7
    top_k: int = 40
    top_p: float = 0.9
    seed: int | None = None
    rounds: int = 2  # generation rounds per format before the template is used

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise BrandpulseError(
                explain(
                    f"Unknown copy format {', '.join(unknown) or '(none)'}",
                    expected="one or more of " + ", ".join(FORMATS),
                )
            )
        if not 1 <= self.variants <= 10:
            raise BrandpulseError(f"variants must be 1 to 10; found {self.variants}.")
        if self.temperature < 0 or not 0 < self.top_p <= 1 or self.top_k < 0:
            raise BrandpulseError(
                explain(
                    "Invalid sampling settings",
                    expected="temperature >= 0, 0 < top-p <= 1, top-k >= 0",
                    found=f"temperature {self.temperature}, top-p {self.top_p}, top-k {self.top_k}",
                )
            )
        if self.max_new_tokens is not None and not 1 <= self.max_new_tokens <= 1024:
            raise BrandpulseError(f"max new tokens must be 1 to 1024; found {self.max_new_tokens}.")

    def generation(self, fmt: str) -> GenerationOptions:
        return GenerationOptions(
            max_new_tokens=self.max_new_tokens or FORMAT_TOKENS[fmt],
            temperature=self.temperature,
            top_k=self.top_k,
            top_p=self.top_p,
            seed=self.seed,
            # Small models go on to a second letter after a long gap.
            stop=("\n\n\n",),
        )


@dataclass(frozen=True)
class Variant:
    format: str
    text: str
    source: str  # "model" or "template"
    problems: list[str]  # grounding problems ([] when it passed)


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


def _fill(template: str, card: Card) -> str:
    facts = card.facts
    return template.format(
        topic=facts.get("topic", "this topic"),
        campaign=facts.get("campaign", "the campaign"),
        subject=facts.get("product") or facts.get("channel") or "it",
        brand=facts.get("brand", "the other brand"),
        week=facts.get("week", "this week"),
    )


def fact_lines(facts: dict[str, Any]) -> list[str]:
    """The facts as the prompt and the evidence show them ("- share negative: 96%")."""
    lines = []
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
        lines.append(f"- {label}: {text}")
    return lines


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
    """The grounding check of one text against its card, for the brand it speaks for."""
    return check_variant(
        text,
        card.facts,
        fmt=fmt,
        known_names=names,
        required=tuple(required),
        banned=_banned_for(card, tuple(banned), brand),
        context=[card.title, *([brand] if brand else [])],
    )


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
    play = PLAYS.get(card.kind, PLAYS["spike"])
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


def _seeded(options: GenerationOptions, round_number: int) -> GenerationOptions:
    if options.seed is None:
        return options
    return replace(options, seed=options.seed + 1000 * round_number)


def write_variants(
    card: Card,
    fmt: str,
    generator: Generator | None,
    options: SuggestOptions,
    names: Sequence[str],
    brand: str | None,
) -> tuple[list[Variant], list[RawOutput], str | None]:
    """Variants of one format that pass the grounding check, the raw outputs, and a note.

    Failing outputs are regenerated for up to ``options.rounds`` rounds, then dropped; with
    no passing output (or no generator) the card's template phrasing is the one variant.
    """

    def check(text: str) -> GroundingCheck:
        result = check_copy(text, card, fmt, names, options.required, options.banned, brand)
        copied = copied_example(text, card)
        if copied:
            problem = f"it copies the prompt's worked example ('{copied}')"
            return GroundingCheck(False, [*result.problems, problem])
        return result

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
                    system, prompt, _seeded(generation, round_number), wanted, examples
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
        text = fallback_copy(card.kind, card.facts, fmt)
        missing = [w for w in options.required if w.lower() not in text.lower()]
        if missing:  # the user's keywords are theirs to place; append them rather than fail
            text = f"{text} {' '.join(missing)}"
        kept.append(Variant(fmt, text, TEMPLATE, check(text).problems))
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
        play = PLAYS.get(card.kind, PLAYS["spike"])
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
    con.execute("BEGIN")
    try:
        for result in results:
            card = result.card
            key = card_key(card)
            con.execute(sql.DELETE_DRAFTS_OF_CARD, [key, period_start, period_end, result.brand])
            for variant in result.variants:
                ids.append(
                    con.execute(
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
                        ],
                    ).fetchone()[0]
                )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return ids


def get_suggestion(con: duckdb.DuckDBPyConnection, suggestion_id: int) -> Suggestion:
    rows = records(con, sql.ONE, [suggestion_id])
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
    rows = records(con, sql.LIST, [status, status, start, start, end, end])
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
    con.execute(sql.REVIEW, [status, edited_text, problems, status, suggestion_id])
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
                "; ".join(line[2:] for line in fact_lines(s.facts)),
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
        evidence = "; ".join(line[2:] for line in fact_lines(first.facts))
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
