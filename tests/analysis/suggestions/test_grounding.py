"""The grounding check rejects invented numbers and names; the fallback copy is grounded."""

from __future__ import annotations

import pytest

from analysis.suggestions.grounding import _TEMPLATES, LENGTH_LIMITS, check_variant, fallback_copy

FACTS = {
    "campaign": "Grind Never Stops",
    "brand": "Tidewell",
    "start": "2025-10-27",
    "uplift": -0.383,
    "campaign_posts": 234,
    "share_negative": 0.88,
}
KNOWN = ["Tidewell", "Glacio", "Pinecup", "Refill Rewards", "Grind Never Stops", "Trail Bottle"]


def problems(text: str, **options) -> list[str]:
    return check_variant(text, FACTS, known_names=KNOWN, **options).problems


def test_grounded_text_passes():
    text = "Tidewell heard you: 88% of the 234 posts about Grind Never Stops were negative."
    assert problems(text) == []
    assert problems("Net sentiment fell by 0.38 after 2025-10-27.") == []
    assert problems("That is 38 percent, we know.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get 50% off this week!", "the number '50%' is not in the card's facts"),
        ("Over 1,000 fans agree.", "the number '1,000' is not in the card's facts"),
        ("$20 gift card for you", "the number '$20' is not in the card's facts"),
        ("Unlike Glacio, we listen.", "'Glacio' is named, but the card is not about it"),
        ("Try the new Trail Bottle.", "'Trail Bottle' is named, but the card is not about it"),
        ("Dear [Customer Name], thanks!", "the placeholder '[Customer Name]' is left in"),
    ],
)
def test_invented_numbers_and_names_are_rejected(text, expected):
    assert expected in problems(text)


def test_keywords_banned_words_and_length():
    assert problems("We are sorry.", required=["Tidewell"]) == [
        "the required keyword 'Tidewell' is missing"
    ]
    assert problems("This hustle is over.", banned=["hustle"]) == [
        "the banned word 'hustle' is used"
    ]
    assert problems("hustler is fine", banned=["hustle"]) == []  # whole words only
    long = "We hear you. " * 3
    assert problems(long, fmt="ad_headline") == [
        f"{len(long)} characters; the limit for ad headlines is 30"
    ]
    assert check_variant("  ", FACTS).problems == ["empty"]


@pytest.mark.parametrize("kind", sorted(_TEMPLATES))
@pytest.mark.parametrize("fmt", sorted(LENGTH_LIMITS))
def test_fallback_copy_is_grounded_and_fits(kind, fmt):
    facts = {**FACTS, "topic": "lid leaks, seal", "product": "Trail Bottle"}
    text = fallback_copy(kind, facts, fmt)
    assert len(text) <= LENGTH_LIMITS[fmt]
    assert check_variant(text, facts, fmt=fmt, known_names=KNOWN).ok
