"""Plans: copy as a frame the code writes, with short slots the model fills.

A 135M model writes a good short sentence far more often than a good post: asked for a
whole post it invents launches, offers and situations. So each format of each mood has
frames (sentences written here, holding the card's subject, names and links, which are
therefore right by construction) with slots for the parts a small model does well: an
opening, a benefit line, a call to action. For the short formats (email subjects, ad
headlines) the model also writes whole lines, because frames alone read alike.

The slots' default fillers (the first worked answer of each) make a deterministic plan
copy when no model is available.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.insight.cards import Card
from analysis.suggestions.grounding import readable_subject

# What the copy does, by the card's kind: say sorry, celebrate, or win switchers.
MOODS = {
    "rising_negative_topic": "sorry",
    "spike": "sorry",
    "campaign_backfire": "sorry",
    "worst_segment": "sorry",
    "praised_theme": "praise",
    "campaign_lift": "praise",
    "competitor_bad_week": "switch",
}


def mood_of(kind: str) -> str:
    return MOODS.get(kind, "sorry")


@dataclass(frozen=True)
class Slot:
    """A part the model writes: one short sentence (or line) doing ``task``."""

    name: str
    task: str  # what the sentence does, for the prompt
    answers: tuple[str, ...]  # worked answers: the first is the default filler
    max_words: int = 12


# The slots per mood. Their worked answers carry no facts, so a copied answer is harmless.
SLOTS: dict[str, dict[str, Slot]] = {
    "sorry": {
        "opening": Slot(
            "opening",
            "open a reply to unhappy customers: thank them or say sorry, warmly",
            ("We hear you, and we're sorry.", "Thank you for telling us.", "That's not okay."),
        ),
        "cta": Slot(
            "cta",
            "invite unhappy customers to message the team for help",
            (
                "Send us a message and we'll help you out.",
                "Drop us a DM so we can make it right.",
                "Reach out to us any time.",
            ),
        ),
        "line": Slot(
            "line",
            "write a short {format} that says sorry about the {subject}",
            ("Sorry about the {subject}", "We hear you on the {subject}"),
            max_words=8,
        ),
    },
    "praise": {
        "opening": Slot(
            "opening",
            "open a post that thanks happy customers, with joy",
            ("You made our week!", "Thank you, all of you!", "We love hearing this."),
        ),
        "cta": Slot(
            "cta",
            "invite happy customers to share their story",
            (
                "Tell us your favourite moment.",
                "Share yours with us.",
                "Show us where it goes with you.",
            ),
        ),
        "line": Slot(
            "line",
            "write a short upbeat {format} about the {subject}",
            ("The {subject} you love", "You love the {subject}"),
            max_words=8,
        ),
    },
    "switch": {
        "opening": Slot(
            "opening",
            "open a post for people looking for something more dependable",
            ("Looking for something you can count on?", "Ready for a change?"),
        ),
        "benefit": Slot(
            "benefit",
            "say in general words that the brand is dependable, with no numbers or offers",
            ("We're here when you need us.", "Dependable is what we do."),
        ),
        "cta": Slot(
            "cta",
            "invite people to try the brand",
            ("Come see for yourself.", "Give us a try.", "We'd love to have you."),
        ),
        "line": Slot(
            "line",
            "write a short {format} inviting people to try a dependable brand",
            ("Something you can count on", "Ready for dependable?"),
            max_words=8,
        ),
    },
}

# Frames per mood and format: {opening}, {benefit}, {cta} are slots; {subject}, {Subject},
# {brand}, {campaign} are facts filled in by the code.
FRAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "sorry": {
        "social_post": (
            "{opening} We're looking into the {subject} you've told us about. {cta}",
            "{opening} Our team is on the {subject} reports. {cta}",
            "{opening} We've seen your posts about the {subject}, and we're on it. {cta}",
        ),
        "review_reply": (
            "{opening} We're sorry about the {subject}. {cta}",
            "{opening} We're sorry the {subject} let you down. {cta}",
        ),
        "email_subject": ("Sorry about the {subject}", "We hear you on the {subject}"),
        "ad_headline": ("We hear you", "We're listening", "Your feedback matters"),
    },
    "praise": {
        "social_post": (
            "{opening} Thank you for all the kind words about the {subject}. {cta}",
            "{opening} The {subject} gets so much love from you. {cta}",
        ),
        "review_reply": (
            "{opening} We're so glad you love the {subject}. {cta}",
            "{opening} Thank you for the kind words about the {subject}. {cta}",
        ),
        "email_subject": ("The {subject} you love", "Thank you for the love"),
        "ad_headline": ("Loved by our customers", "{Subject}, loved", "See why people love it"),
    },
    "switch": {
        "social_post": ("{opening} {benefit} {cta}", "{opening} {brand} is here for you. {cta}"),
        "review_reply": ("{opening} {benefit} {cta}",),
        "email_subject": ("Something you can count on", "Looking for dependable?"),
        "ad_headline": ("Count on {brand}", "Dependable, every day", "Ready for a change?"),
    },
}

SHORT_FORMATS = ("email_subject", "ad_headline")
_SLOT = re.compile(r"\{(opening|benefit|cta)\}")


def subject_of(facts: Mapping[str, Any]) -> str:
    """What the copy is about: the topic, the spike's first driver, the product, channel or
    campaign, as a readable phrase; "your feedback" when the card names none."""
    drivers = facts.get("drivers") or []
    for value in (
        facts.get("topic"),
        drivers[0] if isinstance(drivers, (list, tuple)) and drivers else None,
        facts.get("driver"),
        facts.get("product"),
        facts.get("channel"),
        facts.get("campaign"),
    ):
        subject = readable_subject(value)
        if subject:
            return subject
    return "feedback"


def frames_for(kind: str, fmt: str) -> tuple[str, ...]:
    return FRAMES[mood_of(kind)][fmt]


def slots_needed(kind: str, fmt: str) -> list[Slot]:
    """The slots the format's frames hold, plus the whole-line slot for short formats."""
    mood = mood_of(kind)
    names = dict.fromkeys(m for frame in frames_for(kind, fmt) for m in _SLOT.findall(frame))
    if fmt in SHORT_FORMATS:
        names["line"] = None
    return [SLOTS[mood][name] for name in names]


def fact_fillers(card: Card, brand: str | None) -> dict[str, str]:
    """The names the frames insert: the card's subject, our brand, its campaign."""
    subject = subject_of(card.facts)
    own = brand or (card.facts.get("brand") if card.kind != "competitor_bad_week" else None)
    return {
        "subject": subject,
        "Subject": subject[:1].upper() + subject[1:],
        "brand": own or "We",
        "campaign": str(card.facts.get("campaign") or "our campaign"),
    }


def fill(frame: str, fillers: Mapping[str, str], slots: Mapping[str, str]) -> str:
    """A frame with its facts and slot texts in place, spaces tidied."""
    text = frame
    for name, value in {**fillers, **slots}.items():
        text = text.replace("{" + name + "}", value)
    text = re.sub(r"\{\w+\}", "", text)
    return " ".join(text.split()).replace(" .", ".")


def slot_prompt(slot: Slot, fillers: Mapping[str, str], situation: str) -> tuple[str, str]:
    """(system, user) messages asking for one ``slot``."""
    system = (
        "You write one short sentence of friendly marketing copy. Never use numbers, prices, "
        "dates, names, offers or promises. Reply with the sentence only."
    )
    task = slot.task.format(**fillers)
    prompt = f"Situation: {situation}\nTask: {task}. At most {slot.max_words} words."
    return system, prompt


def slot_examples(slot: Slot, fillers: Mapping[str, str]) -> list[tuple[str, str]]:
    """One worked example per slot: a small model copies a shown answer's shape."""
    example_fillers = {**fillers, "subject": "late deliveries", "Subject": "Late deliveries"}
    task = slot.task.format(**example_fillers)
    situation = "customers posted about late deliveries"
    prompt = f"Situation: {situation}\nTask: {task}. At most {slot.max_words} words."
    return [(prompt, slot.answers[0].format(**example_fillers))]


# A slot answer is unusable with a digit (an invented figure), the brand speaking as "I", or
# the prompt's own labels echoed back ("Situation: ...").
_UNUSABLE = re.compile(r"\d|\b(?:I|I'm|I'd|I'll|I've|me|my|mine)\b|\b(?:situation|task)\s*:", re.I)


# The words any slot may use: how brands thank, apologise, invite and reassure. A slot's other
# content words must come from its grounds (the subject, the customer's post): a 135M model
# otherwise writes "We're sorry your account has been terminated" to a post about logins.
GENERIC_WORDS = frozenset(
    [
        "send",
        "sends",
        "dm",
        "dms",
        "call",
        "chat",
        "contact",
        "email",
        "inbox",
        "online",
        "able",
        "about",
        "absolutely",
        "again",
        "ahead",
        "all",
        "always",
        "amazing",
        "and",
        "annoying",
        "another",
        "anything",
        "apologise",
        "apologize",
        "apology",
        "appreciate",
        "appreciated",
        "asking",
        "attention",
        "aware",
        "awesome",
        "back",
        "bad",
        "best",
        "better",
        "both",
        "brand",
        "bring",
        "but",
        "can",
        "care",
        "cares",
        "change",
        "changes",
        "cheers",
        "choice",
        "come",
        "count",
        "counting",
        "customer",
        "customers",
        "day",
        "days",
        "deal",
        "dear",
        "definitely",
        "deserve",
        "dependable",
        "disappointed",
        "disappointing",
        "do",
        "does",
        "done",
        "down",
        "drop",
        "each",
        "easy",
        "ever",
        "every",
        "everyone",
        "everything",
        "excited",
        "experience",
        "expect",
        "favourite",
        "favorite",
        "feedback",
        "feel",
        "feeling",
        "fine",
        "first",
        "for",
        "frustrating",
        "frustration",
        "fun",
        "glad",
        "good",
        "great",
        "happen",
        "happened",
        "happy",
        "hassle",
        "have",
        "hear",
        "heard",
        "hearing",
        "hello",
        "help",
        "helping",
        "here",
        "hey",
        "hope",
        "how",
        "inconvenience",
        "inconvenient",
        "into",
        "issue",
        "issues",
        "join",
        "just",
        "keep",
        "kind",
        "know",
        "late",
        "let",
        "letting",
        "life",
        "like",
        "listen",
        "listening",
        "look",
        "looking",
        "lot",
        "love",
        "loved",
        "lovely",
        "loving",
        "made",
        "make",
        "makes",
        "matter",
        "matters",
        "means",
        "message",
        "messages",
        "moment",
        "more",
        "most",
        "much",
        "need",
        "needs",
        "never",
        "new",
        "next",
        "nice",
        "not",
        "note",
        "nothing",
        "now",
        "okay",
        "one",
        "only",
        "our",
        "ours",
        "out",
        "over",
        "part",
        "patience",
        "people",
        "perfect",
        "please",
        "pleased",
        "post",
        "posts",
        "problem",
        "problems",
        "proud",
        "quality",
        "quick",
        "quickly",
        "ready",
        "real",
        "really",
        "reach",
        "reliable",
        "right",
        "sad",
        "same",
        "say",
        "says",
        "see",
        "sent",
        "share",
        "sharing",
        "should",
        "show",
        "shows",
        "side",
        "some",
        "something",
        "sorry",
        "soon",
        "sounds",
        "special",
        "story",
        "support",
        "supporting",
        "sure",
        "team",
        "tell",
        "telling",
        "thank",
        "thanks",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "thing",
        "things",
        "this",
        "those",
        "time",
        "times",
        "today",
        "together",
        "too",
        "touch",
        "tried",
        "trouble",
        "true",
        "trust",
        "truly",
        "try",
        "trying",
        "understand",
        "understandable",
        "unhappy",
        "update",
        "upset",
        "very",
        "want",
        "wanted",
        "way",
        "week",
        "welcome",
        "well",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "wish",
        "with",
        "without",
        "wonderful",
        "word",
        "words",
        "work",
        "working",
        "world",
        "worry",
        "worth",
        "would",
        "wrong",
        "yes",
        "you",
        "your",
        "yours",
        "yourself",
    ]
)
_STOP = frozenset(
    [
        "a",
        "an",
        "as",
        "at",
        "be",
        "been",
        "by",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "to",
        "up",
        "us",
        "we",
        "was",
        "were",
        "are",
        "am",
        "if",
        "in",
        "no",
        "from",
        "than",
        "then",
        "had",
        "has",
        "did",
        "get",
        "got",
        "gets",
        "go",
        "goes",
        "going",
        "went",
        "gone",
        "take",
        "took",
        "give",
        "gave",
        "given",
        "arrive",
        "arrived",
        "any",
        "yet",
        "off",
    ]
)


def _stem(word: str) -> str:
    word = word.lower().removesuffix("'s").removesuffix("’s")
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)][:5]
    return word[:5]


def ungrounded_words(text: str, grounds: str) -> list[str]:
    """Content words of a slot text that neither its grounds nor the generic words hold."""
    allowed = {_stem(w) for w in re.findall(r"[\w'’]+", grounds)} | {
        _stem(w) for w in GENERIC_WORDS
    }
    words = re.findall(r"[A-Za-z]+(?:['’][a-z]+)?", text)
    return [
        w
        for w in words
        if w.lower() not in _STOP
        and not re.fullmatch(r"(?i)\w+['’](?:s|re|ve|ll|d|t|m)", w)
        and _stem(w) not in allowed
    ]


def clean_slot(text: str, slot: Slot, grounds: str = "") -> str:
    """The first sentence (or line) of a slot answer, unquoted; '' when unusable (see
    :func:`ungrounded_words`)."""
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    line = line.strip("\"'“”‘’ ")
    if slot.name != "line":
        match = re.match(r"^.*?[.!?](?=\s|$)", line)
        line = match.group() if match else line
        if line and line[-1] not in ".!?":
            line += "."
    else:
        line = line.rstrip(".")
    words = line.split()
    if not words or len(words) > slot.max_words or _UNUSABLE.search(line):
        return ""
    if ungrounded_words(line, grounds):
        return ""
    return line


def default_slots(kind: str, fillers: Mapping[str, str]) -> dict[str, list[str]]:
    """Each slot's worked answers, the deterministic fillers when there is no model."""
    return {
        name: [a.format(**fillers) for a in slot.answers]
        for name, slot in SLOTS[mood_of(kind)].items()
    }


def compose(
    kind: str,
    fmt: str,
    fillers: Mapping[str, str],
    written: Mapping[str, Sequence[str]],
    count: int,
) -> list[tuple[str, str]]:
    """Up to ``count`` distinct (text, source) candidates: frames filled with the model's slot
    texts (``written``: slot -> texts) in turn; for short formats also the model's whole lines.
    Source is "model" when a model-written part is in the text, else "template"."""
    frames = frames_for(kind, fmt)
    defaults = default_slots(kind, fillers)
    candidates: dict[str, str] = {}
    for line in written.get("line", []) if fmt in SHORT_FORMATS else []:
        candidates.setdefault(line, "model")
    for index in range(count):
        frame = frames[index % len(frames)]
        slots, source = {}, "template"
        for name in _SLOT.findall(frame):
            # The model's texts first, then the worked answers: a weak model draft of one
            # slot still meets good drafts of the others.
            pool = [*written.get(name, []), *defaults[name]]
            slots[name] = pool[index % len(pool)]
            if slots[name] not in defaults[name]:
                source = "model"
        candidates.setdefault(fill(frame, fillers, slots), source)
    for frame in frames:  # the pure template phrasings always compete too
        plain = {n: defaults[n][0] for n in _SLOT.findall(frame)}
        candidates.setdefault(fill(frame, fillers, plain), "template")
    return list(candidates.items())
