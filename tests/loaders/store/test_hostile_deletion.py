"""`brandpulse db delete` removes what a user loaded by mistake (issue 15, item 2): by run,
by ids, by date range (placeholder dates included), with everything derived from the
documents, in one transaction, and with every ingest run's accounting still holding."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from loaders import store
from loaders.errors import BrandpulseError
from loaders.ingest.files import ingest_file
from loaders.store import deletion
from loaders.store.deletion import Selection, delete_documents, run_balance
from tests.conftest import rows, scalar

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PLACEHOLDERS = ["infinity", "9999-12-31", "200000-01-01", "-infinity", "0001-01-01"]


def write_csv(path: Path, days: list[str], *, rejected: int = 0) -> Path:
    """One review per day, the 'lid' ones attributed to the Lids campaign by keyword, and
    ``rejected`` rows without text that ingest quarantines."""
    lines = ["review_id,date,review,brand"]
    lines += [
        f"{path.stem}-{n},{day}T12:00:00Z,The lid leaks ({n}),Tidewell"
        for n, day in enumerate(days)
    ]
    lines += [f"{path.stem}-empty-{n},2025-10-02T12:00:00Z,,Tidewell" for n in range(rejected)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def loaded(settings, tmp_path) -> dict[str, int]:
    """Run 1: four October reviews. Run 2: three reviews and two quarantined rows. Then
    placeholder-dated rows as an older version stored them, sentiment for every document,
    a label, a topic model, and a campaign linked by keyword."""
    first = ingest_file(
        write_csv(tmp_path / "first.csv", [f"2025-10-0{d}" for d in (1, 2, 3, 4)]),
        settings=settings,
    )
    second = ingest_file(
        write_csv(tmp_path / "second.csv", ["2025-10-05", "2025-10-06", "2025-10-07"], rejected=2),
        settings=settings,
    )
    assert (first.inserted, second.inserted, second.rejected) == (4, 3, 2)
    with store.session(settings=settings) as con:
        for n, value in enumerate(PLACEHOLDERS):
            con.execute(
                "INSERT INTO documents (doc_id, kind, source, brand, created_at, text, text_hash, "
                "ingest_run_id) VALUES (?, 'review', 'csv', 'Tidewell', ?::TIMESTAMPTZ, ?, ?, ?)",
                [f"odd-{n}", value, f"lid placeholder {n}", f"h{n}", first.run_id],
            )
        con.execute("INSERT INTO models VALUES ('m', 'test', 'x', NULL, NULL, NULL, now(), true)")
        con.execute(
            "INSERT INTO sentiment SELECT doc_id, 'm', 'negative', 1, 0, 0, -1, 'en', NULL, now() "
            "FROM documents"
        )
        second_ids = [
            r[0]
            for r in con.execute(
                "SELECT doc_id FROM documents WHERE ingest_run_id = ? ORDER BY doc_id",
                [second.run_id],
            ).fetchall()
        ]
        con.execute(
            "INSERT INTO labels (doc_id, label, labeled_at, note) VALUES (?, 'neutral', now(), 'checked')",
            [second_ids[0]],
        )
        con.execute(
            "INSERT INTO topic_runs VALUES (1, now(), now(), 12, 12, 1, 0.0, 'tiny', '{}', 1)"
        )
        con.execute(
            "INSERT INTO topics VALUES (1, 0, 'lid leaks', ['lid'], 12, NULL, NULL, [1.0], ?, 0, 0.5)",
            [second_ids[:2] + ["odd-0"]],
        )
        con.execute("INSERT INTO doc_topics SELECT doc_id, 1, 0, 0.9 FROM documents")
        con.execute(
            "INSERT INTO campaigns (name, brand, start_date, end_date, keywords) VALUES "
            "('Lids', 'Tidewell', DATE '2025-10-01', DATE '2025-10-31', ['lid'])"
        )
        from loaders.store.facts import refresh_if_stale

        refresh_if_stale(con)
        assert (
            con.execute("SELECT count(*) FROM campaign_documents").fetchall()[0][0] == 7
        )  # October only
    return {"first": first.run_id, "second": second.run_id}


def counts(db: Path) -> dict[str, int]:
    tables = (
        "documents",
        "sentiment",
        "labels",
        "doc_topics",
        "doc_facts",
        "campaign_documents",
        "rejected_rows",
        "ingest_runs",
    )
    return {t: scalar(db, f"SELECT count(*) FROM {t}") for t in tables}  # noqa: S608 - constants


def test_a_dry_run_counts_and_changes_nothing(settings, loaded):
    before = counts(settings.db)
    invoked = CliRunner().invoke(
        cli, ["db", "delete", "--run", str(loaded["second"]), "--dry-run", "--db", str(settings.db)]
    )
    assert invoked.exit_code == 0, invoked.output
    assert invoked.output == (
        f"Would delete 3 documents (run {loaded['second']}: 3) matching run {loaded['second']}; "
        "derived rows: sentiment 3, labels 1, doc_topics 3, campaign_documents 3, doc_facts 3; "
        "and the run's 2 quarantined rows\n"
    )
    assert counts(settings.db) == before
    assert scalar(settings.db, "SELECT count(*) FROM deletions") == 0


def test_deleting_a_run_removes_everything_derived_and_keeps_the_accounting(settings, loaded):
    run = loaded["second"]
    invoked = CliRunner().invoke(
        cli, ["db", "delete", "--run", str(run), "--yes", "--db", str(settings.db)]
    )
    assert invoked.exit_code == 0, invoked.output
    assert invoked.output.startswith(f"Deleted 3 documents (run {run}: 3) matching run {run};")
    assert "(deletion #1, listed by `db info`)." in invoked.output
    assert counts(settings.db) == {
        "documents": 9,
        "sentiment": 9,
        "labels": 0,
        "doc_topics": 9,
        "doc_facts": 9,
        "campaign_documents": 4,
        "rejected_rows": 0,
        "ingest_runs": 2,
    }
    # Topic sizes follow; representative documents no longer name deleted ones.
    assert rows(settings.db, "SELECT size, representative_docs FROM topics") == [(9, ["odd-0"])]
    # Every run still reads = inserted + duplicates + rejected (the CHECK), and
    # inserted - deleted = stored.
    assert run_balance_of(settings) == [(loaded["first"], 4, 0, 9), (run, 3, 3, 0)]
    info = CliRunner().invoke(cli, ["db", "info", "--db", str(settings.db)])
    assert "Deletions (`brandpulse db delete`):" in info.output
    assert f"run {run} " in info.output.split("Deletions")[1]


def run_balance_of(settings) -> list[tuple[int, int, int, int]]:
    with store.session(settings=settings, read_only=True) as con:
        return run_balance(con)


def test_placeholder_dates_are_reached_by_open_date_ranges(settings, loaded):
    with store.session(settings=settings) as con:
        future = delete_documents(con, Selection(start=date(2100, 1, 1)), dry_run=False, now=NOW)
        assert (future.documents, future.by_run) == (3, {loaded["first"]: 3})  # inf, 9999, 200000
        past = delete_documents(con, Selection(end=date(1999, 12, 31)), dry_run=False, now=NOW)
        assert past.documents == 2  # -infinity and year 1
        assert con.execute("SELECT count(*) FROM documents").fetchall()[0][0] == 7
    with store.session(settings=settings, read_only=True) as con:
        from loaders.store.info import store_info

        info = store_info(con)
    assert (info.outside_window, info.after_now, info.documents) == (0, 0, 7)
    assert run_balance_of(settings) == [(loaded["first"], 4, 5, 4), (loaded["second"], 3, 0, 3)]


def doc_id(settings, external_id: str) -> str:
    return scalar(settings.db, "SELECT doc_id FROM documents WHERE external_id = ?", [external_id])


def test_after_now_ids_and_ids_file_combine(settings, loaded, tmp_path):
    first = [doc_id(settings, f"first-{n}") for n in range(4)]
    with store.session(settings=settings) as con:
        dry = delete_documents(con, Selection(after_now=True), now=NOW)
        assert dry.documents == 3 and dry.dry_run
        both = delete_documents(
            con, Selection(ids=("odd-0", first[3]), after_now=True), dry_run=False, now=NOW
        )
        assert both.documents == 1  # first-3 is dated 2025: every criterion must hold
    ids_file = tmp_path / "ids.txt"
    ids_file.write_text(f"{first[0]}\n\n {first[1]} \nnot-there\n")
    invoked = CliRunner().invoke(
        cli,
        [
            "db",
            "delete",
            "--ids",
            f"{first[2]},{first[0]}",
            "--ids-file",
            str(ids_file),
            "--yes",
            "--db",
            str(settings.db),
        ],
    )
    assert invoked.exit_code == 0, invoked.output
    assert invoked.output.startswith("Deleted 3 documents")
    assert "matching 4 document ids" in invoked.output  # first-0 named twice: once
    assert rows(
        settings.db, "SELECT external_id FROM documents WHERE external_id LIKE 'first-%'"
    ) == [("first-3",)]


def test_careful_refusals(settings, loaded):
    before = counts(settings.db)
    nothing = CliRunner().invoke(cli, ["db", "delete", "--db", str(settings.db)])
    assert nothing.exit_code == 1
    assert nothing.output == (
        "Error: Nothing says which documents to delete. Expected --run, --ids, --ids-file, "
        "--from, --to or --after-now. Fix: name the documents; `--dry-run` shows how many "
        "match first.\n"
    )
    backwards = CliRunner().invoke(
        cli,
        ["db", "delete", "--from", "2025-10-05", "--to", "2025-10-01", "--db", str(settings.db)],
    )
    assert backwards.exit_code == 1 and "The date range ends before it starts" in backwards.output
    declined = CliRunner().invoke(
        cli, ["db", "delete", "--run", str(loaded["first"]), "--db", str(settings.db)], input="n\n"
    )
    assert declined.exit_code == 1 and "Delete them? [y/N]: n\nAborted!" in declined.output
    assert counts(settings.db) == before


def test_a_failure_midway_leaves_everything_as_it_was(settings, loaded, monkeypatch):
    before = counts(settings.db)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(deletion, "refresh_if_stale", broken)  # the last step
    with store.session(settings=settings) as con, pytest.raises(RuntimeError):
        delete_documents(con, Selection(run=loaded["second"]), dry_run=False, now=NOW)
    assert counts(settings.db) == before
    assert scalar(settings.db, "SELECT count(*) FROM deletions") == 0
    with (
        pytest.raises(BrandpulseError, match="Nothing says"),
        store.session(settings=settings) as con,
    ):
        delete_documents(con, Selection(), now=NOW)
