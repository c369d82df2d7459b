"""What the topic model reads: cleaned texts, vocabulary without brands, labels, edit carry-over."""

from __future__ import annotations

import numpy as np

from analysis.topics.fit import TopicParams, _carry_over, _label
from analysis.topics.text import (
    brand_stop_words,
    keyword_analyzer,
    phrase_analyzer,
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


def test_label_is_three_to_five_words():
    assert _label([("lid leaks", 1.0)], ["lid", "leaks", "seal", "dishwasher"]) == "lid leaks, seal"
    # The phrase must hold a top keyword: a frequent filler phrase does not name the topic.
    phrases = [("single day", 2.0), ("battery life", 1.0)]
    assert _label(phrases, ["battery", "single", "charge"]) == "battery life, single"
    assert _label([("grind never stops", 1.0)], ["grind"]) == "grind never stops"
    assert _label([], ["app", "outage", "smart cup"]) == "app, outage, smart cup"
    assert _label([], []) == "(no words)"


def test_cluster_sizes_scale_with_the_corpus():
    settings = Settings()
    small, sample, large = (TopicParams.for_corpus(n, settings) for n in (40, 9_000, 1_000_000))
    assert small.min_cluster_size == 10 and small.n_neighbors == 15
    assert sample.min_cluster_size == 95 and sample.min_samples == 15
    assert large.min_cluster_size == 500 and large.min_samples == 50
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
    labels, merges = _carry_over(previous, centroids, sizes=np.asarray([5, 8, 3, 9]))
    assert labels == {1: "Lid leak wave", 3: "Shipping"}
    assert merges == {0: 3}  # the larger of the two absorbs the other, as the user merged them


def test_no_edits_nothing_carried():
    previous = [(0, "lid", None, None, unit(1, 0), 10)]
    assert _carry_over(previous, np.asarray([unit(1, 0)], np.float32), np.asarray([4])) == ({}, {})
