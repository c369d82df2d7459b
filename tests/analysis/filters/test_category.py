"""The category filter (issue #21): an export's own column kept in documents.extra filters
every figure, e.g. the airline tweets' complaint reason; names and values are parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.filters import FILTER_SQL, Filters, category_values
from analysis.insight.posts import find_posts
from loaders import store
from loaders.config import Settings
from loaders.ingest.files import ingest_file
from tests.loaders.ingest.airline_fixture import LATE_FLIGHT_IDS, write_airline_csv


@pytest.fixture
def airline_db(settings: Settings, tmp_path: Path) -> Settings:
    result = ingest_file(write_airline_csv(tmp_path / "Tweets.csv"), settings=settings)
    assert result.inserted == 12
    return settings


def _ids(con, filters: Filters) -> set[str]:
    """The tweet ids of the posts the filters find (through the Posts browser's query)."""
    doc_ids = [row["doc_id"] for row in find_posts(con, filters, limit=100)]
    found = con.execute(
        "SELECT external_id FROM documents WHERE list_contains(?, doc_id)", [doc_ids]
    ).fetchall()
    return {external_id for (external_id,) in found}


def test_late_flight_gives_exactly_the_planted_rows(airline_db: Settings):
    with store.session(settings=airline_db, read_only=True) as con:
        assert len(_ids(con, Filters())) == 12
        assert _ids(con, Filters(category=("negativereason", "Late Flight"))) == LATE_FLIGHT_IDS
        # With the other filters: the planted Late Flight tweets to Delta.
        assert _ids(con, Filters(brand="Delta", category=("negativereason", "Late Flight"))) == {
            "570301031407624197"
        }
        assert _ids(con, Filters(category=("negativereason", "late flight"))) == set()
        assert _ids(con, Filters(category=("airline_sentiment", "positive"))) == {
            "570301031407624198",
            "570301031407624203",
            "570301031407624206",
        }


def test_hostile_column_names_and_values_match_nothing_and_change_nothing(airline_db: Settings):
    hostile = [
        ("negativereason') = 'x' OR 1=1 --", "Late Flight"),
        ("negativereason", "' OR '1'='1"),
        ("$.negativereason", "Late Flight"),  # a JSONPath is a key name here, not a path
        ("negativereason/0", "Late Flight"),
        ("*", "Late Flight"),
        ("", "Late Flight"),
        ("negativereason", "Late Flight'); DROP TABLE documents; --"),
    ]
    with store.session(settings=airline_db, read_only=True) as con:
        for column, value in hostile:
            assert _ids(con, Filters(category=(column, value))) == set(), (column, value)
        assert con.execute("SELECT count(*) FROM documents").fetchall() == [(12,)]


def test_odd_but_real_column_names_are_matched_literally(settings: Settings, tmp_path: Path):
    path = tmp_path / "odd.csv"
    path.write_text(
        'text,date,"a/b","x~y","it\'s ""here"""\n'
        "one,2025-01-01,p,q,r\n"
        "two,2025-01-02,p,q,s\n"
        "three,2025-01-03,z,q,r\n"
    )
    ingest_file(path, settings=settings)
    with store.session(settings=settings, read_only=True) as con:
        texts = lambda f: sorted(r["text"] for r in find_posts(con, f))  # noqa: E731
        assert texts(Filters(category=("a/b", "p"))) == ["one", "two"]
        assert texts(Filters(category=("x~y", "q"))) == ["one", "three", "two"]
        assert texts(Filters(category=('it\'s "here"', "r"))) == ["one", "three"]
        assert category_values(con) == {
            "a/b": [("p", 2), ("z", 1)],
            'it\'s "here"': [("r", 2), ("s", 1)],
        }  # x~y has one value: nothing to choose


def test_category_values_list_the_export_columns_worth_filtering(airline_db: Settings):
    with store.session(settings=airline_db, read_only=True) as con:
        found = category_values(con)
    # Confidences are numbers, coordinates and locations have one value, gold columns none.
    assert sorted(found) == ["airline_sentiment", "negativereason", "user_timezone"]
    assert found["negativereason"] == [
        ("Late Flight", 3),
        ("Customer Service Issue", 2),
        ("Bad Flight", 1),
        ("Lost Luggage", 1),
    ]
    assert found["airline_sentiment"] == [("negative", 7), ("positive", 3), ("neutral", 2)]


def test_filter_sql_has_no_braces_and_one_value_per_placeholder():
    assert "{" not in FILTER_SQL and "}" not in FILTER_SQL  # callers use str.format
    assert len(Filters().params()) == FILTER_SQL.count("?")
    assert Filters(category=("c", "v")).params()[-3:] == ["c", "c", "v"]


def test_ids_dates_and_numbers_are_not_categories(settings: Settings, tmp_path: Path):
    # As in Datafiniti's export: a product id and an ASIN, a timestamp, a yes/no column.
    path = tmp_path / "reviews.csv"
    products = [("AVqkIhwDv8e3D1O-lebb", "B01AHB9CN2"), ("AWFUWc8THh53nbDRF6YO", "B010CEHQTG")]
    lines = ["reviews.text,reviews.date,id,asins,dateAdded,reviews.doRecommend,helpful"]
    for n in range(6):
        product, asin = products[n % 2]
        added = "2017-03-06T14:59:43Z" if n % 2 else "2018-02-02T02:30:22Z"
        recommend = "TRUE" if n < 4 else "FALSE"
        lines.append(f"review {n},2017-09-0{n + 1},{product},{asin},{added},{recommend},{n % 2}")
    path.write_text("\n".join(lines) + "\n")
    ingest_file(path, settings=settings)
    with store.session(settings=settings, read_only=True) as con:
        assert category_values(con) == {"reviews.doRecommend": [("TRUE", 4), ("FALSE", 2)]}


def test_the_sentiment_trend_splits_by_an_export_column(airline_db: Settings):
    from analysis.insight.trend import sentiment_trend

    with store.session(settings=airline_db, read_only=True) as con:
        rows = sentiment_trend(con, Filters(), grain="month", category="negativereason")
        by_reason = {}
        for row in rows:
            by_reason[row["segment"]] = by_reason.get(row["segment"], 0) + row["documents"]
        planted = dict(
            con.execute(
                "SELECT json_extract_string(extra, '$.negativereason'), count(*) "
                "FROM documents GROUP BY ALL"
            ).fetchall()
        )
        # A hostile column name is a key that no post has: one segment of nothing, no error.
        hostile = sentiment_trend(con, Filters(), grain="month", category="x') OR 1=1 --")
    assert by_reason == planted
    assert by_reason["Late Flight"] == len(LATE_FLIGHT_IDS)
    assert {row["segment"] for row in hostile} == {None}
    assert sum(row["documents"] for row in hostile) == 12
