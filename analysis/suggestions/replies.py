"""Reply drafts for one customer's post, grounded in the brand's knowledge base.

The plan: the model writes only the opening (acknowledging the post in its own words); the
code inserts the knowledge entry's answer and link verbatim, or, with no matching entry,
a request to get in touch that promises no fix. Candidates that fail :func:`check_reply`
are dropped and the ranker (:mod:`analysis.suggestions.ranker`) picks up to three, on topic
measured against the post itself. Nothing here publishes anything: a person approves,
edits or rejects every draft.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analysis.suggestions.generators import Generator
from analysis.suggestions.grounding import GroundingCheck, check_variant
from analysis.suggestions.planned import choose, likelihood_of, write_slots
from analysis.suggestions.plans import Slot, slot_prompt
from analysis.suggestions.plays import SuggestOptions
from analysis.suggestions.quality import quality_problems
from analysis.suggestions.ranker import Embedder

if TYPE_CHECKING:
    from loaders.knowledge import KnowledgeEntry

FORMAT = "review_reply"
POST_CHARS = 400  # of the post shown to the model: enough for the complaint, not a whole rant

OPENING = Slot(
    "opening",
    "open a reply to this customer: say sorry about their problem in your own words, warmly",
    (  # generic: the template openings of any post
        "Thank you for telling us, and we're sorry about this.",
        "That's not the experience we want for you, and we're sorry.",
        "We're sorry to hear this.",
    ),
    max_words=16,
)
# The worked example the model sees: an opening that names the post's own problem.
EXAMPLE_POST = "ordered a desk lamp, it came late and the box was crushed. not happy"
EXAMPLE_OPENING = "We're sorry your lamp arrived late and the box was crushed."

# With an entry, its answer is the reply's substance; the closing offers more help.
WITH_ENTRY = (
    "{opening} {answer}{link} Let us know if there's anything else we can do.",
    "{opening} Here's what we can do: {answer}{link} We're here if you need anything else.",
)
# With none, the reply promises nothing it cannot keep: it asks the customer to get in touch.
WITHOUT_ENTRY = (
    "{opening} We'd like to look into this for you. Please send us a direct message with "
    "the details so we can help.",
    "{opening} Please send us a direct message with the details, and we'll take a look.",
)
_URL = re.compile(r"(?:https?://|www\.)[^\s)>\]]+|\b(?:[\w-]+\.)+[a-z]{2,}(?:/[^\s)>\]]*)?", re.I)


@dataclass(frozen=True)
class ReplyDraft:
    text: str
    source: str  # "model" or "template"
    problems: list[str]  # check problems ([] when it passed)
    score: float | None  # ranker score, None for a template
    needs_edit: bool


def _grounds(post_text: str, entry: KnowledgeEntry | None) -> list[str]:
    return [post_text, *([entry.facts_text()] if entry is not None else [])]


def check_reply(
    text: str,
    post_text: str,
    entry: KnowledgeEntry | None,
    names: Sequence[str],
    brand: str | None,
) -> list[str]:
    """Problems of a (possibly edited) reply: every number, name and link must come from the
    post or the knowledge entry, and none of the quality checks may fire."""
    grounds = _grounds(post_text, entry)
    facts = {f"ground_{i}": ground for i, ground in enumerate(grounds)}
    problems = check_variant(
        text, facts, fmt=FORMAT, known_names=names, context=[brand or ""]
    ).problems
    grounded = " ".join(grounds).lower()
    for match in _URL.finditer(text):
        link = match.group().rstrip(".,!?;:").lower()
        bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", link)
        if bare not in grounded:
            problems.append(f"the link '{match.group()}' is not in the post or the knowledge entry")
    problems.extend(quality_problems(text, FORMAT, grounds, brand))
    return problems


def _link_text(entry: KnowledgeEntry) -> str:
    """The entry's first link, unless its answer already holds it."""
    link = next(iter(entry.links), None)
    bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", (link or "").lower()).rstrip("/")
    if not link or bare in entry.answer.lower():
        return ""
    return f" More at {link}"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?" else f"{text}."


def _situation(post_text: str) -> str:
    return f'a customer posted: "{" ".join(post_text.split())[:POST_CHARS]}"'


def reply_candidates(
    entry: KnowledgeEntry | None, openings: Sequence[str], count: int
) -> list[tuple[str, str]]:
    """(text, source) candidates: each frame with the model's openings, then the worked ones."""
    frames = WITH_ENTRY if entry is not None else WITHOUT_ENTRY
    fillers = {"answer": "", "link": ""}
    if entry is not None:
        link = _link_text(entry)
        fillers = {"answer": _sentence(entry.answer), "link": _sentence(link) if link else ""}
        if link:
            fillers["link"] = " " + fillers["link"]
    pool = [(o, "model") for o in openings] + [(o, "template") for o in OPENING.answers]
    candidates: dict[str, str] = {}
    for index in range(max(count, len(frames))):
        opening, source = pool[index % len(pool)]
        frame = frames[index % len(frames)]
        text = frame.format(opening=opening, **fillers)
        candidates.setdefault(" ".join(text.split()), source)
    return list(candidates.items())


def draft_replies(
    post_text: str,
    *,
    brand: str | None,
    entry: KnowledgeEntry | None,
    generator: Generator | None,
    names: Sequence[str],
    shown: int = 3,
    candidates: int = 8,
    seed: int | None = None,
    embed: Embedder | None = None,
) -> list[ReplyDraft]:
    """Up to ``shown`` checked, ranked reply drafts for one post (best first).

    The model writes openings only; the entry's facts (or a get-in-touch request) are the
    code's. With no generator, or when it fails, the worked openings make template drafts.
    """
    options = SuggestOptions(formats=(FORMAT,), variants=shown, candidates=candidates, seed=seed)
    openings: list[str] = []
    note = None
    if generator is not None:
        example = (slot_prompt(OPENING, {}, _situation(EXAMPLE_POST))[1], EXAMPLE_OPENING)
        written, _, note = write_slots(
            generator, [OPENING], {}, _situation(post_text), options, [example]
        )
        openings = written.get("opening", [])
    pool = reply_candidates(entry, openings, candidates)

    def check(text: str) -> GroundingCheck:
        problems = check_reply(text, post_text, entry, names, brand)
        return GroundingCheck(not problems, problems)

    likelihood = likelihood_of(generator) if note is None else None
    ranked, checked = choose(pool, check, post_text, FORMAT, shown, embed, likelihood)
    if ranked:
        return [ReplyDraft(r.text, r.source, [], r.score, r.needs_edit) for r in ranked]
    # Nothing passed (a hostile entry, say): the first candidate, marked with its problems.
    first = checked[0]
    return [ReplyDraft(first.text, "template", first.check.problems, None, True)]
