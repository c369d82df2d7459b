"""Suggestions: plays, prompts with only the card's facts, the grounding filter in the loop,
fallback copy, and the review cycle (store, edit, approve, regenerate, export)."""

from __future__ import annotations

import csv
import functools
import io
from datetime import date

import pytest

from analysis.insight.cards import Card
from analysis.suggestions.generators import GenerationOptions
from analysis.suggestions.plays import SuggestOptions
from analysis.suggestions.prompts import build_prompt, clean_output
from analysis.suggestions.review import (
    export_approved,
    get_suggestion,
    list_suggestions,
    regenerate_suggestion,
    review_suggestion,
    save_suggestions,
)
from analysis.suggestions.writer import suggest_for_cards, write_variants
from loaders import store
from loaders.errors import BrandpulseError, GeneratorError

LID_CARD = Card(
    "rising_negative_topic",
    "'lid leaks, seal' is rising and mostly negative: 303 posts (from 1), 96% negative.",
    300.0,
    {
        "topic": "lid leaks, seal",
        "posts": 303,
        "posts_before": 1,
        "share_negative": 0.96,
        "emerging": True,
    },
    [
        {
            "doc_id": "d1",
            "text": "My Trail Bottle leaked all over my laptop, thanks Jane",
            "label": "negative",
        }
    ],
)
COMPETITOR_CARD = Card(
    "competitor_bad_week",
    "Glacio had a bad period: 58% negative, up from 20%.",
    50.0,
    {"brand": "Glacio", "posts": 120, "share_negative": 0.58, "share_negative_before": 0.2},
    [],
)
# These tests cover the free strategy (the model writes whole texts); plans: test_plans.py.
FreeOptions = functools.partial(SuggestOptions, strategy="free")
NAMES = ["Tidewell", "Glacio", "Pinecup", "Tidewell Trail Bottle", "Refill Rewards"]


class ScriptedGenerator:
    """Answers from a script, one list per call, and records what it was asked."""

    name = "scripted"

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, GenerationOptions, int]] = []

    def generate(self, system, prompt, options, examples=()) -> str:
        return self.generate_many(system, prompt, options, 1, examples)[0]

    def generate_many(self, system, prompt, options, count, examples=()):
        self.calls.append((system, prompt, options, count))
        self.examples = list(examples)
        if not self.answers:
            raise GeneratorError("the script ran out")
        return self.answers.pop(0)[:count]


def social_posts(card, generator, options, brand="Tidewell"):
    """write_variants for the social_post format, among this module's brand NAMES."""
    return write_variants(card, "social_post", generator, options, NAMES, brand)


def test_the_prompt_carries_the_cards_facts_and_not_its_posts():
    system, prompt = build_prompt(
        LID_CARD, "social_post", FreeOptions(tone="warm", required=("#fixed",)), "Tidewell"
    )
    assert "Tidewell" in system
    assert "- topic: lid leaks, seal" in prompt
    assert "- share negative: 96%" in prompt
    assert "- posts: 303" in prompt
    assert "Tone: warm" in prompt and "It must include: #fixed." in prompt
    assert "At most 280 characters" in prompt
    assert "laptop" not in prompt and "Jane" not in prompt  # example posts stay out


@pytest.mark.parametrize(
    ("raw", "fmt", "expected"),
    [
        (
            'Subject: "Fixing our lids, fast"\n\nDear customer, more text',
            "email_subject",
            "Fixing our lids, fast",
        ),
        (
            "Hi there,\n\nWe're sorry about the leaks. A fix is coming.\n\nBest,\nSam",
            "social_post",
            "We're sorry about the leaks. A fix is coming.",
        ),
        ("Headline: Sealed for good\nmore", "ad_headline", "Sealed for good"),
        (
            "We're sorry about the leaks. We are fixing the seal and will keep you",
            "social_post",
            "We're sorry about the leaks.",
        ),
        ("Subject:", "email_subject", ""),
        (
            "Stay cold all day: the bottle that keeps up with you",
            "ad_headline",
            "Stay cold all day",
        ),
        (
            "Sealed for good! Now with a brand new lid for everyone",
            "ad_headline",
            "Sealed for good!",
        ),
        (
            "A very long headline that has no natural break at all",
            "ad_headline",
            "A very long headline that has no natural break at all",
        ),
    ],
)
def test_clean_output_keeps_only_the_copy(raw, fmt, expected):
    assert clean_output(raw, fmt) == expected


def test_failing_variants_are_regenerated_then_dropped():
    generator = ScriptedGenerator(
        [
            "We fixed 40% of the leaks already!",  # invented number
            "Sorry about the lid leaks. A better seal is on its way.",
            "Dear [Customer Name], sorry.",  # placeholder
        ],
        [
            "Sorry about the lid leaks. A better seal is on its way.",  # duplicate of a kept one
            "Pinecup lids leak too, but ours are fixed.",  # names a brand the card does not
        ],
    )
    variants, raw, note = social_posts(LID_CARD, generator, FreeOptions(seed=7))
    assert [v.text for v in variants] == ["Sorry about the lid leaks. A better seal is on its way."]
    assert variants[0].source == "model" and variants[0].problems == []
    assert [c[3] for c in generator.calls] == [3, 2]  # the second round asks for the missing two
    assert generator.calls[1][2].seed != generator.calls[0][2].seed
    assert len(raw) == 5 and sum(r.check.ok for r in raw) == 2
    assert note is None
    problems = {r.cleaned: r.check.problems for r in raw if not r.check.ok}
    assert (
        "the number '40%' is not in the card's facts"
        in (problems["We fixed 40% of the leaks already!"])
    )
    assert (
        "'Pinecup' is named, but the card is not about it"
        in (problems["Pinecup lids leak too, but ours are fixed."])
    )


def test_when_nothing_passes_the_cards_template_is_used_with_the_required_keywords():
    generator = ScriptedGenerator(["Up 500% this week!"], ["Up 500% this week!"])
    variants, raw, _ = social_posts(
        LID_CARD, generator, FreeOptions(variants=1, required=("#LidFix",))
    )
    assert len(raw) == 2
    assert [(v.source, v.problems) for v in variants] == [("template", [])]
    assert "about lid leaks." in variants[0].text and variants[0].text.endswith("#LidFix")


def test_a_failing_generator_falls_back_for_every_format_and_says_why():
    generator = ScriptedGenerator()  # raises GeneratorError at once
    results = suggest_for_cards(
        [LID_CARD], generator, FreeOptions(formats=("social_post", "ad_headline")), NAMES
    )
    assert len(generator.calls) == 1  # not asked again for the second format
    assert results[0].notes == ["the script ran out"]
    assert [(v.format, v.source) for v in results[0].variants] == [
        ("social_post", "template"),
        ("ad_headline", "template"),
    ]
    assert results[0].play.name == "Service recovery and FAQ"
    assert "lid leaks, seal" in results[0].action


def test_copy_for_a_competitors_bad_week_never_names_the_competitor():
    generator = ScriptedGenerator(
        ["Glacio let you down? We will not.", "Looking for a bottle you can rely on? Try us."]
    )
    variants, raw, _ = social_posts(COMPETITOR_CARD, generator, FreeOptions(variants=2, rounds=1))
    assert [v.text for v in variants] == ["Looking for a bottle you can rely on? Try us."]
    assert raw[0].check.problems == ["the banned word 'Glacio' is used"]
    assert "It must not use: Glacio." in generator.calls[0][1]


def test_a_worked_example_is_shown_and_copying_it_is_rejected():
    generator = ScriptedGenerator(
        [
            "We're sorry about the late deliveries. Our couriers are on it.",
            "We're sorry about the lid leaks. A better seal is on its way.",
        ]
    )
    variants, raw, _ = social_posts(LID_CARD, generator, FreeOptions(variants=2, rounds=1))
    [(example_prompt, example_answer)] = generator.examples
    assert "- topic: late deliveries" in example_prompt and "couriers" in example_answer
    assert "lid leaks" not in example_prompt
    assert [v.text for v in variants] == [
        "We're sorry about the lid leaks. A better seal is on its way."
    ]
    assert raw[0].check.problems == ["it copies the prompt's worked example ('late deliver')"]


def test_an_example_marker_in_the_cards_own_facts_is_not_copying():
    handle_card = Card(
        "praised_theme",
        "'handle, grip' is the most praised theme: 90% positive over 40 posts.",
        10.0,
        {"topic": "handle, grip", "posts": 40, "share_positive": 0.9},
    )
    generator = ScriptedGenerator(["Our handle has a grip you will love."])
    variants, _, _ = social_posts(
        handle_card, generator, FreeOptions(variants=1, rounds=1), brand=None
    )
    assert [(v.text, v.source) for v in variants] == [
        ("Our handle has a grip you will love.", "model")
    ]


@pytest.mark.parametrize("kind", ["rising_negative_topic", "praised_theme"])
@pytest.mark.parametrize("fmt", ["social_post", "email_subject", "ad_headline", "review_reply"])
def test_the_worked_examples_pass_their_own_check(kind, fmt):
    from analysis.suggestions.grounding import check_variant
    from analysis.suggestions.plays import worked_example

    example = worked_example(kind)
    result = check_variant(example.answers[fmt], example.facts, fmt=fmt, context=[example.brief])
    assert result.problems == []


def test_options_are_checked():
    with pytest.raises(BrandpulseError, match="Unknown copy format tweet"):
        SuggestOptions(formats=("tweet",))
    with pytest.raises(BrandpulseError, match="temperature >= 0"):
        SuggestOptions(top_p=1.5)
    assert SuggestOptions().generation("ad_headline").max_new_tokens == 16
    assert SuggestOptions(max_new_tokens=50).generation("ad_headline").max_new_tokens == 50


@pytest.fixture
def stored(settings):
    generator = ScriptedGenerator(
        ["Sorry about the lid leaks. A better seal is coming.", "We hear you on the lids."],
        ["Sealed for good"],
    )
    options = FreeOptions(formats=("social_post", "ad_headline"), variants=2, rounds=1)
    results = suggest_for_cards([LID_CARD], generator, options, NAMES, brand="Tidewell")
    with store.session(settings=settings) as con:
        ids = save_suggestions(
            con, results, date(2025, 10, 6), date(2025, 10, 12), options, "scripted"
        )
    return settings, ids, options


def test_suggestions_are_stored_as_drafts_with_their_evidence(stored):
    settings, ids, _ = stored
    with store.session(settings=settings, read_only=True) as con:
        found = list_suggestions(con)
    assert sorted(s.id for s in found) == sorted(ids) and len(ids) == 3
    first = next(
        s for s in found if s.text == "Sorry about the lid leaks. A better seal is coming."
    )
    assert (first.status, first.source, first.generator, first.brand) == (
        "draft",
        "model",
        "scripted",
        "Tidewell",
    )
    assert first.facts["posts"] == 303 and first.examples[0]["doc_id"] == "d1"
    assert first.play == "Service recovery and FAQ" and first.problems == []


def test_generating_a_card_again_replaces_its_drafts_but_keeps_reviewed_ones(stored):
    settings, ids, options = stored
    with store.session(settings=settings) as con:
        review_suggestion(con, ids[0], status="approved")
        again = suggest_for_cards([LID_CARD], None, options, NAMES, brand="Tidewell")
        new_ids = save_suggestions(
            con, again, date(2025, 10, 6), date(2025, 10, 12), options, "template"
        )
        remaining = {s.id for s in list_suggestions(con)}
    assert remaining == {ids[0], *new_ids}


def test_an_edit_is_checked_again_and_approval_is_recorded(stored):
    settings, ids, _ = stored
    with store.session(settings=settings) as con:
        edited = review_suggestion(con, ids[0], edited_text="Lids fixed for 99% of you!")
        assert edited.final_text == "Lids fixed for 99% of you!"
        assert edited.problems == ["the number '99%' is not in the card's facts"]
        assert edited.status == "draft" and edited.reviewed_at is None
        fixed = review_suggestion(
            con, ids[0], edited_text="96% of you told us: the lids leak. We are fixing them."
        )
        assert fixed.problems == []
        approved = review_suggestion(con, ids[0], status="approved")
        assert approved.status == "approved" and approved.reviewed_at is not None
        assert approved.text == "Sorry about the lid leaks. A better seal is coming."  # kept
        with pytest.raises(BrandpulseError, match="no suggestion 9999"):
            review_suggestion(con, 9999, status="approved")
        with pytest.raises(BrandpulseError, match="Unknown status"):
            review_suggestion(con, ids[0], status="published")


def test_regenerate_writes_a_new_draft(stored):
    settings, ids, options = stored
    generator = ScriptedGenerator(["We hear you about the lid leaks, and a fix is on its way."])
    with store.session(settings=settings) as con:
        review_suggestion(con, ids[1], status="rejected")
        new = regenerate_suggestion(con, ids[1], generator, options, "scripted")
    assert new.text == "We hear you about the lid leaks, and a fix is on its way."
    assert (new.status, new.source, new.reviewed_at) == ("draft", "model", None)


def test_approved_suggestions_export_as_csv_and_markdown(stored):
    settings, ids, _ = stored
    with store.session(settings=settings) as con:
        assert export_approved(con, "markdown").endswith("None approved yet.")
        review_suggestion(
            con, ids[0], status="approved", edited_text="We hear you. A fix is coming."
        )
        review_suggestion(con, ids[2], status="approved")
        review_suggestion(con, ids[1], status="rejected")
        table = list(csv.DictReader(io.StringIO(export_approved(con, "csv"))))
        markdown = export_approved(con, "markdown")
        assert get_suggestion(con, ids[0]).edited_text == "We hear you. A fix is coming."
    assert [(r["id"], r["format"], r["text"]) for r in table] == [
        (str(ids[0]), "social_post", "We hear you. A fix is coming."),
        (str(ids[2]), "ad_headline", "Sealed for good"),
    ]
    assert table[0]["play"] == "Service recovery and FAQ"
    assert "posts: 303" in table[0]["evidence"] and "share negative: 96%" in table[0]["evidence"]
    assert markdown.count("## 'lid leaks, seal' is rising") == 1
    assert "- **social media post**: We hear you. A fix is coming." in markdown
    assert "- **ad headline**: Sealed for good" in markdown
    assert "We hear you on the lids." not in markdown  # rejected
