"""The weekly run against a hostile inbox and outbox (issue 15, items 9 and 12): one file
that makes the reader fail in any way is that file's failure, links leading out of the
inbox are not read, and links planted in the outbox never redirect a report's write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from analysis.report import files as report_files
from analysis.report.content import weekly_report
from analysis.report.files import save_report
from dashboard.cli import cli
from loaders import store
from loaders.config import Settings
from loaders.errors import ReportError
from loaders.ingest import files as ingest
from loaders.ingest import inbox as inbox_module
from loaders.ingest.inbox import scan_inbox
from tests.analysis.insight.test_hostile_dates import NOW, hostile_database
from tests.analysis.jobs.test_weekly import write_reviews
from tests.conftest import rows, scalar

BAD_NAME = "bad.csv"


def fail_for_bad_file(real_stage_raw):
    """stage_raw as a reader bug would leave it: an unexpected DuckDB error for one file."""

    def stage_raw(con, path, *args, **kwargs):
        if Path(path).name == BAD_NAME:
            raise duckdb.ConversionException("Could not convert string 'NaN' to INT64")
        return real_stage_raw(con, path, *args, **kwargs)

    return stage_raw


@pytest.mark.slow
def test_one_bad_file_is_named_the_good_ones_load_and_the_report_is_written(
    tiny_model, tiny_base, tmp_path, monkeypatch
):
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    inbox, outbox, elsewhere = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    assert write_reviews(inbox / "a.csv", date(2025, 11, 3), 2) == 14
    assert write_reviews(inbox / "b.csv", date(2025, 11, 10), 3) == 21
    write_reviews(inbox / BAD_NAME, date(2025, 11, 10), 1)
    write_reviews(elsewhere / "private.csv", date(2025, 11, 10), 4)
    (inbox / "private.csv").symlink_to(elsewhere / "private.csv")  # leads out: skipped
    (inbox / "again.csv").symlink_to(inbox / "a.csv")  # stays inside: a known copy
    db = tmp_path / "w.duckdb"
    # A database an older version wrote: 40 October reviews and 7 placeholder-dated ones.
    hostile_database(Settings(db=db, lock_timeout_s=30))
    command = ["weekly", "--inbox", str(inbox), "--outbox", str(outbox), "--format", "md"]
    command += ["--db", str(db)]

    monkeypatch.setattr(ingest, "stage_raw", fail_for_bad_file(ingest.stage_raw))
    first = CliRunner().invoke(cli, command)
    assert first.exit_code == 1, first.output
    errors = [line for line in first.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: bad.csv could not be loaded. Found ConversionException: Could not convert "
        "string 'NaN' to INT64. Fix: it stays in the inbox for the next run; fix or remove the "
        "file, or report the error if the file looks fine."
    ]
    assert f"Skipped link leaving the inbox: {inbox / 'private.csv'}" in first.output
    assert "Traceback" not in first.output
    assert scalar(db, "SELECT count(*) FROM documents") == 47 + 14 + 21
    assert rows(db, "SELECT regexp_extract(file, '[^/]+$') FROM ingest_runs ORDER BY 1") == [
        ("a.csv",),
        ("b.csv",),
    ]
    report = outbox / "brandpulse-2025-W46.md"
    assert "Report for 2025-W46 written to" in first.output and report.is_file()
    assert "| Posts | 21 | 14 |" in report.read_text()

    # The next run, with the reader fixed: the bad file was left for it and now loads.
    monkeypatch.undo()
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    second = CliRunner().invoke(cli, command)
    assert second.exit_code == 0, second.output
    assert ": 1 new file, 3 already loaded" in second.output
    assert scalar(db, "SELECT count(*) FROM documents") == 47 + 14 + 21 + 7
    assert "| Posts | 28 | 14 |" in report.read_text()


def test_links_leading_out_of_the_inbox_are_skipped(tmp_path):
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    (inbox / "sub").mkdir(parents=True)
    outside.mkdir()
    (inbox / "real.csv").write_text("date,review\n2025-11-03,ok\n")
    (outside / "secret.csv").write_text("date,review\n2025-11-03,secret\n")
    (inbox / "to-secret.csv").symlink_to(outside / "secret.csv")
    (inbox / "to-real.csv").symlink_to(inbox / "real.csv")
    (inbox / "linked-folder").symlink_to(outside, target_is_directory=True)
    (inbox / "sub" / "up.csv").symlink_to(Path("..") / ".." / "outside" / "secret.csv")
    scan = scan_inbox(inbox)
    assert [p.relative_to(inbox).as_posix() for p in scan.files] == ["real.csv", "to-real.csv"]
    leaving = [p.relative_to(inbox).as_posix() for p in scan.links_leaving]
    assert "to-secret.csv" in leaving and "sub/up.csv" in leaving
    assert not {"real.csv", "to-real.csv"} & set(leaving)


@pytest.fixture
def week_report(settings):
    hostile_database(settings)
    with store.session(settings=settings, read_only=True) as con:
        return weekly_report(con, now=NOW)


def test_planted_links_in_the_outbox_never_redirect_the_write(week_report, tmp_path):
    outbox, victim = tmp_path / "outbox", tmp_path / "victim.txt"
    outbox.mkdir()
    victim.write_text("precious")
    out = outbox / "brandpulse-2025-W42.md"
    # The name older versions wrote to, and the report's own name, both planted as links.
    (outbox / f".{out.name}.partial").symlink_to(victim)
    out.symlink_to(victim)
    assert save_report(week_report, out) == out
    assert victim.read_text() == "precious"
    assert not out.is_symlink() and "2025-W42" in out.read_text()
    assert (outbox / f".{out.name}.partial").is_symlink()  # left alone, not followed
    assert [p.name for p in outbox.iterdir() if p.name.endswith(".partial")] == [
        f".{out.name}.partial"
    ]


def test_a_partial_name_taken_by_a_link_is_refused_in_one_line(week_report, tmp_path, monkeypatch):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "week.md"
    monkeypatch.setattr(report_files.secrets, "token_hex", lambda _: "guessed")
    (tmp_path / ".week.md.guessed.partial").symlink_to(victim)
    with pytest.raises(ReportError) as raised:
        save_report(week_report, out)
    assert str(raised.value) == (
        f"The report could not be written to {out}. Found FileExistsError: File exists. "
        "Fix: check that the folder is writable and has space."
    )
    assert victim.read_text() == "precious" and not out.exists()
    assert (tmp_path / ".week.md.guessed.partial").is_symlink()


def weekly_command(inbox: Path, outbox: Path, db: Path) -> list[str]:
    return [
        "weekly",
        "--inbox",
        str(inbox),
        "--outbox",
        str(outbox),
        "--format",
        "md",
        "--db",
        str(db),
    ]


@pytest.mark.slow
def test_a_file_that_vanishes_after_the_scan_is_named_and_the_run_goes_on(
    tiny_model, tiny_base, tmp_path, monkeypatch
):
    """A file removed (or made unreadable) between the inbox listing and its hashing, e.g.
    while the run waited for another run's lock: that file's failure, not the run's."""
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    inbox, outbox, db = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    assert write_reviews(inbox / "a.csv", date(2025, 11, 3), 2) == 14
    assert write_reviews(inbox / "b.csv", date(2025, 11, 10), 3) == 21
    write_reviews(inbox / "gone.csv", date(2025, 11, 10), 1)
    real_scan = inbox_module.scan_inbox

    def scan_then_remove(folder):
        scan = real_scan(folder)
        (inbox / "gone.csv").unlink()  # listed, then removed by someone else
        return scan

    monkeypatch.setattr(inbox_module, "scan_inbox", scan_then_remove)
    result = CliRunner().invoke(cli, weekly_command(inbox, outbox, db))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: gone.csv could not be read. Found FileNotFoundError: No such file or directory. "
        "Fix: it stays in the inbox for the next run; check that it is still there and readable."
    ]
    assert ": 3 new files, 0 already loaded" in result.output
    assert scalar(db, "SELECT count(*) FROM documents") == 14 + 21
    report = outbox / "brandpulse-2025-W46.md"
    assert f"Report for 2025-W46 written to {report}" in result.output
    assert "| Posts | 21 | 14 |" in report.read_text()


@pytest.mark.slow
def test_a_file_swapped_for_a_link_after_the_scan_is_not_read(
    tiny_model, tiny_base, tmp_path, monkeypatch
):
    """The inbox is checked for links leading out when listed, and each file again right
    before it is read: a file replaced by such a link in between is skipped, said so."""
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    inbox, outbox, db = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "w.duckdb"
    elsewhere = tmp_path / "elsewhere"
    inbox.mkdir()
    elsewhere.mkdir()
    assert write_reviews(inbox / "a.csv", date(2025, 11, 3), 2) == 14
    assert write_reviews(inbox / "b.csv", date(2025, 11, 10), 3) == 21
    write_reviews(elsewhere / "secret.csv", date(2025, 11, 10), 4)
    real_new_files = inbox_module.new_inbox_files

    def hash_then_swap(*args, **kwargs):
        found = real_new_files(*args, **kwargs)
        (inbox / "b.csv").unlink()
        (inbox / "b.csv").symlink_to(elsewhere / "secret.csv")  # planted after the scan
        return found

    monkeypatch.setattr(inbox_module, "new_inbox_files", hash_then_swap)
    result = CliRunner().invoke(cli, weekly_command(inbox, outbox, db))
    assert result.exit_code == 0, result.output
    assert f"Skipped link leaving the inbox: {inbox / 'b.csv'}" in result.output
    assert scalar(db, "SELECT count(*) FROM documents") == 14
    assert scalar(db, "SELECT count(*) FROM documents WHERE text LIKE '%secret%'") == 0
    assert rows(db, "SELECT regexp_extract(file, '[^/]+$') FROM ingest_runs") == [("a.csv",)]
