"""Remove documents loaded by mistake (`brandpulse db delete`), with everything derived
from them, in one transaction.

Documents are chosen by ingest run, by document id, by date range (UTC days, either end
open, so placeholder dates such as 9999-12-31 or infinity can be reached) or by being
dated after now; criteria given together must all hold. Their sentiment scores, human
labels, topic assignments, read-model rows and campaign links go with them; deleting a
whole run also removes its quarantined rows. The ingest runs keep their counts (what was
read then); ``deletions`` and ``deleted_documents`` record what was removed since, so a
run's ``rows_inserted`` minus its deleted documents equals its documents still stored.

Undoing an ingest run (:func:`undo_run`, ``brandpulse data undo``) is such a whole-run
deletion that also records the run in ``undone_runs``: the history shows it undone (and,
after a re-map, which run replaced it) instead of losing it. Undo removes human labels
too; a re-map keeps them, and more, for the posts that come back (:mod:`.carry_over`).

Not removed: the embeddings cache (vectors keyed by a hash of the cleaned text, reused
for identical texts; no text), and example posts quoted in saved suggestions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb

from loaders.dates import utc_now
from loaders.errors import BrandpulseError, explain
from loaders.store.facts import refresh_if_stale
from loaders.store.primitives import transaction

# Tables keyed by doc_id that hold what was derived from a document, in deletion order.
DERIVED_TABLES = ("sentiment", "labels", "doc_topics", "campaign_documents", "doc_facts")


@dataclass(frozen=True)
class Selection:
    """Which documents to delete: every given criterion must hold."""

    run: int | None = None
    ids: tuple[str, ...] = ()
    start: date | None = None  # first UTC day included
    end: date | None = None  # last UTC day included
    after_now: bool = False  # dated after the moment of deletion

    def describe(self) -> str:
        parts = [f"run {self.run}"] if self.run is not None else []
        if self.ids:
            parts.append(f"{len(self.ids)} document id{'s' * (len(self.ids) != 1)}")
        if self.start:
            parts.append(f"from {self.start.isoformat()}")
        if self.end:
            parts.append(f"to {self.end.isoformat()}")
        if self.after_now:
            parts.append("dated after now")
        return "; ".join(parts)

    def where(self, now: datetime) -> tuple[str, list[Any]]:
        """A WHERE condition over ``documents`` and its ``?`` values."""
        if not self.describe():
            raise BrandpulseError(
                explain(
                    "Nothing says which documents to delete",
                    expected="--run, --ids, --ids-file, --from, --to or --after-now",
                    fix="name the documents; `--dry-run` shows how many match first.",
                )
            )
        if self.start and self.end and self.end < self.start:
            raise BrandpulseError(
                explain(
                    "The date range ends before it starts",
                    found=f"{self.start} to {self.end}",
                    fix="give a --to on or after --from.",
                )
            )
        # Fixed fragments; every value is a parameter. ::DATE is the UTC day (the store's
        # session time zone) and keeps +-infinity reachable by open ranges.
        conditions, params = [], []
        if self.run is not None:
            conditions.append("ingest_run_id = ?")
            params.append(self.run)
        if self.ids:
            conditions.append("doc_id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(self.ids))
        if self.start:
            conditions.append("created_at::DATE >= ?::DATE")
            params.append(self.start)
        if self.end:
            conditions.append("created_at::DATE <= ?::DATE")
            params.append(self.end)
        if self.after_now:
            conditions.append("created_at > ?::TIMESTAMPTZ")
            params.append(now)
        return " AND ".join(conditions), params

    @property
    def whole_run(self) -> bool:
        return self.run is not None and self.describe() == f"run {self.run}"


@dataclass
class Deletion:
    """What a deletion removed (or, dry, would remove)."""

    criteria: str
    documents: int
    by_run: dict[int, int]  # ingest run -> its documents removed
    rejected_rows: int  # quarantined rows removed with a whole run
    derived: dict[str, int] = field(default_factory=dict)  # table -> rows removed
    dry_run: bool = True
    deletion_id: int | None = None


def _count_plan(con: duckdb.DuckDBPyConnection, selection: Selection) -> Deletion:
    by_run = dict(
        con.execute("SELECT ingest_run_id, count(*) FROM doomed GROUP BY ALL ORDER BY 1").fetchall()
    )
    derived = {
        table: con.execute(
            f"SELECT count(*) FROM {table} WHERE doc_id IN (SELECT doc_id FROM doomed)"  # noqa: S608 - constant table names
        ).fetchall()[0][0]
        for table in DERIVED_TABLES
    }
    rejected = 0
    if selection.whole_run:
        rejected = con.execute(
            "SELECT count(*) FROM rejected_rows WHERE run_id = ?", [selection.run]
        ).fetchall()[0][0]
    return Deletion(
        selection.describe(), sum(by_run.values()), by_run, rejected, derived, dry_run=True
    )


def _remove(
    con: duckdb.DuckDBPyConnection, selection: Selection, plan: Deletion, *, refresh: bool = True
) -> int:
    for table in DERIVED_TABLES:
        con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM doomed)")  # noqa: S608 - constant table names
    # Which labels a model learnt from: bookkeeping of the model, not a figure of the data.
    con.execute("DELETE FROM model_training_docs WHERE doc_id IN (SELECT doc_id FROM doomed)")
    # A tag says something about a post; with the post gone it would filter to nothing.
    con.execute("DELETE FROM doc_tags WHERE doc_id IN (SELECT doc_id FROM doomed)")
    ids = [doc_id for (doc_id,) in con.execute("SELECT doc_id FROM doomed").fetchall()]
    # Topic sizes are kept current; representative documents must not name removed ones.
    con.execute(
        "UPDATE topics SET size = (SELECT count(*) FROM doc_topics d "
        "WHERE d.run_id = topics.run_id AND d.topic = topics.topic), "
        "representative_docs = list_filter(representative_docs, lambda x: NOT list_contains(?, x))",
        [ids],
    )
    con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM doomed)")
    if plan.rejected_rows:
        con.execute("DELETE FROM rejected_rows WHERE run_id = ?", [selection.run])
    deletion_id = con.execute(
        "INSERT INTO deletions (deleted_at, criteria, documents, derived) "
        "VALUES (now(), ?, ?, ?) RETURNING deletion_id",
        [plan.criteria, plan.documents, json.dumps(plan.derived)],
    ).fetchall()[0][0]
    rejected_by_run = {selection.run: plan.rejected_rows} if plan.rejected_rows else {}
    for run_id in sorted(set(plan.by_run) | set(rejected_by_run)):
        con.execute(
            "INSERT INTO deleted_documents VALUES (?, ?, ?, ?)",
            [deletion_id, run_id, plan.by_run.get(run_id, 0), rejected_by_run.get(run_id, 0)],
        )
    if refresh:  # an ingest that replaces the run refreshes once, after its own insert
        refresh_if_stale(con, own_transaction=False)  # the read model and campaign links
    return deletion_id


def delete_documents(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    *,
    dry_run: bool = True,
    now: datetime | None = None,
) -> Deletion:
    """Delete the selected documents and what was derived from them, in one transaction
    (``dry_run``: count only, change nothing). Returns the counts."""
    condition, params = selection.where(utc_now(now))
    with transaction(con, commit=not dry_run):
        con.execute(
            f"CREATE TEMP TABLE doomed AS SELECT doc_id, ingest_run_id FROM documents WHERE {condition}",  # noqa: S608 - fixed fragments, values are parameters
            params,
        )
        plan = _count_plan(con, selection)
        if not dry_run and (plan.documents or plan.rejected_rows):
            plan.deletion_id = _remove(con, selection, plan)
            plan.dry_run = False
        con.execute("DROP TABLE doomed")
    return plan


@dataclass
class Undo:
    """An ingest run undone (or, dry, what undoing it would remove)."""

    run: int
    deletion: Deletion
    # Later runs that counted duplicates: they may have shared posts with this run, which
    # were stored once, under this run, and go with it (ingest records no overlap per run).
    # Empty after a re-map that brought every one of the run's posts back.
    later_duplicates: list[int] = field(default_factory=list)
    # A re-map: rows of the user's work put back per table (loaders.store.carry_over).
    kept: dict[str, int] = field(default_factory=dict)


def _check_undoable(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    found = con.execute(
        "SELECT r.run_id, u.undone_at, u.replaced_by FROM ingest_runs r "
        "LEFT JOIN undone_runs u USING (run_id) WHERE r.run_id = ?",
        [run_id],
    ).fetchall()
    if not found:
        last = con.execute("SELECT max(run_id) FROM ingest_runs").fetchall()[0][0]
        raise BrandpulseError(
            explain(
                f"There is no ingest run {run_id}",
                expected=f"a run from 1 to {last}" if last else "an ingest run",
                found="no such run" if last else "no ingest runs in this database",
                fix="`brandpulse db info` lists the runs.",
            )
        )
    _, undone_at, replaced_by = found[0]
    if undone_at is not None:
        replaced = f" and replaced by run {replaced_by}" if replaced_by else ""
        raise BrandpulseError(
            explain(
                f"Ingest run {run_id} is already undone",
                found=f"undone at {undone_at:%Y-%m-%d %H:%M} UTC{replaced}",
                fix="ingest its file again with `brandpulse ingest FILE` to bring it back.",
            )
        )


# Runs that counted duplicates after this run's rows were first stored: after the run it
# re-mapped (and the one that one re-mapped...), whose posts it holds now. Ingest records no
# per-run overlap, so these may have shared posts with it; not that they did.
LATER_DUPLICATES = """
WITH RECURSIVE chain(run_id) AS (
    SELECT ?::INTEGER
    UNION ALL
    SELECT u.run_id FROM undone_runs u JOIN chain c ON u.replaced_by = c.run_id
)
SELECT run_id FROM ingest_runs
WHERE run_id > (SELECT min(run_id) FROM chain) AND run_id <> ? AND rows_duplicate > 0
  AND run_id NOT IN (SELECT run_id FROM undone_runs)
ORDER BY run_id
"""


def undo_in_transaction(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    *,
    dry_run: bool = False,
    replaced_by: int | None = None,
    refresh: bool = True,
) -> Undo:
    """Undo ``run_id`` inside the caller's transaction (an ingest that replaces the run
    does this in its own write, so the swap lands whole or not at all)."""
    _check_undoable(con, run_id)
    selection = Selection(run=run_id)
    condition, params = selection.where(utc_now())
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE doomed AS SELECT doc_id, ingest_run_id FROM documents WHERE {condition}",  # noqa: S608 - fixed fragments, values are parameters
        params,
    )
    plan = _count_plan(con, selection)
    plan.criteria = f"undo run {run_id}" + (
        f", re-mapped as run {replaced_by}" if replaced_by else ""
    )
    later = [r for (r,) in con.execute(LATER_DUPLICATES, [run_id, run_id]).fetchall()]
    if not dry_run:
        # Recorded even when the run inserted nothing (all duplicates): it is still undone.
        plan.deletion_id = _remove(con, selection, plan, refresh=refresh)
        plan.dry_run = False
        con.execute(
            "INSERT INTO undone_runs VALUES (?, ?, now(), ?)",
            [run_id, plan.deletion_id, replaced_by],
        )
    con.execute("DROP TABLE doomed")
    return Undo(run_id, plan, later)


def undo_run(con: duckdb.DuckDBPyConnection, run_id: int, *, dry_run: bool = False) -> Undo:
    """Undo one ingest run: remove its documents, what was derived from them and its
    quarantined rows, and record the run as undone; one transaction."""
    with transaction(con, commit=not dry_run):
        return undo_in_transaction(con, run_id, dry_run=dry_run)


RUN_HISTORY_COLUMNS = (
    "run",
    "file",
    "preset",
    "read",
    "inserted",
    "duplicates",
    "rejected",
    "stored",
    "status",
    "finished (UTC)",
)
RUN_HISTORY = """
SELECT r.run_id, regexp_extract(r.file, '[^/\\\\]+$') AS file, r.preset, r.rows_read, r.rows_inserted,
       r.rows_duplicate, r.rows_rejected,
       (SELECT count(*) FROM documents d WHERE d.ingest_run_id = r.run_id) AS stored,
       CASE WHEN u.replaced_by IS NOT NULL THEN 'undone, re-mapped as run ' || u.replaced_by
            WHEN u.run_id IS NOT NULL THEN 'undone'
            ELSE '' END AS status,
       r.finished_at
FROM ingest_runs r LEFT JOIN undone_runs u USING (run_id)
ORDER BY r.run_id DESC LIMIT ?
"""


def run_history(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[tuple[Any, ...]]:
    """Recent ingest runs with what each still has stored and whether it was undone, newest first."""
    return con.execute(RUN_HISTORY, [limit]).fetchall()


RUN_BALANCE = """
SELECT r.run_id, r.rows_inserted,
       coalesce((SELECT sum(documents) FROM deleted_documents x WHERE x.run_id = r.run_id), 0)
           AS deleted,
       (SELECT count(*) FROM documents d WHERE d.ingest_run_id = r.run_id) AS stored
FROM ingest_runs r ORDER BY r.run_id
"""


def run_balance(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int, int, int]]:
    """Per ingest run: (run, inserted, deleted since, still stored); inserted - deleted = stored."""
    return con.execute(RUN_BALANCE).fetchall()


DELETION_COLUMNS = ("deletion", "when (UTC)", "criteria", "documents", "quarantined rows")
RECENT_DELETIONS = """
SELECT deletion_id, deleted_at, criteria, documents,
       coalesce((SELECT sum(rejected_rows) FROM deleted_documents x
                 WHERE x.deletion_id = d.deletion_id), 0) AS rejected_rows
FROM deletions d ORDER BY deletion_id DESC LIMIT ?
"""


def recent_deletions(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple[Any, ...]]:
    """(deletion, when, criteria, documents, quarantined rows), newest first."""
    return con.execute(RECENT_DELETIONS, [limit]).fetchall()
