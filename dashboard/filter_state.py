"""The filter bar's state in the URL: every view can be bookmarked and shared.

``?from=2025-10-06&to=2025-10-12&brand=Tidewell&sentiment=negative&topic=3`` maps to an
:class:`analysis.filters.Filters`. Values that do not parse are dropped and reported, so
a mangled link still opens. ``?cat=negativereason:Late Flight`` is the category filter: an
export column and its value, split at the first colon.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from analysis.filters import Filters

# URL key -> Filters field
URL_KEYS = {
    "from": "start",
    "to": "end",
    "brand": "brand",
    "kind": "kind",
    "source": "source",
    "channel": "channel",
    "product": "product",
    "campaign": "campaign",
    "lang": "language",
    "sentiment": "sentiment",
    "topic": "topic",
    "theme": "theme",
    "tag": "tag",
    "cat": "category",
}
_CHOICES = {"kind": {"review", "social"}, "sentiment": {"negative", "neutral", "positive"}}


def filters_from_query(params: Mapping[str, Any]) -> tuple[Filters, list[str]]:
    """Filters from URL query parameters, and a note for each value that was ignored."""
    values: dict[str, Any] = {}
    ignored: list[str] = []
    for key, name in URL_KEYS.items():
        raw = params.get(key)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        if raw is None or str(raw).strip() == "":
            continue
        text = str(raw).strip()
        try:
            if name in ("start", "end"):
                values[name] = date.fromisoformat(text)
            elif name in ("topic", "theme"):
                values[name] = int(text)
            elif name == "category":
                values[name] = _category(text)
            elif name in _CHOICES and text not in _CHOICES[name]:
                raise ValueError(text)
            else:
                values[name] = text
        except ValueError:
            ignored.append(f"{key}={text}")
    filters = Filters(**values)
    if filters.start and filters.end and filters.end < filters.start:
        ignored.append(f"to={filters.end} (before from={filters.start})")
        filters = Filters(**{**values, "end": None})
    return filters, ignored


def _category(text: str) -> tuple[str, str]:
    """``"negativereason:Late Flight"`` -> ``("negativereason", "Late Flight")``."""
    column, colon, value = text.partition(":")
    if not (colon and column.strip() and value.strip()):
        raise ValueError(text)
    # The column's own ":" and "%" travel escaped (see _category_text); the value's need not.
    return column.replace("%3A", ":").replace("%25", "%"), value


def _category_text(category: tuple[str, str]) -> str:
    column, value = category
    return column.replace("%", "%25").replace(":", "%3A") + ":" + value


def filters_to_query(filters: Filters) -> dict[str, str]:
    """The URL query parameters of ``filters`` (unset filters are left out)."""
    out = {}
    for key, name in URL_KEYS.items():
        value = getattr(filters, name)
        if value is None:
            continue
        if isinstance(value, date):
            out[key] = value.isoformat()
        elif name == "category":
            out[key] = _category_text(value)
        else:
            out[key] = str(value)
    return out
