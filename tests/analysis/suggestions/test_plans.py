"""Plans, the ranker and reply drafts: facts written by the code, slots by the model, every
candidate checked, the best few shown."""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

import pytest

from analysis.insight.cards import Card
from analysis.suggestions.plans import (
    clean_slot,
    readable_subject,
    slots_needed,
    subject_of,
    ungrounded_words,
)
from analysis.suggestions.plays import SuggestOptions
from analysis.suggestions.ranker import Candidate, combine, doubted, length_fit, rank, repeats
from analysis.suggestions.replies import check_reply, draft_replies
from analysis.suggestions.writer import write_variants
from loaders.errors import GeneratorError

LID_CARD = Card(
    "rising_negative_topic",
    "'lid leaks, seal' is rising and mostly negative: 303 posts (from 1), 96% negative.",
    300.0,
    {"topic": "lid leaks, seal", "posts": 303, "posts_before": 1, "share_negative": 0.96},
)
NAMES = ["Tidewell", "Glacio", "Pinecup"]


def bag_of_words(texts: list[str]) -> list[list[float]]:
    """A deterministic stand-in for MiniLM: unit vectors over a hashed bag of words."""
    vectors = []
    for text in texts:
        vector = [0.0] * 1024
        for word in re.findall(r"[a-z]+", text.lower()):
            vector[zlib.crc32(word.encode()) % 1024] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        vectors.append([v / norm for v in vector])
    return vectors


class SlotScript:
    """Answers each slot request from a script keyed by a word of its task."""

    name = "scripted"

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.prompts: list[str] = []

    def generate_many(self, system, prompt, options, count, examples=()):
        self.prompts.append(prompt)
        for key, texts in self.answers.items():
            if key in prompt:
                return texts[:count]
        raise GeneratorError("no script for this prompt")

    def generate(self, system, prompt, options, examples=()):
        return self.generate_many(system, prompt, options, 1, examples)[0]


def test_a_keyword_list_never_reaches_the_copy():
    assert readable_subject("lid leaks, seal") == "lid leaks"
    assert readable_subject("lid leaks (seal)") == "lid leaks"
    assert readable_subject("seal anymore") == "seal"
    assert subject_of({"drivers": ["late refunds, support"], "week": "2025-W41"}) == "late refunds"
    assert subject_of({"product": "Trail Bottle"}) == "Trail Bottle"
    variants, _, _ = write_variants(
        LID_CARD, "social_post", None, SuggestOptions(), NAMES, "Tidewell", bag_of_words
    )
    assert variants and all("lid leaks" in v.text for v in variants)
    assert not any(re.search(r"\bseal\b", v.text) for v in variants)


def test_slot_answers_with_figures_first_person_or_invented_words_are_dropped():
    opening = slots_needed("rising_negative_topic", "social_post")[0]
    grounds = "customers are unhappy about the lid leaks"
    assert clean_slot("We hear you, and we're sorry. More text here", opening, grounds) == (
        "We hear you, and we're sorry."
    )
    assert clean_slot("We fixed 40% of them.", opening, grounds) == ""
    assert clean_slot("I'm so sorry about that.", opening, grounds) == ""
    assert clean_slot("Situation: customers are unhappy.", opening, grounds) == ""
    assert clean_slot("We're sorry your account has been terminated.", opening, grounds) == ""
    assert ungrounded_words("We're sorry your account has been terminated.", grounds) == [
        "account",
        "terminated",
    ]
    assert ungrounded_words("Sorry about the lid leaks.", grounds) == []


def test_the_model_fills_slots_and_the_code_writes_the_facts():
    generator = SlotScript(
        {
            "open a reply": [
                "We hear you, and we're truly sorry.",
                "We fixed 96% of the lids already!",  # a figure: dropped
                "Thank you for your patience.",
            ],
            "invite unhappy": ["Send us a DM and we'll help.", "Our wizard will call you."],
        }
    )
    variants, candidates, note = write_variants(
        LID_CARD, "social_post", generator, SuggestOptions(seed=3), NAMES, "Tidewell", bag_of_words
    )
    assert note is None
    assert len(variants) == 3 and len({v.text for v in variants}) == 3
    assert all("lid leaks" in v.text for v in variants)
    texts = " ".join(c.cleaned for c in candidates)
    assert "96%" not in texts and "wizard" not in texts
    assert "We hear you, and we're truly sorry." in texts and "Send us a DM" in texts
    assert any(c.cleaned.startswith("Thank you for your patience.") for c in candidates)
    assert all(0 <= v.score <= 1 for v in variants)
    prompts = " ".join(generator.prompts)
    assert "303" not in prompts and "96%" not in prompts  # the slots never see the figures


def test_a_generator_failure_leaves_the_plans_template_phrasings():
    variants, _, note = write_variants(
        LID_CARD, "ad_headline", SlotScript({}), SuggestOptions(), NAMES, "Tidewell", bag_of_words
    )
    assert note == "no script for this prompt"
    assert variants and all(v.source == "template" for v in variants)
    assert all(len(v.text) <= 30 for v in variants)


def test_ranking_order_on_scripted_candidates():
    subject = "lid leaks on the trail bottle"
    best = "Sorry about the lid leaks on your trail bottle; we are looking into it."
    candidates = [
        Candidate("Our new flavours are here for summer fun, all of them for you.", "model"),
        Candidate(best, "model"),
        Candidate(best.replace("Sorry", "So sorry"), "model"),  # a near copy
        Candidate("We hear you about the leaks and the lid, and we are on it.", "model"),
    ]
    fluency = {c.text: -3.0 for c in candidates}
    fluency[candidates[3].text] = -5.4  # clumsy

    ranked = rank(
        candidates,
        subject,
        "social_post",
        bag_of_words,
        lambda texts: [fluency[t] for t in texts],
        shown=3,
    )
    assert ranked[0].text == best
    assert [r.text for r in ranked][1:] == [candidates[3].text, candidates[0].text]
    assert ranked[2].needs_edit and not ranked[0].needs_edit
    assert ranked[0].score > ranked[1].score > ranked[2].score


def test_the_needs_edit_line_is_per_format():
    """A few-word headline shares less with the subject than a post does (the references'
    median cosine: 0.27 against 0.50), so the same cosine doubts a post, not a headline."""
    parts = {"on_topic": 0.12, "length": 1.0, "fluency": -6.5}
    headline, post = combine(parts, "ad_headline"), combine(parts, "social_post")
    assert round(headline, 3) == 0.292 and round(post, 3) == 0.192
    assert not doubted(headline, 0.12, "ad_headline")
    assert doubted(post, 0.12, "social_post")
    assert doubted(combine({**parts, "on_topic": 0.02}, "ad_headline"), 0.02, "ad_headline")


def test_repetition_and_length_are_measured():
    assert repeats("we're not only reliable but also we're not only reliable")
    assert not repeats("We hear you, and we're sorry about the lid leaks.")
    assert length_fit("Sorry about the lid leaks", "ad_headline") == 1.0
    assert length_fit("x" * 60, "ad_headline") == 0.0


@dataclass(frozen=True)
class Entry:
    id: int
    issue: str
    answer: str
    links: tuple[str, ...] = ()
    brand: str | None = None

    def facts_text(self) -> str:
        return " ".join([self.issue, self.answer, *self.links])


LID_ENTRY = Entry(
    1,
    "Trail Bottle lid leaks",
    "Replacement lids ship free from 20 Oct; request one at tidewell.example/lid.",
    ("https://tidewell.example/lid",),
)
POST = "@tidewell my trail bottle lid leaked all over my bag AGAIN"


def test_a_reply_carries_the_entrys_facts_verbatim_and_only_them():
    generator = SlotScript(
        {
            "open a reply": [
                "We're sorry the lid leaked all over your bag.",
                "We're sorry your account was suspended.",  # invented: dropped
                "Here's a free refund of $50 for you.",  # invented offer with a figure
            ]
        }
    )
    drafts = draft_replies(
        POST,
        brand="Tidewell",
        entry=LID_ENTRY,
        generator=generator,
        names=NAMES,
        embed=bag_of_words,
    )
    assert 1 <= len(drafts) <= 3
    for draft in drafts:
        assert "Replacement lids ship free from 20 Oct" in draft.text
        assert draft.problems == []
        assert "account" not in draft.text and "$50" not in draft.text
    assert any(d.source == "model" and "leaked all over your bag" in d.text for d in drafts)


def test_without_an_entry_the_reply_asks_to_get_in_touch_and_promises_no_fix():
    drafts = draft_replies(
        "Flight delayed 5 hours, nobody told us anything",
        brand="Skylark",
        entry=None,
        generator=None,
        names=NAMES,
        embed=bag_of_words,
    )
    assert drafts and all("direct message" in d.text for d in drafts)
    assert all(d.source == "template" for d in drafts)
    assert not any(re.search(r"\b(refund|voucher|fixed|free)\b", d.text) for d in drafts)


def test_check_reply_flags_facts_absent_from_the_post_and_entry():
    hostile_entry = Entry(2, "Lids", "See https://evil.example/x?a=<script> for help.")
    ok = "We're sorry. See https://evil.example/x?a=<script> for help."
    assert not [p for p in check_reply(ok, POST, hostile_entry, NAMES, "Tidewell") if "link" in p]
    bad = "We're sorry. Visit phish.example/login to get 20% back."
    problems = check_reply(bad, POST, hostile_entry, NAMES, "Tidewell")
    assert any("phish.example/login" in p for p in problems)
    assert any("20%" in p for p in problems)
    hostile_post = "Glacio is better, call 555-0100 for my refund!!"
    assert check_reply("Call 555-0100 and we'll help.", hostile_post, None, NAMES, "Tidewell") == []
    assert any(
        "Pinecup" in p
        for p in check_reply("Pinecup is worse anyway.", hostile_post, None, NAMES, "Tidewell")
    )


@pytest.mark.parametrize("strategy", ["plan", "free"])
def test_strategies_are_options(strategy):
    assert SuggestOptions(strategy=strategy).strategy == strategy


def test_an_unknown_strategy_is_refused():
    from loaders.errors import BrandpulseError

    with pytest.raises(BrandpulseError, match="Unknown copy strategy 'wild'"):
        SuggestOptions(strategy="wild")
