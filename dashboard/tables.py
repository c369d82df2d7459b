"""How tables read: one header and one format per kind of column for every page, and a dash
in empty cells (st.dataframe would draw the word "None"). ``ui.data_table`` shows them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

MISSING = "–"  # what an empty cell reads (st.dataframe would draw "None")
# Known columns: the header a marketer reads, and how the values read. One place for every page:
# "percent" a share (0.0177 -> 1.8%), "signed" a net score or change (+0.12), "p" a p value,
# "count" whole numbers with thousands separators, "number" two decimals, "text" as it is.
COLUMNS: dict[str, tuple[str, str]] = {
    "share_negative": ("% negative", "percent"),
    "share negative": ("% negative", "percent"),
    "% negative": ("% negative", "percent"),
    "share_positive": ("% positive", "percent"),
    "share positive": ("% positive", "percent"),
    "% positive": ("% positive", "percent"),
    "share_neutral": ("% neutral", "percent"),
    "share_of_voice": ("share of voice", "percent"),
    "share of voice": ("share of voice", "percent"),
    "share": ("share", "percent"),
    "net_sentiment": ("net sentiment", "signed"),
    "net sentiment": ("net sentiment", "signed"),
    "net": ("net sentiment", "signed"),
    "uplift": ("uplift", "signed"),
    "raw uplift": ("raw uplift", "signed"),
    "effect": ("effect", "signed"),
    "change": ("change", "signed"),
    "p value": ("p value", "p"),
    "p_value": ("p value", "p"),
    "score": ("score", "number"),
    "accuracy": ("accuracy", "p"),
    "macro recall": ("macro recall", "p"),
    "documents": ("posts", "count"),
    "posts": ("posts", "count"),
    "budget": ("budget", "count"),
    "average_rating": ("average rating", "number"),
    "created_at": ("created", "datetime"),
    "doc_id": ("post id", "text"),
}
# Name prefixes of column families (the Campaigns table's windows and intervals).
COLUMN_PREFIXES: tuple[tuple[str, str], ...] = (
    ("share of voice", "percent"),
    ("share_", "percent"),
    ("% ", "percent"),
    ("brand net", "signed"),
    ("posts net", "signed"),
    ("effect ", "signed"),
    ("raw low", "signed"),
    ("raw high", "signed"),
)
# The same format as Streamlit's printf (numbers kept sortable) and as text (a column with
# empty cells, which Streamlit would draw as "None", becomes text with MISSING in them).
_FORMATS = {
    "percent": ("%.1f%%", "{:.1f}%"),  # the values are multiplied by 100 first
    "signed": ("%+.2f", "{:+.2f}"),
    "p": ("%.3f", "{:.3f}"),
    "count": ("localized", "{:,.0f}"),
    "number": ("%.2f", "{:.2f}"),
}


def percent_bar(label: str) -> Any:
    """A share drawn as a bar, read in the tables' one percent format (for ``column_config``)."""
    return st.column_config.ProgressColumn(label, format="%.1f%%", min_value=0, max_value=100)


def column_format(name: Any, values: pd.Series, known: bool = True) -> tuple[str, str]:
    """The header and kind of a column: known names, then name families, then its type
    (only its type, the header as it is, when ``known`` is False: a SQL result's columns)."""
    header = str(name)
    if known:
        if name in COLUMNS:
            return COLUMNS[name]
        header = header.replace("_", " ")
        for prefix, kind in COLUMN_PREFIXES:
            if str(name).startswith(prefix):
                return header, kind
    if pd.api.types.is_bool_dtype(values):
        return header, "bool"
    if pd.api.types.is_integer_dtype(values):
        return header, "count"
    if pd.api.types.is_float_dtype(values):
        return header, "number"
    if pd.api.types.is_datetime64_any_dtype(values):
        return header, "datetime"
    return header, "text"


def _is_list_column(values: pd.Series) -> bool:
    return values.map(lambda v: isinstance(v, list | tuple)).any()


def _shown_column(values: pd.Series, header: str, kind: str) -> tuple[pd.Series, Any]:
    """A column's values as the table shows them, and its column config."""
    empty = values.isna()
    if kind in _FORMATS and pd.api.types.is_numeric_dtype(values):
        numbers = values * 100 if kind == "percent" else values
        printf, text = _FORMATS[kind]
        if kind == "signed" and pd.api.types.is_integer_dtype(values):
            printf, text = "%+d", "{:+,.0f}"  # a change in posts: whole numbers
        if not empty.any():
            return numbers, st.column_config.NumberColumn(header, format=printf)
        shown = numbers.map(lambda v: MISSING if pd.isna(v) else text.format(v))
        return shown, st.column_config.TextColumn(header, alignment="right")
    if kind == "datetime" and pd.api.types.is_datetime64_any_dtype(values):
        if not empty.any():
            return values, st.column_config.DatetimeColumn(header, format="YYYY-MM-DD HH:mm")
        shown = values.map(lambda v: MISSING if pd.isna(v) else f"{v:%Y-%m-%d %H:%M}")
        return shown, st.column_config.TextColumn(header)
    if _is_list_column(values):
        shown = values.map(lambda v: v if isinstance(v, list | tuple) else [])
        return shown, st.column_config.ListColumn(header)
    if values.dtype == object or empty.any():
        shown = values.map(lambda v: MISSING if v is None or pd.isna(v) else v)
        return shown.astype(object), st.column_config.Column(header)
    return values, st.column_config.Column(header)


def table_view(
    frame: pd.DataFrame, column_config: dict[str, Any] | None = None, known: bool = True
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """What ``data_table`` shows: human headers, one format per kind of column (COLUMNS),
    MISSING in empty cells. A page's own ``column_config`` entry wins for its column (a
    sparkline, a progress bar, a hidden column); its empty text cells still read MISSING."""
    given = column_config or {}
    shown = pd.DataFrame(index=frame.index)
    config: dict[str, Any] = {}
    for name in frame.columns:
        values = frame[name]
        header, kind = column_format(name, values, known)
        if name in given:
            config[name] = given[name]
            custom = given[name] if isinstance(given[name], dict) else {}
            shape = custom.get("type_config", {}).get("type")
            if shape == "progress" and kind == "percent":  # percent_bar's scale: 0 to 100
                values = values * 100
            plain_text = shape in (None, "text")
            textual = values.dtype == object or pd.api.types.is_string_dtype(values)
            if plain_text and textual and not _is_list_column(values):
                values = values.map(lambda v: MISSING if v is None or pd.isna(v) else v)
            shown[name] = values
            continue
        shown[name], config[name] = _shown_column(values, header, kind)
    return shown, config
