"""Each brand against its competitors, on the hand-built weeks of test_trends: brand A gets
40 extra negative posts in the last week, brand B stays the same."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.filters import Filters
from analysis.insight.brands import brand_table
from analysis.periods import Period
from loaders.errors import BrandpulseError
from tests.analysis.topics.test_trends import FIRST_MONDAY, LAST_WEEK

WEEK = Period(LAST_WEEK, LAST_WEEK + timedelta(days=6))


def test_brand_table_against_the_week_before(con):
    a, b = brand_table(con, WEEK)
    assert (a["brand"], a["posts"], a["previous_posts"], a["posts_change"]) == ("A", 90, 52, 38)
    assert a["share_of_voice"] == pytest.approx(90 / 140)
    assert a["previous_share_of_voice"] == pytest.approx(52 / 102)
    assert a["share_of_voice_change"] == pytest.approx(90 / 140 - 52 / 102)
    assert a["share_negative"] == pytest.approx(50 / 90)
    assert a["share_negative_change"] == pytest.approx(50 / 90 - 12 / 52)
    assert a["net_sentiment"] == pytest.approx((40 - 50) / 90)
    assert a["previous_net_sentiment"] == pytest.approx((40 - 12) / 52)
    assert (b["brand"], b["posts"], b["previous_posts"]) == ("B", 50, 50)
    assert b["share_negative_change"] == pytest.approx(0.0)
    assert a["share_of_voice"] + b["share_of_voice"] == pytest.approx(1.0)
    assert a["days_with_data"] == a["previous_days_with_data"] == 7


def test_brand_table_ignores_the_filters_brand_and_dates_but_keeps_the_rest(con):
    assert [r["brand"] for r in brand_table(con, WEEK, Filters(brand="B"))] == ["A", "B"]
    negative = brand_table(con, WEEK, Filters(sentiment="negative", start=WEEK.end))
    assert [(r["brand"], r["posts"]) for r in negative] == [("A", 50), ("B", 10)]
    first = Period(FIRST_MONDAY, FIRST_MONDAY + timedelta(days=6))
    # The week before the data: every brand has no previous posts and no previous share.
    assert all(r["previous_posts"] == 0 for r in brand_table(con, first))
    with pytest.raises(BrandpulseError, match="ends before it starts"):
        brand_table(con, Period(WEEK.end, WEEK.start))
