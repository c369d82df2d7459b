"""Keep the user's work on the posts a re-map brings back.

A re-map (``brandpulse data remap``, the Data page's "re-map and re-ingest") undoes a run
and ingests its file again in one write. A document's id comes from its source and external
id (or its text and time), not from the mapped brand or product, so most posts come back
with the same ids. Undoing removes everything derived from them; this module copies the
user's work first and puts it back for the ids that return, in the same transaction:

* human labels (corrections, random-sample labels, imports from other files) and tags,
  and which labels trained which model (so a model is still never evaluated on them);
* sentiment scores and topic assignments only where the post's text is unchanged (a
  re-map can point ``text`` at another column), so the file need not be scored again.

The labels this run's own file imported are not kept: the re-ingest imports them again
from the label column the new mapping names. Plain undo keeps nothing.
"""

from __future__ import annotations

import duckdb

from loaders.store.sql import (
    KEEP_BY_DOC,
    KEEP_LABELS,
    KEEP_RUN_DOCS,
    KEEP_TOPICS,
    KEPT_TABLES,
    LOST_TOPIC_DOCS,
    NOT_BACK,
    RESTORE,
    RESTORE_REPRESENTATIVES,
    RESTORE_TOPIC_SIZES,
    RUN_FILE_NAME,
)


def save(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """Copy what the user did with run ``run_id``'s documents into temp tables (before the
    undo, inside the caller's transaction)."""
    found = con.execute(RUN_FILE_NAME, [run_id]).fetchall()  # none: the undo says so
    file_name = found[0][0] if found else ""
    con.execute(KEEP_RUN_DOCS, [run_id])
    # The note label_import.insert_labels gives this file's imported labels.
    con.execute(KEEP_LABELS, [f"imported from {file_name}, column "])
    for statement in KEEP_BY_DOC.values():
        con.execute(statement)
    con.execute(KEEP_TOPICS)


def restore(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], int]:
    """Put back the saved rows whose documents are stored again (after the new documents are
    inserted, before the file's own labels are imported, so a correction stays the newest
    label); drop the temp tables. Returns rows put back per table and how many of the saved
    documents did not come back."""
    kept = {table: int(con.execute(sql).fetchall()[0][0]) for table, sql in RESTORE.items()}
    con.execute(RESTORE_TOPIC_SIZES)
    lost = [doc_id for (doc_id,) in con.execute(LOST_TOPIC_DOCS).fetchall()]
    con.execute(RESTORE_REPRESENTATIVES, [lost])
    not_back = int(con.execute(NOT_BACK).fetchall()[0][0])
    for table in KEPT_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 - constant names
    return kept, not_back
