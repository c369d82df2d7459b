"""The Overview's brand rows, my brand's complaints, partial weeks and the thin-baseline rule,
on the hand-built six weeks of test_trends (brands A and B, a lid defect of A in the last week)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.filters import Filters
from analysis.insight.brand_row import brand_rows, top_complaints
from analysis.insight.cards import baseline_is_thin, insight_cards
from analysis.insight.trend import brand_sparklines, partial_text, sentiment_trend
from analysis.periods import Period
from loaders import store
from tests.analysis.topics.test_trends import FIRST_MONDAY, LAST_WEEK, build

WEEK = Period(LAST_WEEK, LAST_WEEK + timedelta(days=6))


def test_brand_rows_put_my_brand_first_with_shares_and_changes(con):
    rows = brand_rows(con, WEEK, mine="B")
    assert [(r["brand"], r["mine"]) for r in rows] == [("B", True), ("A", False)]
    assert sum(r["share_of_voice"] for r in rows) == pytest.approx(1.0)
    b, a = rows
    # A: 50 everyday posts (10 negative) and the 40 negative lid posts; the week before 50 + 2.
    assert (a["documents"], a["previous_documents"]) == (90, 52)
    assert a["share_of_voice"] == pytest.approx(90 / 140)
    assert a["share_of_voice_change"] == pytest.approx(90 / 140 - 52 / 102)
    assert a["share_negative"] == pytest.approx(50 / 90)
    assert a["share_negative_change"] == pytest.approx(50 / 90 - 12 / 52)
    assert a["net_sentiment"] == pytest.approx((40 - 50) / 90)
    assert a["net_sentiment_change"] == pytest.approx((40 - 50) / 90 - (40 - 12) / 52)
    assert (b["documents"], b["share_negative_change"]) == (50, pytest.approx(0.0))
    # Without my brand, the most posts first; a brand filter does not hide the competitors.
    assert [r["brand"] for r in brand_rows(con, WEEK, Filters(brand="B"))] == ["A", "B"]


def test_brand_rows_without_a_previous_period(con):
    first = Period(FIRST_MONDAY, FIRST_MONDAY + timedelta(days=6))
    rows = brand_rows(con, first, mine="A")
    assert [(r["brand"], r["previous_documents"]) for r in rows] == [("A", 0), ("B", 0)]
    assert rows[0]["share_of_voice_change"] is None and rows[0]["net_sentiment_change"] is None


def test_my_brands_top_complaints(con):
    assert top_complaints(con, WEEK, "A") == [
        {
            "topic": "lid leaks",
            "theme": "product quality",
            "negative posts": 40,
            "posts": 40,
            "% negative": 1.0,
        },
        {
            "topic": "everyday talk",
            "theme": "daily use",
            "negative posts": 10,
            "posts": 50,
            "% negative": pytest.approx(0.2),
        },
    ]
    assert [c["topic"] for c in top_complaints(con, WEEK, "B")] == ["everyday talk"]
    assert top_complaints(con, WEEK, "Nobody") == []


def test_a_week_cut_by_the_period_is_partial(con):
    wednesday = LAST_WEEK + timedelta(days=2)
    (week,) = sentiment_trend(con, Filters(start=wednesday, end=WEEK.end))
    assert (week["period"], week["days"], week["bucket_days"], week["partial"]) == (
        LAST_WEEK,
        5,
        7,
        True,
    )
    assert partial_text(week, "week") == "partial week (5 of 7 days)"
    full = sentiment_trend(con)
    assert len(full) == 6 and not any(r["partial"] for r in full)
    assert partial_text(full[0], "week") == ""
    days = sentiment_trend(con, Filters(start=wednesday, end=WEEK.end), grain="day")
    assert len(days) == 5 and not any(r["partial"] for r in days)


def test_sparklines_leave_out_a_partial_first_week(con):
    wednesday = FIRST_MONDAY + timedelta(days=2)
    rows = {r["brand"]: r for r in brand_sparklines(con, Filters(start=wednesday))}
    a = rows["A"]
    assert a["partial_weeks"] == ["2025-W36 (5 of 7 days)"]
    assert len(a["weekly_documents"]) == 5 and a["weekly_documents"][-1] == 90
    # documents counts every post from Wednesday on (37 of the first week's 52)
    in_trend = sentiment_trend(con, Filters(start=wednesday, brand="A"))
    assert a["documents"] == sum(r["documents"] for r in in_trend) == 37 + 4 * 52 + 90
    assert all(not r["partial_weeks"] for r in brand_sparklines(con))


def test_no_rising_or_worse_card_against_a_thin_baseline(settings):
    build(settings)
    with store.session(settings=settings, read_only=True) as con:
        assert not baseline_is_thin(con, WEEK, Filters())
        kinds = [c.kind for c in insight_cards(con, WEEK)]
    assert "rising_negative_topic" in kinds
    # Leave the week before with one day of data (Sunday 5 October).
    with store.session(settings=settings) as con:
        before = "SELECT doc_id FROM documents WHERE created_at::DATE BETWEEN ? AND ?"
        params = [LAST_WEEK - timedelta(days=7), LAST_WEEK - timedelta(days=2)]
        for table in ("doc_topics", "sentiment", "documents"):
            con.execute(f"DELETE FROM {table} WHERE doc_id IN ({before})", params)  # noqa: S608
    with store.session(settings=settings, read_only=True) as con:
        assert baseline_is_thin(con, WEEK, Filters())
        cards = insight_cards(con, WEEK)
    kinds = {c.kind for c in cards}
    assert not kinds & {"rising_negative_topic", "worst_segment", "competitor_bad_week"}
    assert "praised_theme" in kinds  # no comparison needed: still made
