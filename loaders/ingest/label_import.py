"""Import the human labels of a mapped ``label`` column along with the documents.

The column's distinct values are read in the staging connection (a label column has a
handful), each is given our label (:func:`loaders.ingest.human_labels.read_label_values`),
and the write inserts one ``import`` label per kept document in the same transaction as
the documents. Values that are not understood leave the row unlabelled, never rejected:
the post itself is fine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from loaders.ingest.human_labels import MAX_DISTINCT_VALUES, ambiguous_codes, read_label_values
from loaders.ingest.mapping import ColumnMapping
from loaders.ingest.sql import STAGED_LABEL_VALUES, insert_imported_labels


@dataclass
class LabelColumn:
    """What the mapped label column holds: raw value -> our label, and what it could not read."""

    column: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def read_label_column(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> LabelColumn:
    """The labels of the staged rows' mapped ``label`` column (empty when none is mapped)."""
    column = mapping.columns.get("label")
    if column is None:
        return LabelColumn()
    counts = con.execute(STAGED_LABEL_VALUES, [MAX_DISTINCT_VALUES + 1]).fetchall()
    if len(counts) > MAX_DISTINCT_VALUES:
        return LabelColumn(
            column,
            warnings=[
                f"Column '{column}' mapped as label has more than {MAX_DISTINCT_VALUES} different values; "
                "expected a few (negative/neutral/positive, 0/1/2 or 1-5 stars). "
                "No labels were imported. Fix: map the column that holds the human label."
            ],
        )
    raw = [value for value, _ in counts]
    values = read_label_values(raw, stars=column == mapping.columns.get("rating"))
    if not values and ambiguous_codes(raw):
        return LabelColumn(
            column,
            warnings=[
                f"Label column '{column}' holds only the numbers {', '.join(sorted(raw))}, which fit "
                "more than one coding (0/1/2, -1/0/1 or 1-5 stars); no labels were imported. Fix: "
                "write the labels as negative/neutral/positive, or for star ratings map the column "
                "as both label and rating."
            ],
        )
    unread = [(value, n) for value, n in counts if value not in values]
    warnings = []
    if unread:
        shown = ", ".join(f"'{value[:20]}' ({n:,})" for value, n in unread[:5])
        warnings.append(
            f"{sum(n for _, n in unread):,} rows of label column '{column}' have a value that is "
            f"not a sentiment label: {shown}. Those rows are kept without a human label. "
            "Expected negative/neutral/positive, 0/1, 0/1/2, -1/0/1 or 1-5 stars."
        )
    if counts and not values:
        warnings.append(f"No value of column '{column}' is a sentiment label; no labels imported.")
    return LabelColumn(column, values, warnings)


def insert_labels(con: duckdb.DuckDBPyConnection, labels: LabelColumn, file_label: str) -> int:
    """Insert the import labels of the kept staged rows (inside the write's transaction)."""
    if not labels.values:
        return 0
    pairs = [item for pair in labels.values.items() for item in pair]
    note = f"imported from {file_label}, column '{labels.column}'"
    return int(
        con.execute(insert_imported_labels(len(labels.values)), [note, *pairs]).fetchall()[0][0]
    )
