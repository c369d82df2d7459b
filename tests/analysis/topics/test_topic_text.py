"""What the topic model reads: cleaned texts, vocabulary without brands, names, edit carry-over."""

from __future__ import annotations

import numpy as np

from analysis.topics.carry import carry_edits, carry_theme_labels
from analysis.topics.fit import TopicParams, _fit_set
from analysis.topics.naming import names_for, readable_name
from analysis.topics.text import (
    NAME_EDGE_WORDS,
    brand_stop_words,
    keyword_analyzer,
    phrase_analyzer,
    repeat_key,
    stop_words,
    text_hash,
    topic_text,
)
from loaders.config import Settings


def test_topic_text_drops_links_handles_html_and_retweet_prefix():
    raw = (
        "RT @maya_runs: <b>Lid</b> leaks again &amp; again @tidewell "
        "https://tidewell.example/x?utm_campaign=y #LidLeak #fail"
    )
    assert topic_text(raw) == "Lid leaks again & again Lid Leak fail"
    assert topic_text("mail me at sam@example.com") == "mail me at sam@example.com"
    assert topic_text(None) == "" and topic_text("  @only_a_handle ") == ""
    assert text_hash("a") == text_hash("a") != text_hash("b")


def test_brand_words_come_from_brands_handles_and_settings():
    words = brand_stop_words(
        ["Tidewell", "Blue Peak", None], ["glacio_hq", "pinecupco"], "acme, Foo"
    )
    assert {"tidewell", "blue", "peak", "bluepeak", "glacio", "pinecupco", "acme", "foo"} <= words
    assert "hq" not in words  # handle parts shorter than three letters are not names


def test_keywords_skip_stop_and_brand_words_and_add_bigrams():
    analyze = keyword_analyzer(stop_words({"tidewell"}))
    assert analyze("Tidewell lid leaks after the wash, lol") == [
        "lid",
        "leaks",
        "wash",
        "lid leaks",
        "leaks wash",
    ]
    # No bigram across sentences.
    assert "smoothies partner" not in analyze("Great after smoothies. My partner has one.")


def test_label_phrases_keep_inner_stop_words_but_not_brands():
    stop = stop_words({"tidewell"})
    analyze = phrase_analyzer(stop, frozenset({"tidewell"}))
    phrases = analyze("Grind never stops, Tidewell lid leaks. Smoothies my partner")
    assert "grind never stops" in phrases and "lid leaks" in phrases
    assert not any("stops" in p and "lid" in p for p in phrases)  # not across the comma
    assert not any("tidewell" in p for p in phrases)
    assert not any(p.split()[0] in stop or p.split()[-1] in stop for p in phrases)


def test_names_are_phrases_people_wrote_not_filler_or_keyword_lists():
    stop = stop_words({"tidewell"})
    analyze = phrase_analyzer(stop, frozenset({"tidewell"}))
    phrases = analyze(
        "How long does it take? I think someone managed to use my card. Top up failed"
    )
    assert "top up" in phrases and "top up failed" in phrases  # "top" is a word here
    assert not any(p.split()[0] in NAME_EDGE_WORDS for p in phrases)  # no "long does"
    assert not any(p.split()[-1] in NAME_EDGE_WORDS for p in phrases)  # no "someone managed"
    # sklearn's stop list would drop what customers talk about.
    assert {"top", "bill", "fire"}.isdisjoint(stop) and {"the", "my"} <= stop


def test_name_is_the_phrase_holding_a_top_keyword_and_never_a_comma_list():
    assert readable_name([("lid leaks", 1.0)], ["lid", "leaks", "seal"], set()) == "lid leaks"
    # The phrase must hold a top keyword: a frequent filler phrase does not name the topic.
    phrases = [("single day", 2.0), ("battery life", 1.0)]
    assert readable_name(phrases, ["battery", "single", "charge"], set()) == "battery life"
    assert readable_name([], ["app", "smart cup"], set()) == "smart cup"  # bigram keyword first
    assert readable_name([], [], set()) == "(no words)"
    # Names stay distinct: the larger group keeps the phrase, the others their next choice.
    names = names_for(
        [[("lid leaks", 2.0)], [("lid leaks", 1.0), ("cracked lid", 0.5)], [("lid leaks", 1.0)]],
        [["lid", "leaks", "seal"], ["lid", "cracked"], ["lid", "leaks"]],
        sizes=[40, 90, 10],
    )
    assert names == ["lid leaks (seal)", "lid leaks", "lid"]


def test_near_identical_texts_are_fitted_once():
    texts = [
        "WIN a FREE mug!!! code 123 🎉",
        "win a free mug - code 456",
        "Win a free mug code 789 😀",
        "The lid leaks after a week",
    ]
    assert repeat_key(texts[0]) == repeat_key(texts[1]) == "win a free mug code"
    fitted, stands_for = _fit_set(texts)
    assert fitted == [0, 3] and stands_for.tolist() == [0, 0, 0, 1]


def test_cluster_sizes_scale_with_the_corpus():
    settings = Settings()
    small, mid, large = (TopicParams.for_corpus(n, settings) for n in (40, 9_000, 1_000_000))
    assert small.min_cluster_size == 10 and small.n_neighbors == 15
    assert mid.min_cluster_size == 45 and mid.min_samples == 3
    assert large.min_cluster_size == 200  # a few hundred posts still make a topic
    assert TopicParams.for_corpus(9_000, Settings(topic_min_cluster_size=30)).min_cluster_size == 30


def unit(*values: float) -> list[float]:
    vector = np.asarray(values, np.float32)
    return (vector / np.linalg.norm(vector)).tolist()


def test_edits_carry_over_to_the_most_similar_new_topics():
    # Old run: 0 renamed; 2 merged into 1 (renamed too); 3 untouched.
    previous = [
        (0, "lid", "Lid leak wave", None, unit(1, 0, 0, 0), 10),
        (1, "ship", "Shipping", None, unit(0, 1, 0, 0), 10),
        (2, "late", None, 1, unit(0, 0, 1, 0), 10),
        (3, "misc", None, None, unit(0, 0, 0, 1), 10),
    ]
    # New run: topics in another order; 1 and 3 resemble the two merged ones; 2 is new.
    centroids = np.asarray(
        [unit(0, 0.1, 1, 0), unit(1, 0.05, 0, 0), unit(1, 1, 1, 1), unit(0, 1, 0.1, 0)],
        np.float32,
    )
    labels, merges = carry_edits(previous, centroids, sizes=np.asarray([5, 8, 3, 9]))
    assert labels == {1: "Lid leak wave", 3: "Shipping"}
    assert merges == {0: 3}  # the larger of the two absorbs the other, as the user merged them


def test_no_edits_nothing_carried():
    previous = [(0, "lid", None, None, unit(1, 0), 10)]
    assert carry_edits(previous, np.asarray([unit(1, 0)], np.float32), np.asarray([4])) == ({}, {})


def test_theme_names_carry_over_to_the_matching_new_theme():
    previous = [(0, "cups", "Drinkware", unit(1, 0, 0)), (1, "ship", None, unit(0, 1, 0))]
    centroids = np.asarray([unit(0, 1, 0.1), unit(1, 0.1, 0), unit(0, 0, 1)], np.float32)
    assert carry_theme_labels(previous, centroids) == {1: "Drinkware"}
    assert carry_theme_labels(previous, np.asarray([unit(0, 0, 1)], np.float32)) == {}


def test_a_theme_is_named_by_what_its_topics_share_not_by_its_largest_topic():
    members = [[{"steve", "bannon", "trump"}, {"voter", "suppression", "trump"}, {"merkel"}]]
    names = names_for(
        [[("steve bannon", 3.0), ("trump said", 1.0)]],
        [["bannon", "trump", "voter"]],
        sizes=[100],
        members=members,
        stop=stop_words(),
    )
    assert names == ["trump"]  # in 2 of its 3 topics; "steve bannon" in 1
    # Stop words need not be shared: "top up" is named by "top".
    members = [[{"top", "failed"}, {"top", "limit"}, {"pending"}]]
    assert names_for([[("top up", 1.0)]], [["top", "failed"]], [5], members, stop_words()) == [
        "top up"
    ]
