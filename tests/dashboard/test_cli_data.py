"""`brandpulse data preview | runs | undo | remap` (issue #21) on the airline-tweets export."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import cli
from loaders import store
from tests.conftest import rows, scalar
from tests.loaders.ingest.airline_fixture import airline_rows, write_airline_csv


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _no_known_brand_column(path: Path) -> Path:
    renamed = [
        {("carrier_name" if k == "airline" else k): v for k, v in r.items()} for r in airline_rows()
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(renamed[0]))
        writer.writeheader()
        writer.writerows(renamed)
    return path


def test_preview_shows_the_mapping_and_one_line_about_the_brand(tmp_path: Path):
    shown = run("data", "preview", str(write_airline_csv(tmp_path / "Tweets.csv")))
    assert shown.exit_code == 0, shown.output
    assert "Tweets.csv: csv, 15 columns, preset twitter" in shown.output
    assert ["brand", "airline"] in [line.split() for line in shown.output.splitlines()]
    assert "note:" not in shown.output

    hinted = run("data", "preview", str(_no_known_brand_column(tmp_path / "t.csv")))
    notes = [line for line in hinted.output.splitlines() if line.startswith("note:")]
    assert notes == [
        "note: No column is mapped to brand, so no post would name a brand; column 'carrier_name' "
        "looks like it names them (5 values, e.g. Delta, United, Southwest). Fix: map it with "
        "--map brand=carrier_name, or give --brand NAME for a one-brand file."
    ]


def test_ingest_prints_the_brand_note(tmp_path: Path, db: Path):
    done = run("ingest", str(_no_known_brand_column(tmp_path / "t.csv")), "--db", str(db))
    assert done.exit_code == 0, done.output
    assert "note: t.csv: No column is mapped to brand" in done.output


def test_undo_then_runs_lists_it_undone(tmp_path: Path, db: Path):
    path = write_airline_csv(tmp_path / "Tweets.csv")
    assert run("ingest", str(path), "--map", "brand=", "--db", str(db)).exit_code == 0
    dry = run("data", "undo", "1", "--dry-run", "--db", str(db))
    assert dry.exit_code == 0, dry.output
    assert dry.output == "Would remove 12 documents of run 1 (and derived rows: doc_facts 12)\n"
    assert scalar(db, "SELECT count(*) FROM documents") == 12

    done = run("data", "undo", "1", "--yes", "--db", str(db))
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Undid run 1: removed 12 documents of run 1")
    assert scalar(db, "SELECT count(*) FROM documents") == 0

    listed = run("data", "runs", "--db", str(db))
    assert listed.output.splitlines()[2].split()[:9] == [
        "1", "Tweets.csv", "twitter", "12", "12", "0", "0", "0", "undone"
    ]  # fmt: skip
    again = run("data", "undo", "1", "--yes", "--db", str(db))
    assert again.exit_code == 1
    assert again.output.startswith("Error: Ingest run 1 is already undone.")


def test_remap_maps_the_brand_and_replaces_the_run(tmp_path: Path, db: Path):
    path = write_airline_csv(tmp_path / "Tweets.csv")
    assert run("ingest", str(path), "--map", "brand=", "--db", str(db)).exit_code == 0
    nothing = run("data", "remap", "1", "--db", str(db))
    assert nothing.exit_code == 2 and "Nothing to change" in nothing.output

    done = run("data", "remap", "1", "--map", "brand=airline", "--db", str(db))
    assert done.exit_code == 0, done.output
    assert "Run 2 replaces run 1: removed 12 documents of run 1" in done.output
    assert rows(db, "SELECT count(DISTINCT brand), count(*) FROM documents") == [(5, 12)]
    assert rows(db, "SELECT run_id, replaced_by FROM undone_runs") == [(1, 2)]


def test_remap_of_a_gone_file_says_where_it_was(tmp_path: Path, db: Path):
    path = write_airline_csv(tmp_path / "Tweets.csv")
    assert run("ingest", str(path), "--map", "brand=", "--db", str(db)).exit_code == 0
    path.unlink()
    failed = run("data", "remap", "1", "--map", "brand=airline", "--db", str(db))
    assert failed.exit_code == 1
    assert failed.output.count("\n") == 1  # one line, no traceback
    assert failed.output.startswith(
        f"Error: The file of ingest run 1 is gone. Expected {path}. Found no file at that path. "
        "Fix: put the file back there"
    )
    assert scalar(db, "SELECT count(*) FROM documents") == 12


def test_undo_notes_later_runs_that_may_have_shared_posts_and_remap_keeps_corrections(
    tmp_path: Path, db: Path
):
    path = write_airline_csv(tmp_path / "Tweets.csv")
    assert run("ingest", str(path), "--map", "brand=", "--db", str(db)).exit_code == 0
    again = tmp_path / "again.csv"
    again.write_text(path.read_text())  # every row a duplicate of run 1
    assert run("ingest", str(again), "--db", str(db)).exit_code == 0
    with store.session(db) as con:
        con.execute(
            "INSERT INTO labels SELECT doc_id, 'positive', now(), 'by hand', 'correction' "
            "FROM documents ORDER BY doc_id LIMIT 2"
        )

    done = run("data", "remap", "1", "--map", "brand=airline", "--db", str(db))
    assert done.exit_code == 0, done.output
    assert "Kept for the posts that came back: labels 2.\n" in done.output
    assert "note:" not in done.output  # every post is back, the ones run 2 shared too
    assert rows(db, "SELECT origin, count(*) FROM labels GROUP BY 1") == [("correction", 2)]

    undone = run("data", "undo", "3", "--yes", "--db", str(db))
    assert undone.exit_code == 0, undone.output
    assert undone.output.splitlines()[-1] == (
        "note: later runs 2 counted duplicates and may have shared posts with run 3; such posts "
        "were stored once, under run 3, and went with it (ingest those files again to restore them)."
    )
    assert scalar(db, "SELECT count(*) FROM labels") == 0
