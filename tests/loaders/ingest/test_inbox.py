"""The inbox's bookkeeping: which files are exports, and which were loaded before."""

from __future__ import annotations

import shutil

from loaders import store
from loaders.campaigns import import_campaigns, looks_like_campaigns
from loaders.ingest.files import ingest_file
from loaders.ingest.inbox import export_files, new_inbox_files
from tests.conftest import SAMPLE


def test_export_files_skip_hidden_lock_and_unsupported_files(tmp_path):
    for name in ("b.csv", "a.jsonl", "notes.docx", ".partial.csv", "~$sheet.xlsx"):
        (tmp_path / name).write_text("x")
    (tmp_path / "march").mkdir()
    (tmp_path / "march" / "c.parquet").write_text("x")
    (tmp_path / ".trash").mkdir()
    (tmp_path / ".trash" / "d.csv").write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in export_files(tmp_path)] == [
        "a.jsonl",
        "b.csv",
        "march/c.parquet",
    ]


def test_files_are_known_by_their_bytes_not_their_names(tmp_path, settings):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = inbox / "reviews.csv"
    first.write_text("date,review\n2025-12-01,Great bottle\n2025-12-02,Lid leaks\n")
    shutil.copy(first, inbox / "reviews copy.csv")
    shutil.copy(SAMPLE / "campaigns.csv", inbox / "campaigns.csv")
    with store.session(settings=settings) as con:
        new, known = new_inbox_files(con, inbox)
    # The copy has the same bytes: one of the two is new, the other is counted as known.
    assert sorted(f.path.name for f in new) == ["campaigns.csv", "reviews copy.csv"]
    assert known == 1

    ingest_file(first, settings=settings)
    import_campaigns(inbox / "campaigns.csv", settings=settings)
    with store.session(settings=settings) as con:
        assert new_inbox_files(con, inbox) == ([], 3)
    # Saved again with a new row: new bytes, so a new file.
    first.write_text(first.read_text() + "2025-12-03,Dented\n")
    with store.session(settings=settings) as con:
        new, known = new_inbox_files(con, inbox)
    assert [f.path.name for f in new] == ["reviews.csv"] and known == 2


def test_campaign_lists_are_told_apart_from_exports(tmp_path):
    assert looks_like_campaigns(SAMPLE / "campaigns.csv")
    assert not looks_like_campaigns(SAMPLE / "reviews.csv")
    renamed = tmp_path / "plan.csv"
    renamed.write_text("Campaign,Start_Date,End_Date\nSpring,2026-03-01,2026-03-31\n")
    assert looks_like_campaigns(renamed)
    assert not looks_like_campaigns(tmp_path / "missing.csv")
