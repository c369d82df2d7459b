"""The dates every reader can work with, and the clock readers consult.

The store keeps ``created_at`` as any TIMESTAMPTZ: year 1 to 294247 and +-infinity, as
old databases and placeholder dates in exports hold them. Python's dates end at year 9999
(infinity comes back as 9999-12-31, later years as strings), and periods, baselines and
month ends step a year either way. So readers only see documents dated from year 2 to
year 9998 (:data:`READABLE_SQL`); the rest stay stored, are counted by `brandpulse db
info`, and `brandpulse db delete` removes them. Defaults (the last week, the Overview's
period) also ignore documents dated after now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

READABLE_FIRST = date(2, 1, 1)
READABLE_LAST = date(9998, 12, 31)
# A condition on doc_facts aliased ``e``: constants, not user input.
# The same window on a TIMESTAMPTZ column named created_at (the documents table).
READABLE_CREATED_SQL = (
    f"created_at >= TIMESTAMPTZ '{READABLE_FIRST.isoformat()} 00:00:00+00' "
    f"AND created_at < TIMESTAMPTZ '{READABLE_LAST.year + 1:04d}-01-01 00:00:00+00'"
)
READABLE_SQL = (
    f"e.day BETWEEN DATE '{READABLE_FIRST.isoformat()}' AND DATE '{READABLE_LAST.isoformat()}'"
)


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` (tests pass one), else the clock; always timezone-aware UTC."""
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, held at Python's first or last date instead of overflowing."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.min if days < 0 else date.max
