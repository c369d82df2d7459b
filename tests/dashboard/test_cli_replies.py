"""`brandpulse replies` and `brandpulse kb`: the knowledge base from a file, drafts for the
week's negative posts, review by id and the CSV export."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from analysis.suggestions import planned
from dashboard.cli import cli
from loaders import store
from tests.analysis.suggestions.test_plans import bag_of_words
from tests.conftest import insert_documents, insert_labels, rows
from tests.dashboard.test_app_replies import LABELS, POSTS

KB = """
[[entry]]
issue = "Trail bottle lid leaks"
answer = "We send a new seal for free."
links = ["https://tidewell.example/lid"]
brand = "Tidewell"

[[entry]]
issue = "Broken"
answer = "Bad link."
links = ["javascript:alert(1)"]
"""


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_kb_and_replies_commands(tmp_path, monkeypatch, settings):
    monkeypatch.setattr(planned, "copy_embedder", lambda: bag_of_words)
    with store.session(settings=settings) as con:
        insert_documents(con, POSTS)
        insert_labels(con, LABELS)
    db = str(settings.db)
    kb = tmp_path / "kb.toml"
    kb.write_text(KB)
    out = run("kb", "import", str(kb), "--db", db)
    assert "2 entries read: 1 added, 0 updated, 1 rejected." in out
    assert "row 2: A link is not a web address" in out
    out = run("kb", "add", "--issue", "Late parcel", "--answer", "Shipping refunded.", "--db", db)
    assert out.strip() == "Entry #2 added."
    assert "Late parcel" in run("kb", "list", "--db", db)

    out = run(
        "replies",
        "draft",
        "--week",
        "2025-W41",
        "--brand",
        "Tidewell",
        "--generator",
        "template",
        "--db",
        db,
    )
    assert "for 2 posts (2 with a knowledge entry)" in out
    drafts = rows(settings.db, "SELECT id, doc_id, entry_id FROM reply_drafts ORDER BY id")
    assert {d[1] for d in drafts} == {"leak", "late"}
    assert {d[2] for d in drafts if d[1] == "leak"} == {1}
    assert {d[2] for d in drafts if d[1] == "late"} == {2}  # the entry added by `kb add`
    first = drafts[0][0]
    assert "approved" in run("replies", "review", str(first), "--approve", "--db", db)
    listing = run("replies", "list", "--status", "approved", "--db", db)
    assert f"{first} " in listing and "approved" in listing
    exported = run("replies", "export", "--db", db)
    table = list(csv.DictReader(io.StringIO(exported)))
    assert [r["post_id"] for r in table] == [drafts[0][1]]

    result = CliRunner().invoke(cli, ["replies", "review", "999", "--reject", "--db", db])
    assert result.exit_code != 0 and "no reply draft #999" in result.output
    assert "Entry #2 removed." in run("kb", "remove", "2", "--db", db)
