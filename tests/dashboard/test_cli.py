from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from dashboard.cli import cli
from tests.conftest import REPO, SAMPLE, rows, scalar


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_ingest_prints_summary_and_reconciles(tmp_path, db):
    path = tmp_path / "posts.csv"
    path.write_text(
        "text,date,stars\nGreat,2024-01-01,5\n,2024-01-02,4\nGreat,2024-01-01,5\n", encoding="utf-8"
    )
    result = invoke("ingest", str(path), "--db", str(db), "--brand", "Tidewell")
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[2].split()  # stderr has the progress lines
    assert summary[:1] == ["posts.csv"] and summary[3:7] == ["3", "1", "1", "1"]
    assert "1 rows quarantined" in result.output
    rejected = invoke("db", "rejected", "1", "--db", str(db))
    assert "empty text" in rejected.output


def test_map_option_and_mapping_file(tmp_path, db):
    path = tmp_path / "odd.csv"
    path.write_text("words,when,extra\nhello,2024-01-01,x\n", encoding="utf-8")
    assert (
        invoke(
            "ingest", str(path), "--db", str(db), "--map", "text=words", "--map", "created_at=when"
        ).exit_code
        == 0
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'kind = "social"\nsource = "forum"\n[columns]\ntext = "words"\ncreated_at = "when"\n',
        encoding="utf-8",
    )
    path2 = tmp_path / "odd2.csv"
    path2.write_text("words,when\nother,2024-01-02\n", encoding="utf-8")
    assert invoke("ingest", str(path2), "--db", str(db), "--mapping", str(mapping)).exit_code == 0
    assert scalar(db, "SELECT source FROM documents WHERE text = 'other'") == "forum"


def test_errors_are_one_line_with_nonzero_exit(tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "bad.json is not valid JSON" in result.output
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(cli, ["ingest", str(tmp_path / "nope.csv"), "--db", str(db)])
    assert missing.exit_code == 1 and "does not exist" in missing.output


def test_unmappable_file_suggests_fix(tmp_path, db):
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert "columns foo, bar" in result.output and "--map text=COLUMN" in result.output


def test_demo_no_serve_and_db_info(demo_run):
    from loaders.store import LATEST_VERSION

    db, output = demo_run
    assert "3 campaigns stored" in output
    documents = scalar(db, "SELECT count(*) FROM documents")
    assert f"Sentiment: scored {documents:,} documents" in output
    assert scalar(db, "SELECT count(*) FROM sentiment WHERE label IS NOT NULL") == documents
    # The demo fits topics too: every document has a row in the current run.
    assert "Topics: fitted run 1" in output
    assert scalar(db, "SELECT count(DISTINCT doc_id) FROM doc_topics WHERE run_id = 1") == documents
    # Every document of the ground truth is stored once: rows exported twice are duplicates,
    # and the three broken rows are quarantined.
    truth = (SAMPLE / "ground_truth.csv").read_text(encoding="utf-8").count("\n") - 1
    assert scalar(db, "SELECT count(*) FROM documents") == truth
    assert scalar(db, "SELECT count(*) FROM rejected_rows") == 3
    info = invoke("db", "info", "--db", str(db))
    assert (
        f"schema version {LATEST_VERSION}" in info.output
        and "2025-08-25 to 2025-12-14" in info.output
    )
    assert "reviews.csv" in info.output and "social_posts.csv" in info.output
    runs = scalar(
        db,
        "SELECT sum(rows_read) - sum(rows_inserted + rows_duplicate + rows_rejected) FROM ingest_runs",
    )
    assert runs == 0


def test_campaigns_import(tmp_path, db):
    assert (
        invoke("campaigns", "import", str(SAMPLE / "campaigns.csv"), "--db", str(db)).exit_code == 0
    )
    assert scalar(db, "SELECT hashtags FROM campaigns WHERE name = 'Refill Rewards'") == [
        "refillrewards"
    ]
    bad = tmp_path / "c.csv"
    bad.write_text("name,start,end\nX,2025-13-01,2025-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["campaigns", "import", str(bad), "--db", str(db)])
    assert result.exit_code == 1 and "line 2" in result.output


def test_console_script_entry_point(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", "--help"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0 and "ingest" in result.stdout


def test_campaign_results_table(demo_run):
    db, _ = demo_run
    result = invoke("campaigns", "results", "--db", str(db))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "effect beyond market [95% CI]" in lines[0] and "raw uplift [95% CI]" in lines[0]
    refill = next(line for line in lines if line.startswith("Refill Rewards"))
    # Each verdict in a sentence: the method and its interval, or why it cannot tell.
    said = next(line for line in lines if line.startswith("Refill Rewards: "))
    assert said.split(": ", 1)[1].startswith(
        ("Lifted net", "Backfired: net", "No clear effect on net", "Cannot tell: ")
    )
    posts = rows(
        db,
        "SELECT count(DISTINCT doc_id) FROM campaign_documents WHERE campaign = 'Refill Rewards'",
    )[0][0]
    assert f" {posts} " in refill and "2025-09-15 to 2025-10-05" in refill


def test_insights_prints_ranked_cards(demo_run):
    db, _ = demo_run
    # The week of the planted lid defect.
    result = invoke("insights", "--week", "2025-W41", "--brand", "Tidewell", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2025-10-06 to 2025-10-12, against the 7 days before:")
    assert "\n1. [spike] Volume spike in 2025-W41" in result.output
    empty = invoke("insights", "--db", str(db.parent / "none.duckdb"))
    assert "No documents yet" in empty.output


def test_map_label_imports_human_labels(tmp_path, db):
    path = tmp_path / "airline.csv"
    path.write_text(
        "text,date,airline_sentiment\nlost my bag,2024-01-01,negative\nthanks!,2024-01-02,positive\n",
        encoding="utf-8",
    )
    result = invoke("ingest", str(path), "--db", str(db), "--map", "label=airline_sentiment")
    assert result.exit_code == 0, result.output
    assert "2 human labels imported from column 'airline_sentiment'" in result.output
    assert rows(db, "SELECT label, origin FROM labels ORDER BY label") == [
        ("negative", "import"),
        ("positive", "import"),
    ]
