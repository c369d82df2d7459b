"""Human sentiment labels that come with an export: the vocabulary, and reading a label column.

An export may carry a label per row that a person gave (a ``sentiment`` column, a 0/1/2
``label`` field, or star ratings the user chooses to count as labels). Mapped at ingest
(``--map label=COLUMN``), they are stored as human labels with origin ``import``: they
override the model in every figure and are the evaluation data of every model.

The analysis layer reads the same vocabulary from here, so a label means the same
thing whether it came from a file, the labeling queue or a training set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
LABELS: tuple[str, ...] = (NEGATIVE, NEUTRAL, POSITIVE)

# Where a human label came from: picked by the user (a correction, e.g. from the
# least-certain queue), drawn by the random-sample queue, or imported with the export.
# Only ``random`` and ``import`` labels are a fair sample of the data: the model's
# error rates, and so corrected shares, are estimated from those.
ORIGINS = ("correction", "random", "import")
REPRESENTATIVE_ORIGINS = ("random", "import")

# Names that data sets and models use for the three classes (star-rating models map
# 1-2 stars to negative, 3 to neutral and 4-5 to positive).
ALIASES = {
    NEGATIVE: {"negative", "neg", "bad", "1 star", "2 stars", "very negative", "0"},
    NEUTRAL: {"neutral", "neu", "mixed", "3 stars"},
    POSITIVE: {"positive", "pos", "good", "4 stars", "5 stars", "very positive"},
}
_BY_ALIAS = {alias: label for label, aliases in ALIASES.items() for alias in aliases}

# Conventional integer codings of public sentiment data sets, keyed by the set of values.
NUMERIC_CODINGS = {
    frozenset({"0", "1"}): {"0": NEGATIVE, "1": POSITIVE},
    frozenset({"0", "1", "2"}): {"0": NEGATIVE, "1": NEUTRAL, "2": POSITIVE},
    frozenset({"-1", "0", "1"}): {"-1": NEGATIVE, "0": NEUTRAL, "1": POSITIVE},
}
# A label column with more distinct values than this is not a label column.
MAX_DISTINCT_VALUES = 40


def normalise_label(name: str) -> str | None:
    """Our label for one of a model's or a data set's class names, or None if unknown."""
    key = re.sub(r"[_\-]+", " ", str(name).strip().lower())
    return _BY_ALIAS.get(key)


def star_label(raw: object) -> str | None:
    """1-2 stars negative, 3 neutral, 4-5 positive; None for anything else."""
    try:
        stars = float(str(raw).strip())
    except (TypeError, ValueError):
        return None
    if not 1 <= stars <= 5:
        return None
    return NEGATIVE if stars <= 2 else POSITIVE if stars >= 4 else NEUTRAL


def _integer(value: str) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return str(int(number)) if number.is_integer() else None


def read_label_values(raw_values: Iterable[str], *, stars: bool = False) -> dict[str, str]:
    """Our label for each distinct value of a label column; values not understood are left out.

    Names (negative, Positive, neu, "4 stars" ...) are read as such. An all-numeric column
    is read by its whole set of values, never by a guess from some of them: {0, 1} is
    negative/positive, {0, 1, 2} negative/neutral/positive, -1/0/1 (or -1/1) likewise, and
    values from 1 to 5 that include a 3, 4 or 5 are star ratings (so are any with ``stars``:
    the column is also mapped as the rating). A set that fits more than one coding ({1, 2}
    could be 0/1/2 without 0 or 1-2 stars; a lone value) gives nothing: see
    :func:`ambiguous_codes`.
    """
    values = {str(v).strip() for v in raw_values if v is not None and str(v).strip()}
    if stars:
        return {v: label for v in values if (label := star_label(v))}
    integers = {v: _integer(v) for v in values}
    if not values or not all(integers.values()):
        return {v: label for v in values if (label := normalise_label(v))}
    coding = _numeric_coding(frozenset(str(i) for i in integers.values()))
    if coding == "stars":
        return {v: label for v in values if (label := star_label(v))}
    if coding is None:
        return {}
    return {v: coding[str(integers[v])] for v in values}


def _numeric_coding(codes: frozenset[str]) -> dict[str, str] | str | None:
    """The coding that a full set of integer codes can only mean, or None."""
    if codes == {"0", "1"} or codes == {"0", "1", "2"}:
        return NUMERIC_CODINGS[codes]
    if "-1" in codes and codes <= {"-1", "0", "1"} and len(codes) > 1:
        return NUMERIC_CODINGS[frozenset({"-1", "0", "1"})]
    if codes <= {"1", "2", "3", "4", "5"} and codes & {"3", "4", "5"} and len(codes) > 1:
        return "stars"
    return None


def ambiguous_codes(raw_values: Iterable[str]) -> bool:
    """True when the values are all whole numbers that fit no coding for sure."""
    values = {str(v).strip() for v in raw_values if v is not None and str(v).strip()}
    integers = [_integer(v) for v in values]
    return bool(values) and all(integers) and _numeric_coding(frozenset(map(str, integers))) is None
