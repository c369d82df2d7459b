"""The plays (what to do about each kind of insight card), the copy formats, worked examples and options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analysis.insight.cards import Card
from analysis.suggestions.generators import GenerationOptions
from analysis.suggestions.grounding import LENGTH_LIMITS
from loaders.errors import BrandpulseError, explain

FORMATS = tuple(LENGTH_LIMITS)


FORMAT_NAMES = {
    "social_post": "social media post",
    "email_subject": "email subject line",
    "ad_headline": "ad headline",
    "review_reply": "reply to a negative review",
}


# New tokens per format unless the user sets a maximum; a token is about 4 characters.
FORMAT_TOKENS = {"social_post": 70, "email_subject": 24, "ad_headline": 16, "review_reply": 80}


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


def play_for(card: Card) -> Play:
    """The play recommended for ``card``; a kind without its own play is answered like a spike."""
    return PLAYS.get(card.kind, PLAYS["spike"])


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


STRATEGIES = ("plan", "free")


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
    rounds: int = 2  # free strategy: generation rounds per format before the template is used
    candidates: int = 8  # plan strategy: candidates drawn per format, of which `variants` shown
    # "plan": the model fills short slots of code-written frames, a ranker picks (default,
    # for small models); "free": the model writes the whole text (for larger models).
    strategy: str = "plan"

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
        if not 1 <= self.candidates <= 32:
            raise BrandpulseError(f"candidates must be 1 to 32; found {self.candidates}.")
        if self.strategy not in STRATEGIES:
            raise BrandpulseError(
                explain(
                    f"Unknown copy strategy '{self.strategy}'",
                    expected=" or ".join(STRATEGIES),
                    fix="plan for the offline model; free lets a larger model write whole texts",
                )
            )
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
