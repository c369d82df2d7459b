from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from loaders.ingest.normalize import rating_sql, timestamp_sql


def parse(
    values: list[str], *, day_first: bool = False, zone: str = "UTC"
) -> list[datetime | None]:
    con = duckdb.connect()
    con.execute("SET TimeZone = ?", [zone])
    con.execute("CREATE TABLE t (i INTEGER, x VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    result = con.execute(f"SELECT {timestamp_sql('x', day_first)} FROM t ORDER BY i").fetchall()  # noqa: S608
    return [row[0].astimezone(UTC) if row[0] else None for row in result]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-02-24T11:35:52Z", datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)),
        ("2015-02-24T11:35:52.000Z", datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)),
        ("2015-02-24T11:35:52+01:00", datetime(2015, 2, 24, 10, 35, 52, tzinfo=UTC)),
        ("2015-02-24 11:35:52 -0800", datetime(2015, 2, 24, 19, 35, 52, tzinfo=UTC)),
        ("Wed Oct 10 20:19:24 +0000 2018", datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)),
        ("2/24/2015 11:35", datetime(2015, 2, 24, 11, 35, tzinfo=UTC)),
        ("1424777752", datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)),
        ("1424777752.0", datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)),
        ("1424777752000", datetime(2015, 2, 24, 11, 35, 52, tzinfo=UTC)),
        ("31-Jul-18", datetime(2018, 7, 31, tzinfo=UTC)),
        ("July 31, 2006", datetime(2006, 7, 31, tzinfo=UTC)),
        ("Jul 31, 2006", datetime(2006, 7, 31, tzinfo=UTC)),
        ("2006-07-31", datetime(2006, 7, 31, tzinfo=UTC)),
        ("24.02.2015", datetime(2015, 2, 24, tzinfo=UTC)),
    ],
)
def test_timestamp_forms(text, expected):
    assert parse([text]) == [expected]


def test_garbage_is_null():
    assert parse(["last tuesday", "2015-13-45", "abc"]) == [None, None, None]


def test_day_first_slash_dates():
    assert parse(["03/04/2015"], day_first=True) == [datetime(2015, 4, 3, tzinfo=UTC)]
    assert parse(["03/04/2015"]) == [datetime(2015, 3, 4, tzinfo=UTC)]


def test_naive_times_use_the_configured_zone():
    assert parse(["2015-02-24 10:00:00"], zone="America/New_York") == [
        datetime(2015, 2, 24, 15, 0, tzinfo=UTC)
    ]
    # An explicit offset wins over the zone.
    assert parse(["2015-02-24T10:00:00Z"], zone="America/New_York") == [
        datetime(2015, 2, 24, 10, 0, tzinfo=UTC)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5.0),
        ("4.0 out of 5 stars", 4.0),
        ("FIVE", 5.0),
        ("two", 2.0),
        ("★★★", 3.0),
        ("3,5", 3.5),
        ("great", None),
        ("7", 7.0),
    ],
)
def test_rating_forms(text, expected):
    con = duckdb.connect()
    sql = f"SELECT {rating_sql('x')} FROM (SELECT ? AS x)"  # noqa: S608 - generated expression
    assert con.execute(sql, [text]).fetchall()[0][0] == expected
