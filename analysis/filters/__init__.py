"""The filters every insight function accepts (and the dashboard's filter bar sets).

``Filters.params()`` returns the ``?`` values for :data:`FILTER_SQL`, a WHERE fragment
over the ``effective`` relation (the ``doc_facts`` read model) of
:data:`analysis.sentiment.sql.EFFECTIVE_SENTIMENT`.

``category`` filters on one of the export's own columns that Brandpulse does not map (the
complaint reason ``negativereason``, a product category): those are kept per document in
``documents.extra``, a JSON object keyed by the file's header names. The column name and
the value are both ``?`` parameters; the column becomes a JSON Pointer (RFC 6901: ``~`` as
``~0``, ``/`` as ``~1``) inside the SQL, so no name can reach another key or the SQL.
:func:`category_values` lists the columns worth filtering on, for the filter bar.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import duckdb

from analysis.filters.sql import CATEGORY_KEYS, CATEGORY_VALUES

# Each condition is "no filter" when its value is NULL; dates are inclusive, in UTC.
# (No braces: callers put this fragment into their SQL with str.format.)
FILTER_SQL = """
    (?::DATE IS NULL OR e.day >= ?::DATE)
    AND (?::DATE IS NULL OR e.day <= ?::DATE)
    AND (?::VARCHAR IS NULL OR e.brand = ?)
    AND (?::VARCHAR IS NULL OR e.kind = ?)
    AND (?::VARCHAR IS NULL OR e.source = ?)
    AND (?::VARCHAR IS NULL OR e.channel = ?)
    AND (?::VARCHAR IS NULL OR e.product = ?)
    AND (?::VARCHAR IS NULL OR e.campaign = ?)
    AND (?::VARCHAR IS NULL OR e.language = ?)
    AND (?::VARCHAR IS NULL OR e.label = ?)
    AND (?::INTEGER IS NULL OR e.topic = ?)
    AND (?::INTEGER IS NULL OR e.theme = ?)
    AND (?::VARCHAR IS NULL OR EXISTS (SELECT 1 FROM doc_tags t WHERE t.doc_id = e.doc_id AND t.tag = ?))
    AND (?::VARCHAR IS NULL OR EXISTS (SELECT 1 FROM documents x WHERE x.doc_id = e.doc_id
         AND json_extract_string(x.extra, '/' || replace(replace(?::VARCHAR, '~', '~0'), '/', '~1')) = ?))
"""

# Filter bar: an export column is offered as a category when it has this many distinct values.
CATEGORY_DISTINCT = (2, 50)
CATEGORY_MAX_CHARS = 80  # longer values are text, not a category


@dataclass(frozen=True)
class Filters:
    start: date | None = None  # first day included
    end: date | None = None  # last day included
    brand: str | None = None
    kind: str | None = None  # review or social
    source: str | None = None
    channel: str | None = None
    product: str | None = None
    campaign: str | None = None
    language: str | None = None  # ISO 639-1 code detected from the text
    sentiment: str | None = None  # negative, neutral or positive (human corrections applied)
    topic: int | None = None  # a topic of the current topic model
    theme: int | None = None  # a theme (group of topics) of the current topic model
    tag: str | None = None  # a tag on the post (doc_tags, set by a rule's tag action)
    # (export column, value): a column of the file kept in documents.extra, e.g.
    # ("negativereason", "Late Flight"). Last: FILTER_SQL ends with its condition.
    category: tuple[str, str] | None = None

    def params(self) -> list[Any]:
        """The ``?`` values of FILTER_SQL: each value twice, then the category's column twice
        and its value."""
        values = [getattr(self, f.name) for f in fields(self) if f.name != "category"]
        column, value = self.category or (None, None)
        return [*(v for v in values for _ in range(2)), column, column, value]


NO_FILTERS = Filters()


def category_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, int]]]:
    """Export column -> its values with their documents, most frequent first: the columns
    kept in ``extra`` with 2 to 50 distinct short values, some repeated, not all numbers."""
    keys = [key for (key,) in con.execute(CATEGORY_KEYS).fetchall()]
    if not keys:
        return {}
    low, high = CATEGORY_DISTINCT
    params = {"keys": keys, "fewest": low, "most": high, "longest": CATEGORY_MAX_CHARS}
    found: dict[str, list[tuple[str, int]]] = {}
    for column, value, documents in con.execute(CATEGORY_VALUES, params).fetchall():
        found.setdefault(column, []).append((value, documents))
    return found
