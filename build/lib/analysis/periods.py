"""Periods of time every concern shares: a date range and the one before it, ISO weeks, the last
full week, and the data's own span (readers never pick a period with no data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from loaders.dates import READABLE_SQL, shift, utc_now
from loaders.errors import BrandpulseError, explain

# The first and last day a chart can show (readable dates, none in the future).
READABLE_DAY_SPAN = (
    f"SELECT min(day), max(day) FROM doc_facts e WHERE {READABLE_SQL} AND e.created_at <= ?"  # noqa: S608
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The as long period right before (held at Python's first date in year 1)."""
        return Period(shift(self.start, -self.days), shift(self.start, -1))


def data_span(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> Period | None:
    """First to last day with data, leaving out documents dated after ``now`` (default:
    the clock) and those no reader can place (see loaders.dates); None when none is left."""
    first, last = con.execute(READABLE_DAY_SPAN, [utc_now(now)]).fetchall()[0]
    return None if last is None else Period(first, last)


def default_period(
    con: duckdb.DuckDBPyConnection, days: int = 7, now: datetime | None = None
) -> Period | None:
    """The last ``days`` days that have data up to ``now``, or None for an empty database.

    A placeholder date in the future (9999-12-31) does not move the period there.
    """
    span = data_span(con, now)
    if span is None:
        return None
    return Period(max(span.start, shift(span.end, 1 - days)), span.end)


_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(value: str | date | None) -> date | None:
    """The Monday of an ISO week given as '2025-W41', a date, or a date string in the week."""
    if value is None or isinstance(value, date):
        return None if value is None else _monday(value)
    text = str(value).strip()
    match = _ISO_WEEK.match(text)
    try:
        if match:
            return date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return _monday(date.fromisoformat(text))
    except ValueError:
        pass
    raise BrandpulseError(
        explain(
            f"'{value}' is not a week",
            expected="an ISO week such as 2025-W41, or a date such as 2025-10-08",
            fix="write the week in one of those forms.",
        )
    )


def _monday(day: date) -> date:
    if isinstance(day, datetime):
        day = day.date()
    return day - timedelta(days=day.weekday())


def iso_week(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def last_full_week(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> date | None:
    """Monday of the last ISO week that ends on or before the last day with data, leaving
    out documents dated after ``now`` (default: the clock) and undated ones (loaders.dates)."""
    span = data_span(con, now)
    if span is None:
        return None
    last = span.end
    monday = last - timedelta(days=last.weekday())
    return monday if last.weekday() == 6 else monday - timedelta(days=7)


def report_weeks(con: duckdb.DuckDBPyConnection, now: datetime | None = None) -> list[str]:
    """ISO weeks with data, the last full week first (the Report page's choices)."""
    last = last_full_week(con, now)
    if last is None:
        return []
    mondays = con.execute(
        f"SELECT DISTINCT week FROM doc_facts e WHERE week <= ? AND {READABLE_SQL} "  # noqa: S608
        "ORDER BY week DESC",
        [last],
    ).fetchall()
    return [iso_week(monday) for (monday,) in mondays]
