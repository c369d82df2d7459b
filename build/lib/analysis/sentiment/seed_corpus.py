"""The team-written, labeled seed corpus that the offline default sentiment model learns from.

Nothing here comes from a public data set: every phrase was written for Brandpulse.
Hand-written sentences cover the hard cases (sarcasm, negation, slang, emojis, mixed
opinions, questions, announcements); compositional templates spread opinions across
industries and writing styles (reviews, tweets, critic blurbs) so the model learns
sentiment words rather than one shop's vocabulary. ``build_seed_corpus`` is seeded and
deterministic, so its rows can be hashed to key the model cache.

The sentences and word lists live in ``seed_sentences/<group>.txt`` (package data), one
entry per line in the order the generator draws from; this module loads them and composes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from importlib import resources

NEG, NEU, POS = "negative", "neutral", "positive"


# ---------------------------------------------------------------------------------------------
# Loading the package-data text files.

_SENTENCES = resources.files(__package__) / "seed_sentences"


def _lines(group: str) -> list[str]:
    """The entries of ``seed_sentences/<group>.txt``, one per line, in file order."""
    return (_SENTENCES / f"{group}.txt").read_text(encoding="utf-8").splitlines()


def _industries() -> dict[str, dict[str, list[str]]]:
    """``industries.txt``: a ``[<industry> <kind>]`` header line, then that list's entries."""
    industries: dict[str, dict[str, list[str]]] = {}
    entries: list[str] = []
    for line in _lines("industries"):
        if line.startswith("[") and line.endswith("]"):
            name, kind = line[1:-1].split(" ")
            entries = industries.setdefault(name, {}).setdefault(kind, [])
        else:
            entries.append(line)
    return industries


# ---------------------------------------------------------------------------------------------
# Hand-written sentences, used as they are.

HAND_POSITIVE = _lines("hand_positive")
HAND_NEGATIVE = _lines("hand_negative")
HAND_NEUTRAL = _lines("hand_neutral")

# Industries: what people review, and the words that praise or criticise it.
INDUSTRIES: dict[str, dict[str, list[str]]] = _industries()

GENERIC_POS_ADJ = _lines("generic_pos_adj")
GENERIC_NEG_ADJ = _lines("generic_neg_adj")
POS_VERB_PHRASES = _lines("pos_verb_phrases")
NEG_VERB_PHRASES = _lines("neg_verb_phrases")
# Kept here, not in a text file: the empty and trailing-space entries matter.
INTENSIFIERS = [
    "",
    "",
    "",
    "really ",
    "so ",
    "absolutely ",
    "incredibly ",
    "pretty ",
    "truly ",
    "super ",
]
MILD = ["", "", "a bit ", "kind of ", "somewhat ", "rather "]

REVIEW_POS_TEMPLATES = _lines("review_pos_templates")
REVIEW_NEG_TEMPLATES = _lines("review_neg_templates")
NEGATED_POS = _lines("negated_pos")  # negated praise reads as criticism
NEGATED_NEG = _lines("negated_neg")  # negated criticism reads as (mild) praise
MIXED_TO_NEG = _lines("mixed_to_neg")  # the clause after "but" carries the verdict
MIXED_TO_POS = _lines("mixed_to_pos")

# Critic voice (film, books, music, shows), in the phrasing reviewers use.
WORKS = _lines("works")
CRITIC_POS = _lines("critic_pos")
CRITIC_NEG = _lines("critic_neg")
CRITIC_POS_VERBS = _lines("critic_pos_verbs")
CRITIC_NEG_VERBS = _lines("critic_neg_verbs")
CRITIC_TEMPLATES = _lines("critic_templates")

# Social posts about everyday life, events and news.
POS_SOCIAL = _lines("pos_social")
NEG_SOCIAL = _lines("neg_social")
NEU_SOCIAL = _lines("neu_social")
# Values for the social templates' fields; the key order is the order they are drawn in,
# and the empty entries (no emoji, no link) are kept here rather than in a text file.
SOCIAL_FILL: dict[str, list[str]] = {
    "event": [
        "the concert",
        "the festival",
        "game night",
        "the parade",
        "the premiere",
        "the conference",
        "the match",
        "the launch party",
        "the marathon",
        "the book signing",
    ],
    "when": ["tomorrow", "tonight", "this weekend", "on Friday", "next week", "on Saturday"],
    "meal": ["brunch", "tacos", "ramen", "pizza", "burger", "sushi", "pancakes"],
    "place": [
        "Joe's Diner",
        "the beach",
        "Central Park",
        "the new mall",
        "Madison Square Garden",
        "the farmers market",
        "the lake",
        "the library",
        "grandma's house",
    ],
    "team": [
        "the Packers",
        "the Lakers",
        "Arsenal",
        "the Yankees",
        "our team",
        "the Giants",
        "Real Madrid",
    ],
    "team2": ["the Bears", "the Celtics", "Chelsea", "the Red Sox", "the Cowboys", "Barcelona"],
    "mention": ["@jess_k", "@mike_t", "@thebakery", "@DeltaHelp", "@sarah", "@coach_dan", "@user"],
    "gift": ["flowers", "birthday cake", "kind note", "tickets", "surprise package", "coffee"],
    "weather": ["sunshine", "snow", "rain", "heat", "wind", "fog"],
    "holiday": ["Friday", "Thanksgiving", "new year", "4th of July", "Halloween", "Mother's Day"],
    "artist": ["Taylor Swift", "Drake", "Adele", "Beyonce", "Coldplay", "Ed Sheeran", "the band"],
    "achievement": [
        "passed my driving test",
        "got the promotion",
        "finished the project",
        "moved into our new place",
        "hit my savings goal",
    ],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "problem": [
        "my flight got cancelled",
        "the power went out",
        "my laptop crashed",
        "the bus never came",
        "my phone died",
        "the wifi is down",
        "I got a parking ticket",
        "my package got lost",
        "stuck in traffic for two hours",
    ],
    "show": [
        "the late show",
        "SNL",
        "the news",
        "Game of Thrones",
        "the debate",
        "the finale",
        "Monday Night Football",
    ],
    "org": [
        "Apple",
        "Google",
        "Samsung",
        "Microsoft",
        "Nike",
        "Tesla",
        "Amazon",
        "the city council",
        "Starbucks",
        "Netflix",
    ],
    "product": [
        "iPhone",
        "Galaxy phone",
        "smart speaker",
        "electric car",
        "running shoe",
        "streaming plan",
        "laptop",
    ],
    "year": ["2026", "next year", "the fall", "the holidays"],
    "topic": [
        "the election",
        "climate policy",
        "the new tax rules",
        "remote work",
        "the playoffs",
        "the housing market",
        "AI",
    ],
    "url": ["http://bit.ly/x1", "https://t.co/abc", "http://news.example.com", ""],
    "time": ["7pm", "8:30", "noon", "10am", "6 pm ET"],
    "city": ["Austin", "Denver", "London", "Berlin", "Toronto", "Seattle"],
    "person": [
        "the president",
        "the CEO",
        "the coach",
        "the mayor",
        "Elon Musk",
        "the senator",
        "Obama",
        "the governor",
    ],
    "pe": ["", "", "😊", "😍", "🎉", "❤️", "🙌", "#blessed", "!!", ":)"],
    "ne": ["", "", "😡", "😤", "🙄", "😞", "💔", "#fail", "smh", ":("],
}

HASHTAGS = _lines("hashtags")

# Neutral product talk: facts, questions and announcements with no opinion.
NEU_PRODUCT = _lines("neu_product")
# Neutral context in front of an opinion: the verdict, not the length, decides the label.
CRITIC_CONTEXT = _lines("critic_context")
REVIEW_CONTEXT = _lines("review_context")
NEU_NEWS = _lines("neu_news")  # factual reports stay neutral, even about unpleasant events


# ---------------------------------------------------------------------------------------------
# Composing examples.


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fill(template: str, thing: str, **values: str) -> str:
    values = {**values, "t": thing, "T": _cap(thing)}
    if "adj" in values:
        values["Adj"] = _cap(values["adj"])
    return template.format(**values)


def _sst_style(text: str) -> str:
    """Critic-corpus spelling: lower case, clitics and punctuation split off by spaces."""
    text = re.sub(r"n't\b", " n't", text.lower())
    text = re.sub(r"'s\b", " 's", text)
    return re.sub(r"\s+", " ", re.sub(r"([,.!?:;])", r" \1 ", text)).strip()


class _ExampleWriter:
    """Composes one generated example at a time. Every draw comes from the one seeded
    ``rng``, so the order of the calls below is part of the corpus: keep it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def industry(self) -> tuple[str, dict[str, list[str]]]:
        name = self.rng.choice(list(INDUSTRIES))
        return name, INDUSTRIES[name]

    def adjectives(self, words: list[str], generic: list[str]) -> tuple[str, str]:
        first, second = self.rng.sample(words + generic, 2)
        return first, second

    def review(self, label: str) -> str:
        rng = self.rng
        _, ind = self.industry()
        thing = rng.choice(ind["things"])
        roll = rng.random()
        pos_adj, pos_adj2 = self.adjectives(ind["pos"], GENERIC_POS_ADJ)
        neg_adj, neg_adj2 = self.adjectives(ind["neg"], GENERIC_NEG_ADJ)
        i = rng.choice(INTENSIFIERS)
        if label == POS:
            if roll < 0.45:
                return _fill(
                    rng.choice(REVIEW_POS_TEMPLATES), thing, adj=pos_adj, adj2=pos_adj2, i=i
                )
            if roll < 0.7:
                return _fill(
                    rng.choice(POS_VERB_PHRASES) + rng.choice([".", "!", " 😍", "!!"]), thing
                )
            if roll < 0.85:
                return _fill(
                    rng.choice(MIXED_TO_POS), thing, neg=rng.choice(MILD) + neg_adj, pos=pos_adj
                )
            return _fill(rng.choice(NEGATED_NEG), thing, adj=neg_adj, i=i)
        if roll < 0.45:
            return _fill(rng.choice(REVIEW_NEG_TEMPLATES), thing, adj=neg_adj, adj2=neg_adj2, i=i)
        if roll < 0.7:
            return _fill(rng.choice(NEG_VERB_PHRASES) + rng.choice([".", "!", " 😡", "."]), thing)
        if roll < 0.85:
            return _fill(rng.choice(MIXED_TO_NEG), thing, neg=neg_adj, pos=pos_adj)
        return _fill(rng.choice(NEGATED_POS), thing, adj=pos_adj, i=i)

    def with_context(self, text: str, contexts: list[str]) -> str:
        if self.rng.random() < 0.35:
            return f"{self.rng.choice(contexts)} {text[:1].lower()}{text[1:]}"
        return text

    def critic(self, label: str) -> str:
        rng = self.rng
        work = rng.choice(WORKS)
        good, bad = (CRITIC_POS, CRITIC_NEG) if label == POS else (CRITIC_NEG, CRITIC_POS)
        verbs = CRITIC_POS_VERBS if label == POS else CRITIC_NEG_VERBS
        roll = rng.random()
        if roll < 0.45:
            text = _fill(
                rng.choice(CRITIC_TEMPLATES), work, p=rng.choice(good), W=_cap(work), w=work
            )
        elif roll < 0.7:
            text = f"{_cap(work)} {rng.choice(verbs)}."
        elif roll < 0.85:
            adj = rng.choice(GENERIC_POS_ADJ if label == POS else GENERIC_NEG_ADJ)
            text = f"{rng.choice(good)}, {work} is {rng.choice(INTENSIFIERS)}{adj}."
        else:  # the verdict follows the concession
            text = f"though {work} is {rng.choice(MILD)}{rng.choice(bad).split(',')[0]} at times, it {rng.choice(verbs)}."
        text = self.with_context(text, CRITIC_CONTEXT)
        return _sst_style(text) if rng.random() < 0.6 else _cap(text)

    def social(self, templates: list[str]) -> str:
        rng = self.rng
        template = rng.choice(templates)
        values = {key: rng.choice(options) for key, options in SOCIAL_FILL.items()}
        text = re.sub(r"\s+", " ", template.format(**values)).strip()
        if rng.random() < 0.25:  # tags and mentions appear in every class: not a cue
            text = rng.choice(
                [f"@user {text}", f"{text} #{rng.choice(HASHTAGS)}", f"{text} via @user"]
            )
        return _cap(text) if rng.random() < 0.5 else text

    def neutral_product(self) -> str:
        _, ind = self.industry()
        return _fill(
            self.rng.choice(NEU_PRODUCT),
            self.rng.choice(ind["things"]),
            day=self.rng.choice(SOCIAL_FILL["day"]),
        )

    def opinion(self, label: str) -> str:
        return self.with_context(self.review(label), REVIEW_CONTEXT)


_Maker = tuple[float, Callable[[], str]]


def _makers(writer: _ExampleWriter) -> dict[str, list[_Maker]]:
    """Per label, the kinds of generated example and how often each is drawn."""
    return {
        POS: [
            (0.40, lambda: writer.opinion(POS)),
            (0.35, lambda: writer.critic(POS)),
            (0.25, lambda: writer.social(POS_SOCIAL)),
        ],
        NEG: [
            (0.40, lambda: writer.opinion(NEG)),
            (0.35, lambda: writer.critic(NEG)),
            (0.25, lambda: writer.social(NEG_SOCIAL)),
        ],
        NEU: [
            (0.4, writer.neutral_product),
            (0.45, lambda: writer.social(NEU_SOCIAL)),
            (0.15, lambda: writer.social(NEU_NEWS)),
        ],
    }


def _add_generated(
    rows: list[tuple[str, str]], rng: random.Random, makers: dict[str, list[_Maker]], per_class: int
) -> None:
    """Append up to ``per_class`` new texts per label to ``rows``; duplicates are redrawn,
    within a bounded number of attempts."""
    seen = {text for text, _ in rows}
    for label, choices in makers.items():
        made, attempts = 0, 0
        weights = [w for w, _ in choices]
        while made < per_class and attempts < per_class * 20:
            attempts += 1
            make = rng.choices([m for _, m in choices], weights)[0]
            text = make()
            if text not in seen:
                seen.add(text)
                rows.append((text, label))
                made += 1


def build_seed_corpus(seed: int = 13, per_class: int = 2000) -> list[tuple[str, str]]:
    """Labeled (text, label) rows: the hand-written sentences plus ``per_class`` generated
    examples per label, deduplicated, in a seeded order."""
    rng = random.Random(seed)
    rows: list[tuple[str, str]] = []
    rows += [(t, POS) for t in HAND_POSITIVE] + [(t, NEG) for t in HAND_NEGATIVE]
    rows += [(t, NEU) for t in HAND_NEUTRAL]
    _add_generated(rows, rng, _makers(_ExampleWriter(rng)), per_class)
    rng.shuffle(rows)
    return rows
