"""Overview figures: a week against the week before, on the hand-built database of test_trends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.filters import Filters
from analysis.insight.kpis import period_kpis, top_movers
from analysis.periods import Period, default_period
from loaders import store
from loaders.errors import BrandpulseError
from tests.analysis.topics.test_trends import LAST_WEEK

WEEK = Period(LAST_WEEK, LAST_WEEK + timedelta(days=6))


def test_kpis_against_the_previous_period(con):
    kpis = period_kpis(con, WEEK)
    assert (kpis["documents"].current, kpis["documents"].previous) == (140, 102)
    assert kpis["documents"].delta == 38
    assert kpis["share_negative"].current == pytest.approx(60 / 140)
    assert kpis["share_negative"].previous == pytest.approx(22 / 102)
    assert kpis["net_sentiment"].current == pytest.approx((80 - 60) / 140)
    assert kpis["net_sentiment"].previous == pytest.approx((80 - 22) / 102)
    assert kpis["average_rating"].current is None and kpis["average_rating"].delta is None


def test_filters_apply_to_both_periods(con):
    kpis = period_kpis(con, WEEK, Filters(brand="B"))
    assert (kpis["documents"].current, kpis["documents"].previous) == (50, 50)
    # The filter's own dates do not narrow the comparison.
    assert period_kpis(con, WEEK, Filters(start=WEEK.end))["documents"].current == 140


def test_top_movers(con):
    topics = top_movers(con, "topic", WEEK)
    assert [(m.key, m.documents, m.previous_documents) for m in topics] == [
        (0, 40, 2),
        (1, 100, 100),
    ]
    assert topics[0].share_negative == 1.0
    brands = top_movers(con, "brand", WEEK, limit=1)
    assert [(m.key, m.change) for m in brands] == [("A", 38)]


def test_default_period_and_errors(con):
    assert default_period(con) == Period(LAST_WEEK, LAST_WEEK + timedelta(days=6))
    with pytest.raises(BrandpulseError, match="The period ends before it starts"):
        period_kpis(con, Period(WEEK.end, WEEK.start))
    with pytest.raises(BrandpulseError, match="Cannot rank movers by 'colour'"):
        top_movers(con, "colour", WEEK)


def test_empty_database(settings):
    with store.session(settings=settings, read_only=True) as con:
        assert default_period(con) is None
        assert period_kpis(con, WEEK)["documents"].current == 0


def test_sentiment_trend_per_week_and_segment(con):
    from analysis.insight.trend import sentiment_trend

    weekly = sentiment_trend(con)
    assert len(weekly) == 6
    last = weekly[-1]
    assert (last["period"], last["documents"], last["negative"], last["positive"]) == (
        LAST_WEEK,
        140,
        60,
        80,
    )
    by_brand = {
        r["segment"]: (r["documents"], r["negative"])
        for r in sentiment_trend(con, by="brand")
        if r["period"] == LAST_WEEK
    }
    assert by_brand == {"A": (90, 50), "B": (50, 10)}
    days = sentiment_trend(con, Filters(start=WEEK.start, end=WEEK.end), grain="day")
    assert sum(r["documents"] for r in days) == 140 and len(days) == 7
    with pytest.raises(BrandpulseError, match="Cannot chart sentiment per hour"):
        sentiment_trend(con, grain="hour")


def test_sentiment_topic_and_language_filters(con):
    from analysis.insight.trend import sentiment_trend

    def total(filters: Filters) -> int:
        return sum(r["documents"] for r in sentiment_trend(con, filters))

    assert total(Filters(sentiment="negative")) == 6 * 20 + 50
    assert total(Filters(topic=0)) == 50
    assert total(Filters(topic=0, sentiment="positive")) == 0
    # Theme 1 ('product quality') holds topic 0 alone; theme 0 the rest.
    assert total(Filters(theme=1)) == 50 and total(Filters(theme=0)) == 650 - 50
    assert total(Filters(language="en")) == 650 and total(Filters(language="de")) == 0


def test_post_browser_search_sort_and_page(con, settings):
    from analysis.insight.posts import find_posts
    from analysis.insight.trend import rating_distribution

    found = find_posts(con, search="D00001")
    assert [p["doc_id"] for p in found] == ["d00001"]
    worst = find_posts(con, Filters(topic=0), order="most negative", limit=3)
    assert [p["score"] for p in worst] == [-1, -1, -1]
    assert {p["topic_name"] for p in worst} == {"lid leaks"}
    newest = find_posts(con, limit=5)
    page2 = find_posts(con, limit=5, offset=5)
    assert newest[0]["created_at"] >= newest[-1]["created_at"] >= page2[0]["created_at"]
    assert not {p["doc_id"] for p in newest} & {p["doc_id"] for p in page2}
    # Search text is a value, never SQL.
    assert find_posts(con, search="'; DROP TABLE documents; --") == []
    assert rating_distribution(con) == []
    with pytest.raises(BrandpulseError, match="Cannot sort posts by 'random'"):
        find_posts(con, order="random")


def test_rating_distribution_on_the_sample(demo_run):
    from analysis.insight.trend import rating_distribution
    from tests.conftest import scalar

    db, _ = demo_run
    with store.session(db, read_only=True) as con:
        rows = rating_distribution(con)
        reviews_only = rating_distribution(con, Filters(kind="review", brand="Glacio"))
    assert [r["rating"] for r in rows] == [1, 2, 3, 4, 5]
    assert sum(r["documents"] for r in rows) == scalar(
        db, "SELECT count(*) FROM documents WHERE rating IS NOT NULL"
    )
    assert sum(r["documents"] for r in reviews_only) == scalar(
        db, "SELECT count(*) FROM documents WHERE rating IS NOT NULL AND brand = 'Glacio'"
    )
