"""Topic insight on a hand-built database: exact counts, the emerging test, spikes, drivers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from analysis.filters import Filters
from analysis.periods import iso_week, parse_week
from analysis.topics import sql
from analysis.topics.spikes import detect_spikes, spike_drivers
from analysis.topics.trends import (
    emerging_topics,
    other_share,
    theme_table,
    topic_sentiment,
    topic_table,
    topics_over_time,
)
from loaders import store
from loaders.errors import BrandpulseError
from tests.conftest import insert_documents

FIRST_MONDAY = date(2025, 9, 1)  # 2025-W36
WEEKS = 6


def build(settings, wobble: int = 0) -> None:
    """Six weeks: 100 everyday posts a week (20 negative) split over brands A and B; a defect
    topic with 2 posts a week, then 40 negative posts of brand A in the last week."""
    documents, topics_of, labels = [], [], []

    def add(week: int, topic: int, brand: str, label: str) -> None:
        doc_id = f"d{len(documents):05d}"
        created = datetime.combine(
            FIRST_MONDAY + timedelta(weeks=week, days=len(documents) % 7), datetime.min.time(), UTC
        )
        documents.append((doc_id, "social", "twitter", brand, created, f"text {doc_id}"))
        topics_of.append((doc_id, 1, topic, 0.9))
        labels.append((doc_id, label))

    for week in range(WEEKS):
        for i in range(100):
            add(week, 1, "A" if i % 2 else "B", "negative" if i < 20 else "positive")
        defect = 40 if week == WEEKS - 1 else 2 + (wobble if week == WEEKS - 2 else 0)
        for _ in range(defect):
            add(week, 0, "A", "negative")
    with store.session(settings=settings) as con:
        insert_documents(con, documents)
        con.execute(
            "INSERT INTO topic_runs VALUES (1, now(), now(), ?, 2, 2, 0, 'test', '{}', 2)",
            [len(documents)],
        )
        # Two topics in two themes; theme 0 is the larger, as a fit numbers them.
        con.execute(
            "INSERT INTO topics VALUES "
            "(1, 0, 'lid leaks', ['lid'], 0, NULL, NULL, [1.0, 0.0], [], 1, 0.5),"
            " (1, 1, 'everyday talk', ['bottle'], 0, NULL, NULL, [0.0, 1.0], [], 0, 0.5)"
        )
        con.execute(
            "INSERT INTO themes VALUES (1, 0, 'daily use', ['bottle'], NULL, [0.0, 1.0]),"
            " (1, 1, 'product quality', ['lid'], NULL, [1.0, 0.0])"
        )
        con.register("assigned", pd.DataFrame(topics_of))
        con.execute("INSERT INTO doc_topics SELECT * FROM assigned")
        con.execute(sql.REFRESH_SIZES, [1])
        con.execute(
            "INSERT INTO models VALUES ('m', 'test', 'test', NULL, NULL, NULL, now(), true)"
        )
        con.register("labels_frame", pd.DataFrame(labels, columns=["doc_id", "label"]))
        con.execute(
            "INSERT INTO sentiment SELECT doc_id, 'm', label, 0, 0, 0, "
            "CASE label WHEN 'negative' THEN -1 ELSE 1 END, 'en', NULL, now() FROM labels_frame"
        )


@pytest.fixture
def con(settings):
    build(settings)
    with store.session(settings=settings, read_only=True) as connection:
        yield connection


LAST_WEEK = FIRST_MONDAY + timedelta(weeks=WEEKS - 1)


def test_topic_sentiment_counts(con):
    rows = {r["topic"]: r for r in topic_sentiment(con)}
    assert rows[0]["documents"] == 2 * 5 + 40 and rows[0]["share_negative"] == 1.0
    assert rows[1]["documents"] == 600 and rows[1]["negative"] == 120
    assert rows[1]["share_negative"] == pytest.approx(0.2)
    assert rows[1]["mean_score"] == pytest.approx(0.6)
    only_b = {r["topic"]: r for r in topic_sentiment(con, Filters(brand="B"))}
    assert set(only_b) == {1} and only_b[1]["documents"] == 300


def test_topics_over_time_shares_sum_to_one(con):
    rows = topics_over_time(con, by="brand")
    totals: dict = {}
    for row in rows:
        totals[(row["week"], row["segment"])] = (
            totals.get((row["week"], row["segment"]), 0) + row["share"]
        )
    assert all(total == pytest.approx(1.0) for total in totals.values())
    last_a = {
        r["topic"]: r["documents"] for r in rows if r["week"] == LAST_WEEK and r["segment"] == "A"
    }
    assert last_a == {0: 40, 1: 50}
    with pytest.raises(BrandpulseError, match="Cannot split topics over time by 'colour'"):
        topics_over_time(con, by="colour")


def test_emerging_topic_in_defect_week_only(con):
    found = emerging_topics(con, iso_week(LAST_WEEK))
    assert [e.topic for e in found if e.emerging] == [0]
    defect = found[0]
    assert (defect.documents, defect.baseline_weekly) == (40, 2.0)
    assert defect.share == pytest.approx(40 / 140)
    assert defect.p_value < 1e-6
    # The week before, nothing is new.
    before = emerging_topics(con, LAST_WEEK - timedelta(weeks=1))
    assert not any(e.emerging for e in before)
    # Default: the latest week.
    assert emerging_topics(con)[0].week == LAST_WEEK


def test_small_wobble_is_not_emerging(settings):
    build(settings, wobble=4)  # 6 posts instead of 2 in week 5: three times the usual, but few
    with store.session(settings=settings, read_only=True) as con:
        week5 = emerging_topics(con, LAST_WEEK - timedelta(weeks=1))
    defect = next(e for e in week5 if e.topic == 0)
    assert defect.documents == 6 and defect.growth > 2
    assert not defect.emerging and defect.p_value > 0.01


def test_spikes_and_their_drivers_add_up(con):
    spikes = detect_spikes(con)
    assert {(s.week, s.metric) for s in spikes} == {
        (LAST_WEEK, "volume"),
        (LAST_WEEK, "negative_share"),
    }
    for spike in spikes:
        assert spike.drivers[0].topic == 0 and spike.drivers[0].name == "lid leaks"
        assert spike.drivers[0].theme_name == "product quality"
        # The drivers name each fine topic with its theme.
        assert spike.drivers_text().startswith("lid leaks (product quality) ")
        assert sum(d.change for d in spike.drivers) == pytest.approx(spike.change)
    volume = next(s for s in spikes if s.metric == "volume")
    assert (volume.value, volume.baseline) == (140, 102)
    share = next(s for s in spikes if s.metric == "negative_share")
    assert share.value == pytest.approx(60 / 140)
    assert share.baseline == pytest.approx((80 + 8) / 408)
    drivers = spike_drivers(con, LAST_WEEK, "volume")
    assert [(d.topic, d.change) for d in drivers] == [(0, 38.0), (1, 0.0)]


def test_filters_remove_the_spike(con):
    assert detect_spikes(con, Filters(brand="B")) == []
    assert detect_spikes(con, Filters(end=LAST_WEEK - timedelta(days=1))) == []


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2025-W41", date(2025, 10, 6)),
        ("2025w41", date(2025, 10, 6)),
        ("2025-10-09", date(2025, 10, 6)),
        (date(2025, 10, 12), date(2025, 10, 6)),
    ],
)
def test_parse_week(text, monday):
    assert parse_week(text) == monday


def test_parse_week_explains_bad_input():
    with pytest.raises(BrandpulseError, match="'week 41' is not a week. Expected an ISO week"):
        parse_week("week 41")


def test_generated_labels_from_a_namer_with_fallback(settings):
    from analysis.topics.edits import list_topics, relabel_topics, rename_topic

    build(settings)
    rename_topic(settings, 1, "Everyday chatter")
    calls = []

    def namer(keywords: list[str], examples: list[str]) -> str:
        calls.append(keywords)
        if keywords == ["lid"]:
            return 'Label: "The lids".\nThis topic is about...'
        raise RuntimeError("model unavailable")

    assert relabel_topics(settings, namer) == 1
    assert calls == [["bottle"], ["lid"]] or calls == [["lid"], ["bottle"]]
    with store.session(settings=settings, read_only=True) as con:
        names = {t.topic: (t.name, t.label) for t in list_topics(con)}
    assert names[0] == ("The lids", "The lids")
    assert names[1] == ("Everyday chatter", "everyday talk")  # the user's name wins; no change
    # Rambling answers, keyword lists and words the posts do not use are not names.
    for answer in ("Sure! " + "word " * 20, "lid, bottle", "Exploding battery recall"):
        assert relabel_topics(settings, lambda k, e, answer=answer: answer) == 0


# --- themes ----------------------------------------------------------------------------------
def test_theme_table_honours_the_filters(con):
    themes = {row["theme"]: row for row in theme_table(con)}
    assert [row["name"] for row in theme_table(con)] == ["daily use", "product quality"]
    assert themes[0]["documents"] == 600 and themes[0]["share_negative"] == pytest.approx(0.2)
    assert themes[0]["share_positive"] == pytest.approx(0.8) and themes[0]["topics"] == 1
    assert themes[1]["documents"] == 50 and themes[1]["share_negative"] == 1.0
    assert themes[1]["weekly"] == [2, 2, 2, 2, 2, 40]
    only_b = theme_table(con, Filters(brand="B"))
    assert [(r["theme"], r["documents"]) for r in only_b] == [(0, 300)]
    assert only_b[0]["share_negative"] == pytest.approx(60 / 300)
    last_week = theme_table(con, Filters(start=LAST_WEEK))
    assert {r["theme"]: r["weekly"] for r in last_week} == {0: [100], 1: [40]}


def test_topic_table_names_each_topic_s_theme(con):
    rows = {row["topic"]: row for row in topic_table(con)}
    assert (rows[0]["label"], rows[0]["theme"], rows[0]["theme_name"]) == (
        "lid leaks",
        1,
        "product quality",
    )
    assert rows[1]["theme_name"] == "daily use"


def test_emerging_topics_name_their_theme(con):
    [defect] = [e for e in emerging_topics(con, LAST_WEEK) if e.emerging]
    assert defect.theme_name == "product quality"
    assert defect.display_name == "lid leaks (product quality)"


def test_other_share_counts_documents_in_no_topic(settings):
    build(settings)
    with store.session(settings=settings) as con:
        con.execute("UPDATE doc_topics SET topic = -1 WHERE doc_id IN ('d00000', 'd00001')")
        con.execute("DELETE FROM doc_topics WHERE doc_id = 'd00002'")
    with store.session(settings=settings, read_only=True) as con:
        found = other_share(con)
        assert (found["documents"], found["other"], found["unassigned"]) == (650, 2, 1)
        assert found["share"] == pytest.approx(2 / 649)
        # "Other" documents belong to no theme: the themes hold the rest.
        assert sum(row["documents"] for row in theme_table(con)) == 647


def test_spike_drivers_are_shares_of_the_spike_posts_never_above_100_percent():
    """A driver's part of the change passes 100% when other topics shrank; the text gives its
    share of the week's posts instead."""
    from analysis.topics.spikes import Driver, Spike

    drivers = [
        Driver(0, "lid leaks", 150.0, 1.5, 160.0, 10.0, "product quality"),
        Driver(1, "late delivery", 10.0, 0.1, 20.0, 10.0),
        Driver(2, "everyday talk", -60.0, -0.6, 20.0, 80.0),
    ]
    volume = Spike(LAST_WEEK, "volume", 200.0, 100.0, 100.0, 5.0, drivers)
    assert volume.driver_shares(drivers[0]) == (0.8, 0.1)
    assert volume.drivers_text() == (
        "lid leaks (product quality) 80% of posts (10% before), late delivery 10% (10% before)"
    )
    # Negative share: 40 of 100 labeled posts are negative lid leaks, of 50 negative posts.
    lid = Driver(0, "lid leaks", 0.35, 1.2, 0.4, 0.05, "product quality")
    negative = Spike(LAST_WEEK, "negative_share", 0.5, 0.2, 0.3, 4.0, [lid])
    assert negative.drivers_text() == (
        "lid leaks (product quality) 80% of negative posts (25% before)"
    )
