"""Filters survive a round trip through the URL; bad values are dropped with a note."""

from __future__ import annotations

from datetime import date

from analysis.filters import Filters
from dashboard.filter_state import filters_from_query, filters_to_query


def test_round_trip():
    filters = Filters(
        start=date(2025, 10, 6),
        end=date(2025, 10, 12),
        brand="Tidewell",
        kind="social",
        language="en",
        sentiment="negative",
        topic=3,
        theme=1,
        tag="lid-leak-week",
    )
    query = filters_to_query(filters)
    assert query == {
        "from": "2025-10-06",
        "to": "2025-10-12",
        "brand": "Tidewell",
        "kind": "social",
        "lang": "en",
        "sentiment": "negative",
        "topic": "3",
        "theme": "1",
        "tag": "lid-leak-week",
    }
    assert filters_from_query(query) == (filters, [])
    assert filters_to_query(Filters()) == {}


def test_bad_values_are_dropped_and_reported():
    filters, ignored = filters_from_query(
        {
            "from": "2025-13-40",
            "to": "2025-10-01",
            "kind": "tweet",
            "topic": "x",
            "brand": ["A", "B"],
        }
    )
    assert filters == Filters(end=date(2025, 10, 1), brand="B")
    assert ignored == ["from=2025-13-40", "kind=tweet", "topic=x"]
    reversed_range, notes = filters_from_query({"from": "2025-10-12", "to": "2025-10-06"})
    assert reversed_range == Filters(start=date(2025, 10, 12))
    assert notes == ["to=2025-10-06 (before from=2025-10-12)"]


def test_facet_values_on_the_sample(demo_run):
    from analysis.insight.facets import facet_values
    from loaders import store

    db, _ = demo_run
    with store.session(db, read_only=True) as con:
        facets = facet_values(con)
    assert [v for v, _ in facets["brand"]] == ["Tidewell", "Glacio", "Pinecup"]
    assert {v for v, _ in facets["kind"]} == {"review", "social"}
    assert facets["language"][0][0] == "en"


def test_filter_params_follow_the_sql_order():
    # Filters.params() doubles each field in field order, then the category's column twice
    # and its value; FILTER_SQL must list them alike.
    from analysis.filters import FILTER_SQL

    params = Filters(brand="B", tag="t", category=("c", "v")).params()
    assert params[-5:] == ["t", "t", "c", "c", "v"] and FILTER_SQL.count("?") == len(params)
    assert "t.tag = ?))" in FILTER_SQL
    assert FILTER_SQL.rstrip().endswith("'~1')) = ?))")


def test_category_round_trip_splits_at_the_first_colon():
    filters = Filters(category=("negativereason", "Late Flight: 2h"))
    query = filters_to_query(filters)
    assert query == {"cat": "negativereason:Late Flight: 2h"}
    assert filters_from_query(query) == (filters, [])
    broken, ignored = filters_from_query({"cat": "no-colon"})
    assert broken == Filters() and ignored == ["cat=no-colon"]
    empty_value, ignored = filters_from_query({"cat": "negativereason:"})
    assert empty_value == Filters() and ignored == ["cat=negativereason:"]


def test_a_category_column_with_a_colon_survives_the_link():
    chosen = Filters(category=("reason:primary", "Late: 2h"))
    query = filters_to_query(chosen)
    assert filters_from_query(query) == (chosen, [])
