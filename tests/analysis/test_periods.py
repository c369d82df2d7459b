"""Days with data, the thin-baseline note and bucket coverage, on a tiny hand-built database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from analysis.periods import (
    Period,
    baseline_note,
    bucket_coverage,
    bucket_length,
    days_with_data,
    thin_baseline,
)
from loaders import store
from tests.conftest import insert_documents

# Posts on Sunday 5 Oct 2025, then every day of 6-12 Oct (2025-W41) and Mon-Wed 13-15 Oct.
DAYS = [date(2025, 10, 5), *(date(2025, 10, d) for d in range(6, 16))]
WEEK = Period(date(2025, 10, 6), date(2025, 10, 12))


def build(settings) -> None:
    documents = [
        (f"d{i}", "social", "twitter", "A", datetime(d.year, d.month, d.day, 12, tzinfo=UTC), "t")
        for i, d in enumerate(DAYS)
    ]
    with store.session(settings=settings) as con:
        insert_documents(con, documents)


def test_days_with_data_and_the_thin_baseline(settings):
    build(settings)
    with store.session(settings=settings, read_only=True) as con:
        assert days_with_data(con, WEEK) == 7
        assert days_with_data(con, WEEK.previous()) == 1
        assert days_with_data(con, Period(date(2025, 10, 13), date(2025, 10, 19))) == 3
        assert thin_baseline(con, WEEK) == 1
        assert baseline_note(con, WEEK) == (
            "The week before (29 Sep to 05 Oct) has 1 day of data: "
            "the changes compare against little."
        )
        later = Period(date(2025, 10, 13), date(2025, 10, 15))
        assert thin_baseline(con, later) is None and baseline_note(con, later) is None
        first = Period(date(2025, 10, 5), date(2025, 10, 6))
        assert baseline_note(con, first) == (
            "The 2 days before (03 Oct to 04 Oct) have no data: the changes compare against little."
        )
        # A one-day period needs one day before it, not three.
        assert thin_baseline(con, Period(date(2025, 10, 7), date(2025, 10, 7))) is None


def test_bucket_coverage(settings):
    build(settings)
    with store.session(settings=settings, read_only=True) as con:
        assert bucket_coverage(con, "week", None, None) == {
            date(2025, 9, 29): (1, 7),
            date(2025, 10, 6): (7, 7),
            date(2025, 10, 13): (3, 7),
        }
        assert bucket_coverage(con, "week", date(2025, 10, 8), date(2025, 10, 12)) == {
            date(2025, 10, 6): (5, 7)
        }
        assert bucket_coverage(con, "month", None, None) == {date(2025, 10, 1): (11, 31)}
    assert [bucket_length(date(2024, 2, 1), "month"), bucket_length(date(2025, 2, 1), "month")] == [
        29,
        28,
    ]


def test_a_quiet_week_in_the_middle_is_not_partial(settings):
    build(settings)
    with store.session(settings=settings) as con:  # one post on Monday 27 October (W44)
        later = datetime(2025, 10, 27, 9, tzinfo=UTC)
        insert_documents(con, [("late", "social", "twitter", "A", later, "t")])
    with store.session(settings=settings, read_only=True) as con:
        weeks = bucket_coverage(con, "week", None, None)
    # W42 (13 Oct) had posts on 3 days, then none until W44: a quiet week, not a cut one;
    # W44 ends on the data's last day, Monday, so it is the partial one.
    assert weeks[date(2025, 10, 13)] == (7, 7)
    assert weeks[date(2025, 10, 27)] == (1, 7)
    assert date(2025, 10, 20) not in weeks  # no post at all: no bucket
