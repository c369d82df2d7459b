"""The quality checks of generated copy: real bad outputs are caught, marketer copy passes."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from analysis.suggestions.prompts import fact_summary
from analysis.suggestions.quality import quality_problems

LID = ["Tidewell Trail Bottle: lid leaks is rising", "lid leaks, seal", "Tidewell"]


def _kinds(text: str, fmt: str = "social_post", grounded=(), brand="Tidewell") -> str:
    return " | ".join(quality_problems(text, fmt, grounded, brand))


# Outputs the 135M model really wrote (issue 22), with the problem each must be named for.
REAL_BAD = [
    ("Hey there, no lid leaks, seal, we're fixin' it!", "social_post", "slang"),
    ("Hey there, no lid leaks, seal, we're fixin' it!", "social_post", "pasted keyword list"),
    (
        "Just days ago, we were in the middle of a critical situation, and it was really hard "
        "to keep up...",
        "social_post",
        "crisis language",
    ),
    (
        "Just days ago, we were in the middle of a critical situation, and it was really hard "
        "to keep up...",
        "social_post",
        "invented a date: 'days ago'",
    ),
    ("Soy: sorry about lid leaks, seal and that it is being fixed.", "email_subject", "'Soy:'"),
    (
        "Soy: sorry about lid leaks, seal and that it is being fixed.",
        "email_subject",
        "invented a promised fix: 'is being fixed'",
    ),
    (
        "We're excited to announce a new flight... a one-night flight that will take you to "
        "your dream destination",
        "social_post",
        "invented a launch: 'announce'",
    ),
    (
        "We're excited to announce a new flight... a one-night flight that will take you to "
        "your dream destination",
        "social_post",
        "invented a launch: 'new flight'",
    ),
    ("This is a reminder to you to never cancel a flight", "review_reply", "reminder to you"),
    ("This is a reminder to you to never cancel a flight", "review_reply", "never cancel"),
    ("We're not only reliable but also reliable", "social_post", "reliable but also reliable"),
    ("Toll", "ad_headline", "a one-word ad headline: 'Toll'"),
    ("Tillle!", "ad_headline", "not an English word: 'Tillle'"),
    ("Tillle!", "ad_headline", "one-word"),
]


@pytest.mark.parametrize(("text", "fmt", "expected"), REAL_BAD)
def test_every_real_bad_output_is_flagged_for_what_is_wrong(text, fmt, expected):
    assert expected in _kinds(text, fmt, LID)


# Copy a marketer would approve, across formats and industries, with its grounding.
GOOD = [
    ("social_post", "Your morning run deserves a bottle that keeps up. Meet the Trail Bottle.", []),
    (
        "social_post",
        "We're sorry some Trail Bottle lids have been leaking. Our team is looking into it, and we'll share what we find.",
        LID,
    ),
    (
        "review_reply",
        "Sorry about the soaked bag, that's not the day you planned. Replacement lids ship free from 20 Oct; request one at tidewell.example/lid.",
        [
            "Replacement lids ship free from 20 Oct; request one at tidewell.example/lid",
            "my lid leaked all over my bag",
        ],
    ),
    (
        "review_reply",
        "Thanks for telling us. We're sorry your order arrived late. Please DM us your order number so we can check what happened.",
        ["my order arrived two days late"],
    ),
    (
        "review_reply",
        "We hear you, and we're sorry the app kept logging you out. Our team is working on it. If it happens again, a screenshot in DMs helps us a lot.",
        ["app keeps logging me out"],
    ),
    (
        "email_subject",
        "We're sorry your Forkly orders have been arriving cold",
        ["cold deliveries", "Forkly"],
    ),
    ("email_subject", "Your guide to a calmer morning routine", []),
    ("email_subject", "A quick thank you from all of us at Glacio", ["Glacio"]),
    ("ad_headline", "We hear you on cold food", []),
    ("ad_headline", "Skincare for real skin", []),
    ("ad_headline", "Hydration that goes where you go", []),
    ("ad_headline", "Ten percent off your first box", ["10% off first box: ten percent off"]),
    (
        "social_post",
        "Cold dinner is no way to end a long day. We hear you, and we're working on it with our restaurant partners and couriers.",
        [],
    ),
    (
        "social_post",
        "Quiet commutes, focused work, peaceful flights. Thanks for all the kind words about our noise cancelling.",
        [],
    ),
    (
        "social_post",
        "Planning a getaway? Find a warm welcome at Harborlight Hotels. Take a look at where you could stay next.",
        ["Harborlight Hotels"],
    ),
    (
        "social_post",
        "Shopping for headphones? Take a look at Voltaro's range and find the sound that fits your day.",
        ["Voltaro"],
    ),
    (
        "social_post",
        "Boards taking ages to load is not the Taskloom experience you deserve. We're sorry. Our engineers are looking into it.",
        ["Taskloom"],
    ),
    (
        "social_post",
        "Having your card declined at the till is stressful, and we're sorry. We're looking into the declined payments you've reported.",
        [],
    ),
    (
        "social_post",
        "New to Forkful? Welcome! Browse the restaurants near you and find your next favourite meal, from quick lunches to Friday feasts.",
        ["Forkful"],
    ),
    (
        "social_post",
        "Thank you for every photo and every review! Who's ordering for the whole crew this weekend?",
        [],
    ),
    (
        "social_post",
        "Pinecup's cold brew is smooth, bold and ready when you are. What's in your cup today?",
        ["Pinecup"],
    ),
    (
        "review_reply",
        "Thanks so much for the kind words, Maya! We're glad the bottle made the summit with you.",
        ["@maya_climbs summit day with my tidewell bottle"],
    ),
    (
        "review_reply",
        "We're sorry the seal let you down. Could you send us a photo of the lid by DM? We'd like to understand what happened.",
        LID,
    ),
    (
        "social_post",
        "Flight delays are frustrating, and we're sorry for the long waits this week. Our team is here in DMs if you need help rebooking.",
        [],
    ),
    (
        "email_subject",
        "Free shipping on every order from 1 Nov",
        ["Free shipping on every order from 1 Nov"],
    ),
    (
        "social_post",
        "Good coffee, good company, and a seat by the window. See you soon at Pinecup.",
        ["Pinecup"],
    ),
    (
        "review_reply",
        "We appreciate you flagging this. Your feedback on the checkout has gone straight to our product team.",
        ["checkout keeps failing"],
    ),
    (
        "social_post",
        "More and more of you are taking Tidewell on the trail, and we love seeing it. Tag us in your next hike!",
        [],
    ),
]


# Near misses of the rules that real replies and posts say.
GOOD += [
    (
        "review_reply",
        "You should have received a confirmation email; if not, DM us and we'll check.",
        [],
    ),
    ("social_post", "Never leave home without it. The Trail Bottle goes where you go.", []),
    (
        "review_reply",
        "We're sorry the credit card payment was declined. We're looking into it.",
        [],
    ),
    ("social_post", "Rip open a fresh bag of Pinecup beans and make your morning.", ["Pinecup"]),
    ("social_post", "Meet your new favourite bottle for the trail.", []),
]


@pytest.mark.parametrize(("fmt", "text", "grounded"), GOOD)
def test_good_marketer_copy_passes(fmt, text, grounded):
    assert quality_problems(text, fmt, grounded, "Tidewell") == []


def test_there_are_enough_varied_good_texts():
    assert len(GOOD) >= 25 and {fmt for fmt, _, _ in GOOD} == {
        "social_post",
        "email_subject",
        "ad_headline",
        "review_reply",
    }


# Each rule: a case that fires (with the words it must quote) and a near miss that must not.
RULES = [
    ("offer", "Enjoy 20% off everything today.", "20% off", "Enjoy everything today."),
    ("promo code", "Use promo code TRAIL20 at checkout.", "promo code", "Head to checkout."),
    (
        "free gift",
        "Every order comes with a free gift.",
        "free gift",
        "Every order is packed with care.",
    ),
    ("refund", "We'll send you a refund right away.", "refund", "We'll look into it right away."),
    (
        "credit",
        "We've added a credit to your account.",
        "a credit",
        "We've noted it on your account.",
    ),
    ("launch", "Introducing our summer range.", "Introducing", "Our range is made for summer."),
    (
        "coming soon",
        "Something big is coming soon!",
        "coming soon",
        "Something good is in your cup.",
    ),
    (
        "deadline",
        "Your new lid will arrive by Friday.",
        "by Friday",
        "Friday coffee hits different.",
    ),
    ("within", "We'll reply within 24 hours.", "within 24 hours", "We'll reply as soon as we can."),
    ("next week", "The fix lands next week.", "next week", "We're looking into it."),
    (
        "fix done",
        "We've fixed the lid issue.",
        "We've fixed",
        "Our team is working on the lid issue.",
    ),
    (
        "resolved",
        "The problem has been resolved.",
        "has been resolved",
        "The problem is being looked at.",
    ),
    (
        "blame",
        "You should have closed the lid properly.",
        "You should have",
        "We should have caught this sooner.",
    ),
    (
        "make sure",
        "Make sure you tighten the cap.",
        "Make sure you",
        "We want the cap to fit tight.",
    ),
    (
        "next time",
        "Next time, please read the instructions.",
        "read the instructions",
        "Thanks for reading our guide.",
    ),
    (
        "terms",
        "As stated in our terms, returns need a receipt.",
        "As stated in our",
        "Returns are easy from your account page.",
    ),
    (
        "lecture",
        "Always check the seal before a hike.",
        "Always check",
        "The seal is easy to check before a hike.",
    ),
    (
        "condolences",
        "Our deepest condolences for your leaking bottle.",
        "condolences",
        "We're sorry about your leaking bottle.",
    ),
    (
        "difficult time",
        "We're with you during this difficult time.",
        "difficult time",
        "We're with you on every trail.",
    ),
    (
        "heartbroken",
        "We're heartbroken to hear about your lid.",
        "heartbroken",
        "We're sorry to hear about your lid.",
    ),
    (
        "phrase twice",
        "Fresh flavour every day. Fresh flavour every day for you!",
        "fresh flavour every",
        "Fresh flavour every day, and a new reason to smile.",
    ),
    ("word stutter", "We're fixin' fixing it now.", "a word repeated", "We're fixing it now."),
    (
        "non-word",
        "Stay hydrated with Tidewelll bottles.",
        "Tidewelll",
        "Stay hydrated with Tidewell bottles.",
    ),
    ("slang", "We're gonna make it right.", "gonna", "We're going to make it right."),
]


@pytest.mark.parametrize(("rule", "bad", "quoted", "good"), RULES)
def test_each_rule_fires_on_its_case_and_not_on_its_near_miss(rule, bad, quoted, good):
    assert quoted.lower() in _kinds(bad).lower(), rule
    assert quality_problems(good, "social_post", [], "Tidewell") == [], rule


def test_an_offer_or_date_in_the_grounding_is_not_invented():
    grounded = ["Replacement lids ship free from 20 Oct", "20% off lids until Friday"]
    text = "Replacement lids ship free from 20 Oct, and lids are 20% off until Friday."
    assert quality_problems(text, "review_reply", grounded, "Tidewell") == []
    assert "'3 Nov'" in _kinds(text.replace("20 Oct", "3 Nov"), "review_reply", grounded)


def test_condolence_language_is_fine_when_the_post_is_about_a_loss():
    post = ["My dad passed away and I need to cancel his subscription during this difficult time"]
    reply = "We're so sorry for your loss. We can cancel it for you during this difficult time."
    assert quality_problems(reply, "review_reply", post, "Tidewell") == []


def test_one_word_lines_and_keyword_lists():
    assert "one-word email subject" in _kinds("Hydration", "email_subject")
    assert quality_problems("Hydration, everywhere", "email_subject", [], None) == []
    assert quality_problems("Hydration", "social_post", [], None) == []  # a post may be short
    pasted = _kinds("Shop now: lid leaks, seal, cap.", "social_post", ["lid leaks", "seal", "cap"])
    assert "pasted keyword list" in pasted
    assert quality_problems("Salt, pepper and lime make it.", "social_post", [], None) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀🔥💧",
        "x" * 10_000,
        "word " * 2_000,
        "https://tidewell.example/lid?utm=1 https://tidewell.example/lid?utm=1",
        "@tidewell @tidewell #hydration #hydration",
        "¿Dónde está mi pedido? 我的订单在哪里？ Где мой заказ?",
        "Ünïcödé ﬁne ’quotes’ — dashes… \x00\t\n",
    ],
)
def test_hostile_inputs_do_not_crash(text):
    for fmt in ("social_post", "email_subject", "ad_headline", "review_reply"):
        problems = quality_problems(text, fmt, [text], "Tidewell")
        assert all(isinstance(p, str) and len(p) < 300 for p in problems)


def test_links_handles_and_grounded_names_are_not_non_words():
    grounded = ["@glacio_hq wrote about Glacio's Frostline flask", "glacio.example/frostline"]
    text = "Glacio's Frostline flask is back in stock: glacio.example/frostline @glacio_hq"
    assert quality_problems(text, "social_post", grounded, "Glacio") == []


ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"
CARDS = ROOT / "benchmarks" / "copy_eval" / "cards.json"


@pytest.mark.skipif(not CARDS.exists(), reason="the team's copy evaluation set is not here yet")
def test_every_reference_of_the_evaluation_set_passes():
    failures = []
    for card in json.loads(CARDS.read_text()):
        grounded = [card["title"], fact_summary(card["facts"]), card.get("brand") or ""]
        for fmt, texts in card.get("references", {}).items():
            failures += [
                (text, problems)
                for text in texts
                if (problems := quality_problems(text, fmt, grounded, card.get("brand")))
            ]
    kb_file, posts_file = CARDS.parent / "kb.json", CARDS.parent / "posts.json"
    kb = {e["id"]: e for e in json.loads(kb_file.read_text())} if kb_file.exists() else {}
    for post in json.loads(posts_file.read_text()) if posts_file.exists() else []:
        entry = kb.get(post.get("kb_entry") or "", {})
        grounded = [post["text"], entry.get("issue", ""), entry.get("answer", "")]
        grounded += entry.get("links", [])
        failures += [
            (text, problems)
            for text in post["references"]
            if (problems := quality_problems(text, "review_reply", grounded, post.get("brand")))
        ]
    assert failures == []


@pytest.mark.skipif(not (DATA / "sst2").exists(), reason="../shared/data (SST-2) is absent")
def test_real_clean_sentences_are_rarely_called_broken():
    with (DATA / "sst2" / "dev.csv").open(newline="", encoding="utf-8") as f:
        texts = [r["text"] for r in csv.DictReader(f) if r["label"] == "positive"]
    # SST-2 is tokenized ("does n't", "-lrb-"): join it back as people write
    texts = [re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", t) for t in texts]
    texts = [t.replace("-lrb-", "(").replace("-rrb-", ")") for t in texts]
    language = ("not an English word", "a phrase said twice", "a word repeated")
    flagged = [
        t for t in texts if any(p.startswith(language) for p in quality_problems(t, "social_post"))
    ]
    assert len(texts) > 400 and len(flagged) / len(texts) < 0.02, flagged[:5]
