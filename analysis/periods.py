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
# The same with documents dated after now (charts of all the data show them).
ALL_READABLE_DAY_SPAN = f"SELECT min(day), max(day) FROM doc_facts e WHERE {READABLE_SQL}"  # noqa: S608
# Days with any document from a first to a last day (inclusive). Coverage is the data's, not
# a filter's: a brand without posts on a day is a quiet day, a day without any post is a gap.
DAYS_WITH_DATA = (
    f"SELECT count(DISTINCT e.day) FROM doc_facts e WHERE {READABLE_SQL} "  # noqa: S608
    "AND e.day BETWEEN ?::DATE AND ?::DATE"
)
# Per day, week or month bucket (its first day): its first and last day with any document, from
# a first to a last day (NULL: open). Parameters: grain, first, first, last, last.
DAY_SPAN_PER_BUCKET = (
    "SELECT CASE ? WHEN 'day' THEN e.day WHEN 'week' THEN e.week ELSE e.month END AS bucket, "  # noqa: S608
    "min(e.day) AS first_day, max(e.day) AS last_day "
    f"FROM doc_facts e WHERE {READABLE_SQL} "
    "AND (?::DATE IS NULL OR e.day >= ?::DATE) AND (?::DATE IS NULL OR e.day <= ?::DATE) "
    "GROUP BY ALL"
)
# A comparison against fewer days with data than this says so instead of claiming a change.
MIN_BASELINE_DAYS = 3


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


def days_with_data(con: duckdb.DuckDBPyConnection, period: Period) -> int:
    """How many days of ``period`` have any document (of any brand or source)."""
    return int(con.execute(DAYS_WITH_DATA, [period.start, period.end]).fetchall()[0][0])


def thin_baseline(con: duckdb.DuckDBPyConnection, period: Period) -> int | None:
    """The days with data of the period before ``period`` when they are too few to compare
    against (under :data:`MIN_BASELINE_DAYS`, or under the period's own length when that is
    shorter), else None."""
    days = days_with_data(con, period.previous())
    return days if days < min(MIN_BASELINE_DAYS, period.days) else None


def baseline_note(con: duckdb.DuckDBPyConnection, period: Period) -> str | None:
    """'The 7 days before have 1 day of data...' when the comparison window is thin, else None."""
    days = thin_baseline(con, period)
    if days is None:
        return None
    before = period.previous()
    span = {1: "day", 7: "week"}.get(period.days, f"{period.days} days")
    verb = "have" if span.endswith("s") else "has"
    has = "no data" if days == 0 else f"{days} day{'s' if days != 1 else ''} of data"
    return (
        f"The {span} before ({before.start:%d %b} to {before.end:%d %b}) {verb} {has}: "
        "the changes compare against little."
    )


def bucket_length(bucket: date, grain: str) -> int:
    """Days in the day, ISO week or month that starts on ``bucket``."""
    if grain == "day":
        return 1
    if grain == "week":
        return 7
    following = (bucket.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (following - bucket).days


def bucket_coverage(
    con: duckdb.DuckDBPyConnection, grain: str, start: date | None, end: date | None
) -> dict[date, tuple[int, int]]:
    """Per bucket of ``grain`` with data between ``start`` and ``end``: (days covered, days in
    the bucket). Covered are the bucket's days from ``start`` to ``end``, held within the
    data's first and last day: only a first or last bucket, cut by the period or by an export
    that starts or ends mid-week, covers fewer, and its volume is not comparable. A quiet week in the
    middle of a sparse source is a quiet week, not a partial one."""
    found = con.execute(DAY_SPAN_PER_BUCKET, [grain, start, start, end, end]).fetchall()
    if not found:
        return {}

    def day(value: date) -> date:
        return value.date() if isinstance(value, datetime) else value

    # The span: the period's own dates where the data reaches them, else the data's ends.
    first = min(day(f) for _, f, _ in found) if start is None else start
    last = max(day(a) for _, _, a in found) if end is None else end
    span = con.execute(ALL_READABLE_DAY_SPAN).fetchall()[0]
    first, last = max(first, day(span[0])), min(last, day(span[1]))
    coverage = {}
    for bucket, _, _ in found:
        b, length = day(bucket), bucket_length(day(bucket), grain)
        covered = (min(b + timedelta(days=length - 1), last) - max(b, first)).days + 1
        coverage[b] = (covered, length)
    return coverage


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
