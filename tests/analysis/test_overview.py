"""Overview figures: a week against the week before, on the hand-built database of test_trends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from analysis.filters import Filters
from analysis.overview import Period, default_period, period_kpis, top_movers
from loaders import store
from loaders.errors import BrandpulseError
from tests.analysis.test_trends import LAST_WEEK, build

WEEK = Period(LAST_WEEK, LAST_WEEK + timedelta(days=6))


@pytest.fixture
def con(settings):
    build(settings)
    with store.session(settings=settings, read_only=True) as connection:
        yield connection


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
