"""The quality checks, on drafts a marketer rejected on sight and on copy they would approve."""

from __future__ import annotations

import pytest

from analysis.suggestions.quality import non_words, quality_problems, repeated_phrase

LID_TITLE = "'lid leaks, seal' is rising and mostly negative: 303 posts (from 1), 96% negative."
ENTRY = "Trail Bottle lid leak Replacement lids ship free from 20 Oct; request one at tidewell.example/lid"


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("Hey there, no lid leaks, seal, we're fixin' it!", "social_post", "keyword list"),
        ("Hey there, no lid leaks, seal, we're fixin' it!", "social_post", "fixin"),
        (
            "We're excited to announce a new flight, a one-night trip to your dream destination",
            "social_post",
            "invents a launch",
        ),
        ("This is a reminder to you to never cancel a flight", "review_reply", "blames"),
        ("We're not only reliable but also reliable", "social_post", "repeats itself ('reliable')"),
        ("Toll", "ad_headline", "one-word ad headline"),
        ("Tillle!", "ad_headline", "'Tillle' is not a word"),
        ("We're so sorry for your loss.", "review_reply", "condolence"),
        ("Get 20% off with code LIDFIX!", "social_post", "invents an offer"),
        ("The new seal ships by Friday.", "social_post", "a date or deadline ('Friday')"),
        ("Good news: the leaks have been fixed.", "social_post", "a promise or a fix as done"),
        ("Next time, please read the instructions before use.", "review_reply", "blames"),
        (
            "Soy: sorry about lid leaks, seal and that it is being fixed.",
            "email_subject",
            "keyword",
        ),
    ],
)
def test_drafts_rejected_on_sight_are_flagged(text, fmt, expected):
    problems = quality_problems(text, fmt, [LID_TITLE], "Tidewell")
    assert any(expected in p for p in problems), problems


GOOD = [
    (
        "We hear you, and we're sorry. We're looking into the lid leaks you've told us about.",
        "social_post",
    ),
    (
        "Thank you for telling us. Replacement lids ship free from 20 Oct; request one at tidewell.example/lid.",
        "review_reply",
    ),
    ("You made our week! Thank you for all the kind words about the cold drinks.", "social_post"),
    ("Sorry about the lid leaks", "email_subject"),
    ("Count on Tidewell", "ad_headline"),
    ("Looking for something you can count on? Tidewell is here for you.", "social_post"),
    (
        "We're sorry your flight was delayed. Please send us a direct message with the details.",
        "review_reply",
    ),
    ("That's not the experience we want for you, and we're sorry.", "review_reply"),
    ("Your feedback matters to us, @maria_k. DM us and we'll sort it out.", "review_reply"),
    ("Ready for a change?", "ad_headline"),
    ("The bottle you love, loved by thousands", "email_subject"),
    (
        "Thanks for the shout-out! Share your favourite trail with us. #TidewellTrails",
        "social_post",
    ),
    (
        "We're glad the app made your commute easier. Tell us what you'd like to see next.",
        "review_reply",
    ),
]


@pytest.mark.parametrize(("text", "fmt"), GOOD)
def test_copy_a_marketer_would_approve_passes(text, fmt):
    assert quality_problems(text, fmt, [LID_TITLE, ENTRY], "Tidewell") == []


def test_an_offer_or_date_in_the_grounds_is_not_invented():
    text = "Replacement lids ship free from 20 Oct; request one at tidewell.example/lid."
    assert quality_problems(text, "review_reply", [ENTRY]) == []
    assert any("offer" in p for p in quality_problems(text, "review_reply", []))
    in_post = "We're sorry the new lid leaked."  # the customer said "new lid"
    assert quality_problems(in_post, "review_reply", ["my new lid leaked everywhere"]) == []
    condolence = "Our condolences, and we're sorry the delivery missed the funeral."
    assert (
        quality_problems(
            condolence, "review_reply", ["flowers for my dad's funeral, condolences card"]
        )
        == []
    )


def test_non_words_spare_names_handles_links_and_ground_words():
    assert non_words("Tillle! Curreng!") == ["Tillle", "Curreng"]
    assert non_words("Thanks @tidewell_help, see tidewell.example/lid #LidFix") == []
    assert non_words("The Glowflask keeps it cold", "Glowflask") == []
    assert non_words("Say hi to Zorbly at the store") == []  # a name inside a sentence


def test_repetition():
    assert repeated_phrase("we are on it, we are on it") == "we are on"
    assert repeated_phrase("We hear you, and we're sorry about the lid leaks.") is None


@pytest.mark.parametrize(
    "text",
    ["", "🙂🙂🙂", "x" * 10_000, "https://a.example/" * 50, "¿Dónde está mi pedido? 配送が遅い"],
)
def test_hostile_inputs_do_not_crash(text):
    assert isinstance(quality_problems(text, "ad_headline", [text]), list)
