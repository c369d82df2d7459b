"""Where a file names its brands, when no column is mapped to ``brand``.

Without a brand every post counts for no one: the Overview says "No brand is named" and
brand comparisons are empty. Before an ingest (the Data page's preview, the CLI's ingest
notes) :func:`brand_hint` looks at a sample of rows for

1. a column that names companies or accounts: few distinct short values, each repeated
   across many rows, that posts mention (``airline`` = "United" in a tweet to @united);
2. failing that, the @handles the texts mention most ("@united appears in 31% of posts").

A pure function over the sample rows: no database, no file.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from loaders.ingest.mapping import normalise_header

SAMPLE_ROWS = 2000  # rows a caller reads for the hint; enough to see values repeat
MAX_DISTINCT = 50  # more different values than this is not a set of brands
MAX_VALUE_CHARS = 40  # brand names are short; longer cells are text
MIN_FILLED = 0.5  # share of sample rows with a value
MIN_MENTIONED = 0.2  # share of rows whose text names their row's value (e.g. @united for United)
MIN_HANDLE_SHARE = 0.1  # share of posts that mention an @handle for it to be suggested
HANDLES_NAMED = 3

# Header words of columns that name a company or account.
BRANDISH_WORDS = frozenset(
    {
        "airline",
        "brand",
        "company",
        "business",
        "account",
        "merchant",
        "vendor",
        "manufacturer",
        "advertiser",
        "organisation",
        "organization",
        "hotel",
        "bank",
        "carrier",
        "operator",
        "retailer",
        "restaurant",
        "store",
        "shop",
    }
)
# Header words of columns that hold something else, however few their values.
OTHER_WORDS = frozenset(
    {
        "sentiment",
        "label",
        "reason",
        "gold",
        "confidence",
        "score",
        "rating",
        "timezone",
        "location",
        "country",
        "city",
        "lang",
        "language",
        "category",
        "type",
        "status",
        "coord",
    }
)
_HANDLE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{2,30})")
_NUMBER = re.compile(r"^[-+]?[0-9.,:/ ]+$")


@dataclass(frozen=True)
class BrandHint:
    """Why the file has no brand, and what could name it: a column, or else @handles."""

    column: str | None  # a column that looks like it names the brands
    values: tuple[str, ...]  # that column's most frequent values
    handles: tuple[tuple[str, float], ...]  # (@handle, share of posts), most mentioned first
    rows: int  # rows looked at

    def summary(self) -> str:
        """One sentence: no brand is mapped, and the best suggestion."""
        if self.column is not None:
            shown = (
                f"{len(self.values)} values, e.g. {', '.join(self.values[:3])}"
                if len(self.values) > 1
                else f"{self.values[0]} in every row"
            )
            return (
                f"No column is mapped to brand, so no post would name a brand; column "
                f"'{self.column}' looks like it names them ({shown})."
            )
        if self.handles:
            first, share = self.handles[0]
            others = "".join(f", {h} in {s:.0%}" for h, s in self.handles[1:])
            return (
                f"No column is mapped to brand, so no post would name a brand; "
                f"{first} appears in {share:.0%} of posts{others}."
            )
        return "No column is mapped to brand and no brand is given, so no post would name a brand."

    def fix(self) -> str:
        """The CLI's fix for :meth:`summary`."""
        if self.column is not None:
            return (
                f"map it with --map brand={self.column}, or give --brand NAME for a one-brand file."
            )
        return (
            "give --brand NAME (one brand per file), or map a brand column with --map brand=COLUMN."
        )


def _words(header: str) -> set[str]:
    return set(normalise_header(header).split("_"))


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _column_score(
    column: str, cells: Sequence[Any], texts: Sequence[str]
) -> tuple[float, tuple[str, ...]] | None:
    """(score, values by frequency) of a column that could name brands, or None."""
    words = _words(column)
    if words & OTHER_WORDS:  # "airline_sentiment" holds sentiments, not airlines
        return None
    values = [str(cell).strip() for cell in cells if cell is not None and str(cell).strip()]
    if not values or len(values) < MIN_FILLED * len(cells):
        return None
    counts = Counter(values)
    named = bool(words & BRANDISH_WORDS)
    # Few distinct short values, each repeated (on average at least twice), not numbers; a
    # column named like one ("brand": "Amazon" in every row) may hold a single brand.
    fewest = 1 if named else 2
    if not fewest <= len(counts) <= MAX_DISTINCT or len(values) < 2 * len(counts):
        return None
    if any(len(v) > MAX_VALUE_CHARS or _NUMBER.match(v) for v in counts):
        return None
    compact = [_compact(str(cell)) if cell is not None else "" for cell in cells]
    mentioned = sum(
        1 for value, text in zip(compact, texts, strict=True) if value and value in _compact(text)
    ) / len(cells)
    if mentioned < MIN_MENTIONED and not named:
        return None
    ordered = tuple(value for value, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return mentioned + (1.0 if named else 0.0), ordered


def top_handles(texts: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """The @handles mentioned in at least :data:`MIN_HANDLE_SHARE` of ``texts``, with their share."""
    if not texts:
        return ()
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({handle.lower() for handle in _HANDLE.findall(text)})
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:HANDLES_NAMED]
    return tuple(
        (f"@{handle}", count / len(texts))
        for handle, count in ranked
        if count / len(texts) >= MIN_HANDLE_SHARE
    )


def brand_hint(
    rows: Sequence[Mapping[str, Any]], mapped: Mapping[str, str], *, brand: str | None = None
) -> BrandHint | None:
    """None when a brand column is mapped or a brand is given; else where the brands might be.

    ``rows`` are sample rows (column -> cell) as read, ``mapped`` field -> column.
    """
    if mapped.get("brand") or (brand and brand.strip()):
        return None
    text_column = mapped.get("text")
    texts = [str(row.get(text_column) or "") for row in rows] if text_column else []
    taken = set(mapped.values())
    columns = [c for c in (rows[0].keys() if rows else ()) if c not in taken]
    best: tuple[float, str, tuple[str, ...]] | None = None
    for column in columns:
        cells = [row.get(column) for row in rows]
        found = _column_score(column, cells, texts or [""] * len(cells))
        if found and (best is None or found[0] > best[0]):
            best = (found[0], column, found[1])
    if best is not None:
        return BrandHint(best[1], best[2], (), len(rows))
    return BrandHint(None, (), top_handles(texts), len(rows))
