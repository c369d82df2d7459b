"""The filters every insight function accepts (and the dashboard's filter bar will set).

``Filters.params()`` returns the ``?`` values for :data:`FILTER_SQL`, a WHERE fragment
over the ``effective`` relation (the ``doc_facts`` read model) of
:data:`analysis.sentiment.sql.EFFECTIVE_SENTIMENT`.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import date
from typing import Any

# Each condition is "no filter" when its value is NULL; dates are inclusive, in UTC.
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
"""


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

    def params(self) -> list[Any]:
        """Each value twice, in the order of FILTER_SQL."""
        return [value for value in astuple(self) for _ in range(2)]


NO_FILTERS = Filters()
