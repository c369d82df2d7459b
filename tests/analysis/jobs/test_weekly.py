"""The unattended weekly run: each inbox file ingested once, new documents analyzed, the
week's report written to the outbox, and a second run changing nothing."""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.jobs.weekly import lock_file, report_name, run_weekly
from analysis.periods import iso_week
from dashboard.cli import cli
from loaders.config import Settings
from loaders.errors import BrandpulseError, ReportError
from tests.conftest import SAMPLE, needs_renderer, pdf_page_images, rows, scalar


@pytest.fixture
def tiny_settings(tmp_path: Path, tiny_model: Path, tiny_base: Path) -> Settings:
    return Settings(
        db=tmp_path / "weekly.duckdb",
        lock_timeout_s=30,
        model_dir=tmp_path / "models",
        sentiment_model=str(tiny_model),
        topic_embedding_model=str(tiny_base),
    )


def write_reviews(path: Path, monday: date, per_day: int) -> int:
    """``per_day`` Tidewell reviews on each day of the week starting ``monday``."""
    texts = ["The lid leaks again", "Love the color", "Keeps coffee hot all day", "Dented"]
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["review_id", "date", "review", "rating", "brand"])
        for day in range(7):
            for n in range(per_day):
                out.writerow(
                    [
                        f"{path.stem}-{day}-{n}",
                        (monday + timedelta(days=day)).isoformat() + "T12:00:00Z",
                        f"{texts[n % len(texts)]} (#{day}-{n})",
                        1 + n % 5,
                        "Tidewell",
                    ]
                )
    return 7 * per_day


def week_posts(db: Path, monday: date) -> int:
    return scalar(db, "SELECT count(*) FROM doc_facts WHERE week = ?", [monday])


def test_each_file_once_the_last_full_week_reported_and_a_second_run_changes_nothing(
    tiny_settings, tmp_path
):
    inbox, outbox, db = tmp_path / "inbox", tmp_path / "outbox", tiny_settings.db
    inbox.mkdir()
    shutil.copy(SAMPLE / "reviews.csv", inbox / "reviews.csv")
    shutil.copy(SAMPLE / "campaigns.csv", inbox / "campaigns.csv")  # imported as campaigns
    (inbox / "broken.csv").write_bytes(b"")  # cannot be read: reported, left for later
    write_reviews(inbox / ".half-copied.csv", date(2025, 12, 22), 1)  # hidden: not read
    (inbox / "~$budget.xlsx").write_bytes(b"lock")  # an open Excel file's lock file

    first = run_weekly(tiny_settings, inbox, outbox, formats=("html", "md"))
    assert [r.file.name for r in first.ingested] == ["reviews.csv"]
    assert first.campaigns == {inbox / "campaigns.csv": 3}
    assert list(first.failed) == [inbox / "broken.csv"]
    assert "broken.csv is empty" in first.failed[inbox / "broken.csv"] and not first.ok
    stored = scalar(db, "SELECT count(*) FROM documents")
    assert stored == first.ingested[0].inserted > 2900
    sentiment = first.analysis.sentiment
    assert sentiment.scored + sum(sentiment.skipped.values()) == stored
    assert scalar(db, "SELECT count(*) FROM doc_facts WHERE topic IS NULL") == 0
    # The week: the last Monday-to-Sunday week on or before the last day with data.
    last = scalar(db, "SELECT max(day) FROM doc_facts")
    sunday = last - timedelta(days=(last.weekday() + 1) % 7)
    monday = sunday - timedelta(days=6)
    assert first.week == iso_week(monday)
    name = f"brandpulse-{first.week}"
    assert sorted(p.name for p in outbox.iterdir()) == [f"{name}.html", f"{name}.md"]
    markdown = (outbox / f"{name}.md").read_text()
    assert f"| Posts | {week_posts(db, monday):,} |" in markdown
    # Only campaigns in or near the week: Grind Never Stops ended a month before it.
    campaigns = markdown.split("## Campaigns")[1].split("\n## ")[0]
    assert "| Holiday Gift Guide | 2025-11-24 to 2025-12-14 |" in campaigns
    assert "Grind Never Stops" not in campaigns
    html = (outbox / f"{name}.html").read_bytes()

    second = run_weekly(tiny_settings, inbox, outbox, formats=("html", "md"))
    assert second.ingested == [] and second.campaigns == {} and second.already_loaded == 2
    assert list(second.failed) == [inbox / "broken.csv"]  # still reported until fixed
    assert second.analysis.sentiment.scored == 0
    assert scalar(db, "SELECT count(*) FROM ingest_runs") == 1
    assert scalar(db, "SELECT count(*) FROM campaign_imports") == 1
    assert scalar(db, "SELECT count(*) FROM documents") == stored
    assert second.week == first.week and (outbox / f"{name}.html").read_bytes() == html

    # Next week's export arrives, next to a renamed copy of last week's: only the new one
    # is ingested, its documents get sentiment and topics, and the report moves on.
    next_monday = monday + timedelta(days=7 if sunday == last else 14)
    added = write_reviews(inbox / "reviews-next.csv", next_monday, 5)
    shutil.copy(inbox / "reviews.csv", inbox / "reviews (copy).csv")
    (inbox / "broken.csv").unlink()
    third = run_weekly(tiny_settings, inbox, outbox, formats=("md",))
    assert [r.file.name for r in third.ingested] == ["reviews-next.csv"]
    assert third.already_loaded == 3 and third.ok
    assert third.week == iso_week(next_monday)
    [(posts, labeled, with_topic)] = rows(
        db,
        "SELECT count(*), count(label), count(topic) FROM doc_facts WHERE week = ?",
        [next_monday],
    )
    assert posts == labeled == with_topic == added
    assert third.analysis.topics.assigned + third.analysis.topics.outliers == added
    report = (outbox / f"brandpulse-{third.week}.md").read_text()
    assert f"| Posts | {added:,} | {week_posts(db, next_monday - timedelta(days=7)):,} |" in report


def test_no_report_before_a_full_week_of_data(tiny_settings, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with (inbox / "monday.csv").open("w") as handle:
        handle.write("date,review\n2025-12-22T09:00:00Z,Great bottle\n")
    run = run_weekly(tiny_settings, inbox, tmp_path / "outbox", formats=("md",))
    assert len(run.ingested) == 1 and run.week is None and run.reports == []


def test_a_second_run_waits_for_the_first(tiny_settings, tmp_path):
    import fcntl

    (tmp_path / "inbox").mkdir()
    with lock_file(tiny_settings.db).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BrandpulseError, match="Another weekly run is still working"):
            run_weekly(tiny_settings, tmp_path / "inbox", tmp_path / "outbox", lock_wait_s=0.2)
    assert not tiny_settings.db.exists()  # it touched nothing


def test_unknown_formats_and_missing_inbox_are_refused(tiny_settings, tmp_path):
    with pytest.raises(ReportError, match="Found docx"):
        run_weekly(tiny_settings, tmp_path, tmp_path / "out", formats=("html", "docx"))
    with pytest.raises(BrandpulseError, match="is not a folder"):
        run_weekly(tiny_settings, tmp_path / "nowhere", tmp_path / "out")
    assert not tiny_settings.db.exists()


@needs_renderer
def test_weekly_command_writes_html_and_pdf_and_is_safe_to_run_twice(
    tiny_model, tiny_base, tmp_path, monkeypatch
):
    monkeypatch.setenv("BRANDPULSE_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    for week in range(3):
        write_reviews(inbox / f"week-{week}.csv", date(2025, 11, 3) + timedelta(weeks=week), 4)
    command = [
        "weekly",
        "--inbox",
        str(inbox),
        "--outbox",
        str(outbox),
        "--db",
        str(tmp_path / "w.db"),
    ]
    first = CliRunner().invoke(cli, command)
    assert first.exit_code == 0, first.output
    assert "Inbox " + str(inbox) + ": 3 new files, 0 already loaded" in first.output
    assert f"Report for 2025-W47 written to {outbox / 'brandpulse-2025-W47.pdf'}" in first.output
    # The parts flow on without forced page breaks: two pages, none left half empty.
    assert len(pdf_page_images(outbox / "brandpulse-2025-W47.pdf", tmp_path)) == 2
    second = CliRunner().invoke(cli, command)
    assert second.exit_code == 0, second.output
    assert ": 0 new files, 3 already loaded" in second.output
    assert "Sentiment: every document is already scored" in second.output
    assert sorted(p.name for p in outbox.glob("brandpulse-*")) == [
        "brandpulse-2025-W47.html",
        "brandpulse-2025-W47.pdf",
    ]


def test_report_names_are_safe_file_names():
    assert report_name("2025-W41", None, "pdf") == "brandpulse-2025-W41.pdf"
    assert report_name("2025-W41", "Acme / Co. ", "html") == "brandpulse-2025-W41-Acme-Co.html"
    assert report_name("2025-W41", "../..", "md") == "brandpulse-2025-W41.md"
