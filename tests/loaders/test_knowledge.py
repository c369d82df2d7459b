from datetime import date

import pytest

from loaders import knowledge, store
from loaders.knowledge import KnowledgeEntry

LID = KnowledgeEntry(
    None,
    "Trail Bottle lid leaks",
    "Send us a photo of the lid and we send a new seal for free.",
    ("https://tidewell.example/lid",),
    date(2025, 10, 1),
    date(2025, 12, 31),
    "Tidewell",
)


def test_entries_round_trip_and_dates(settings):
    with store.session(settings=settings) as con:
        first = knowledge.add_entry(con, LID)
        knowledge.add_entry(con, KnowledgeEntry(None, "Where is my order", "Track it online."))
        stored = knowledge.get_entry(con, first)
        assert stored == KnowledgeEntry(
            first,
            *[
                getattr(LID, f)
                for f in ("issue", "answer", "links", "valid_from", "valid_until", "brand")
            ],
        )
        assert "https://tidewell.example/lid" in stored.facts_text()
        assert [e.issue for e in knowledge.active_entries(con, date(2025, 10, 9))] == [
            "Trail Bottle lid leaks",
            "Where is my order",
        ]
        assert [e.issue for e in knowledge.active_entries(con, date(2026, 1, 1))] == [
            "Where is my order"
        ]
        knowledge.update_entry(con, KnowledgeEntry(first, "Lid leaks", "A new seal, free."))
        assert knowledge.get_entry(con, first).links == ()
        assert knowledge.remove_entry(con, first) is True
        assert knowledge.remove_entry(con, first) is False
        assert len(knowledge.entries(con)) == 1


CSV = """issue,answer,links,valid_from,valid_until,brand
Lid leaks,Free seal.,https://a.example/x,2025-10-01,,Tidewell
Late delivery,We refund shipping.,,,,
,No issue here.,,,,
Broken cap,Replace it.,ftp://nope,,,
Bad dates,Answer.,,2025-13-01,,
Lid LEAKS,Again.,,,,Tidewell
Swapped,Answer.,,2025-10-02,2025-10-01,
"""


def test_import_checks_every_row_and_counts(settings, tmp_path):
    path = tmp_path / "kb.csv"
    path.write_text(CSV)
    with store.session(settings=settings) as con:
        result = knowledge.import_file(con, path)
        assert (result.read, result.inserted, result.updated) == (7, 2, 0)
        reasons = dict(result.rejected)
        assert result.read == result.inserted + result.updated + len(result.rejected)
        assert "issue is missing" in reasons[3]
        assert "not a web address" in reasons[4]
        assert "not a date" in reasons[5]
        assert "duplicate" in reasons[6]
        assert "after valid_until" in reasons[7]
        # A second import of the same file updates instead of doubling.
        again = knowledge.import_file(con, path)
        assert (again.inserted, again.updated) == (0, 2)
        assert len(knowledge.entries(con)) == 2


@pytest.mark.parametrize("kind", ["toml", "csv", "json"])
def test_export_reads_back(settings, tmp_path, kind):
    with store.session(settings=settings) as con:
        knowledge.add_entry(con, LID)
        knowledge.add_entry(con, KnowledgeEntry(None, 'Say "hi"', "Hello,\nthere."))
        path = tmp_path / f"kb.{kind}"
        assert knowledge.export_file(con, path) == 2
        rows = knowledge.parse(path.read_text(), kind)
    assert [knowledge.check_entry(r) for r in rows] == [
        KnowledgeEntry(None, 'Say "hi"', "Hello,\nthere."),
        KnowledgeEntry(
            None,
            *[
                getattr(LID, f)
                for f in ("issue", "answer", "links", "valid_from", "valid_until", "brand")
            ],
        ),
    ]


def test_a_csv_export_is_safe_in_a_spreadsheet_and_reads_back(settings, tmp_path):
    """A formula-like answer gets the one CSV writer's quote (a spreadsheet shows it as text)
    and the import takes the quote off again."""
    formula = KnowledgeEntry(None, "=HYPERLINK(x)", "-see the lid page", (), None, None, None)
    with store.session(settings=settings) as con:
        knowledge.add_entry(con, formula)
        path = tmp_path / "kb.csv"
        knowledge.export_file(con, path)
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK(x)" in text and "'-see the lid page" in text
    [row] = knowledge.parse(text, "csv")
    assert knowledge.check_entry(row) == formula


def test_unreadable_file_is_one_error(settings, tmp_path):
    path = tmp_path / "kb.toml"
    path.write_text("[[entry]\nissue=")
    with (
        store.session(settings=settings) as con,
        pytest.raises(knowledge.InputFileError, match="cannot be read"),
    ):
        knowledge.import_file(con, path)
    with pytest.raises(knowledge.InputFileError, match="Unknown knowledge"):
        knowledge.file_format(tmp_path / "kb.xlsx")


def test_sync_entries_updates_adds_and_removes(settings):
    with store.session(settings=settings) as con:
        keep = knowledge.add_entry(con, LID)
        gone = knowledge.add_entry(con, KnowledgeEntry(None, "Old issue", "Old answer."))
        rows = knowledge.editor_rows(knowledge.entries(con))
        assert {r["id"] for r in rows} == {keep, gone}
        rows = [r for r in rows if r["id"] == keep]
        rows[0]["answer"] = "A new seal, free."
        rows.append({"id": None, "issue": "New", "answer": "Yes.", "links": "", "brand": ""})
        rows.append({"id": None, "issue": "", "answer": "No issue.", "links": "", "brand": ""})
        result = knowledge.sync_entries(con, rows)
        assert (result.read, result.inserted, result.updated) == (3, 1, 1)
        assert result.rejected[0][0] == 3
        assert sorted((e.issue, e.answer, e.brand) for e in knowledge.entries(con)) == [
            ("New", "Yes.", None),
            ("Trail Bottle lid leaks", "A new seal, free.", "Tidewell"),
        ]
