"""`brandpulse train`, `models`, `analyze` and `labels` from the command line, with a tiny base."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dashboard.cli import cli
from tests.conftest import TINY_EXAMPLES, rows, scalar


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_train_registers_and_scores(tmp_path, db, tiny_base, monkeypatch):
    model_dir = tmp_path / "models"
    monkeypatch.setenv("BRANDPULSE_MODEL_DIR", str(model_dir))
    three = tmp_path / "three.csv"
    three.write_text("text,label\n" + "".join(f'"{t}",{label}\n' for t, label in TINY_EXAMPLES))
    two = tmp_path / "two.csv"
    two.write_text("sentence,label\nfine film,1\ndull film,0\nlovely,1\nboring,0\n")
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(
        "review_id,date,text,rating\n1,2025-10-06,love it,5\n2,2025-10-07,hate it,1\n"
        "3,2025-10-08,it is a bottle,3\n"
    )
    assert invoke("ingest", reviews, "--db", db).exit_code == 0

    common = ["--base", tiny_base, "--max-steps", "2", "--batch-size", "4", "--db", db]
    first = invoke("train", "--data", three, "--data", two, "--version", "v1", *common)
    assert first.exit_code == 0, first.output
    assert "three.csv: 12 three-class examples" in first.output
    assert "two.csv: 4 two-class examples" in first.output
    assert "Model v1 written to" in first.output and "macro recall" in first.output
    metrics = json.loads((model_dir / "v1" / "metrics.json").read_text())
    held_out = metrics["held-out 10% of the training data"]
    assert {"accuracy", "macro_recall", "macro_f1", "confusion", "per_class"} <= set(held_out)
    card = (model_dir / "v1" / "MODEL_CARD.md").read_text()
    assert str(tiny_base) in card and "three.csv (12 rows)" in card and "two-class" in card

    second = invoke("train", "--data", three, "--eval", two, "--version", "v2", "--no-use", *common)
    assert second.exit_code == 0, second.output
    assert "two.csv: accuracy" in second.output
    listed = invoke("models", "list", "--db", db).output
    assert "* " in listed.splitlines()[2] and " v1 " in listed.splitlines()[2]  # v1 active
    assert " v2 " in listed

    analyzed = invoke("analyze", "--db", db)
    assert "scored 3 documents (3 distinct texts) with v1" in analyzed.output
    assert "already scored" in invoke("analyze", "--db", db).output
    assert "Active model: v2" in invoke("models", "use", "v2", "--db", db).output
    assert "scored 3 documents" in invoke("analyze", "--db", db).output

    queue = invoke("labels", "queue", "-n", "2", "--db", db).output
    assert len(queue.strip().splitlines()) == 4  # header, rule, two documents
    doc_id = scalar(db, "SELECT doc_id FROM documents WHERE external_id = '3'")
    assert "is now neutral" in invoke("labels", "add", doc_id, "neutral", "--db", db).output
    listed = invoke("models", "list", "--db", db).output
    # v1 and v2 both scored the labelled document: each is measured on the user's one label.
    assert listed.count("n=1") == 2 and "you: neutral" in listed
    random_queue = invoke("labels", "queue", "--random", "-n", "5", "--db", db).output
    assert len(random_queue.strip().splitlines()) == 4  # two unlabelled documents are left
    other = scalar(db, "SELECT doc_id FROM documents WHERE external_id = '1'")
    invoke("labels", "add", other, "positive", "--random", "--db", db)
    assert rows(db, "SELECT origin FROM labels WHERE doc_id = ?", [other]) == [("random",)]
    assert "On your 2 labelled posts (all your labels" in invoke("analyze", "--db", db).output
    third = invoke("train", "--data", two, "--include-corrections", "--version", "v3", *common)
    assert third.exit_code == 0, third.output
    # v3 learnt from the correction, never from the random-sample label (kept to measure it).
    assert "1 human corrections" in (model_dir / "v3" / "MODEL_CARD.md").read_text()
    assert rows(db, "SELECT doc_id FROM model_training_docs WHERE version = 'v3'") == [(doc_id,)]
    assert rows(db, "SELECT version FROM models WHERE active") == [("v3",)]


def test_training_errors_are_one_line(tmp_path, db):
    bad = tmp_path / "bad.csv"
    bad.write_text("words,stars\nnice,5\n")
    result = CliRunner().invoke(cli, ["train", "--data", str(bad), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: bad.csv has no text column.")
    assert "Found columns words, stars" in result.output
    bad.write_text("body,stars\nnice,5\n")
    result = CliRunner().invoke(cli, ["train", "--data", str(bad), "--db", str(db)])
    assert "has no label column" in result.output and "--label-from-rating" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    unknown = CliRunner().invoke(cli, ["models", "use", "v9", "--db", str(db)])
    assert unknown.exit_code == 1 and "No model version 'v9'" in unknown.output


def test_analyze_on_an_empty_database_builds_nothing(db):
    result = invoke("analyze", "--db", db)
    assert result.exit_code == 0
    assert "No documents yet: ingest files first" in result.output
    assert "Topics" not in result.output  # one message says it all
    assert scalar(db, "SELECT count(*) FROM models") == 0


def test_analyze_rate_leaves_out_the_model_build(capsys):
    from analysis.sentiment.scoring_run import AnalysisResult
    from dashboard.cli.progress import _print_sentiment

    result = AnalysisResult(
        model_version="default-1",
        scored=1_000,
        unique_texts=900,
        seconds=80.0,
        model_built=True,
        build_seconds=70.0,
        languages={"en": 950, "unknown": 30, "de": 12, "pcm": 8},
    )
    _print_sentiment(result)
    out = capsys.readouterr().out
    assert "Built the offline default sentiment model default-1 in 70s" in out
    # 1,000 documents in the 10 s of scoring, not in the 80 s of the whole run.
    assert "in 10.0s (100 docs/s)" in out
    assert "Languages other than English: German 12, Nigerian Pidgin 8" in out


def test_shares_of_one_theme(settings, monkeypatch):
    from tests.analysis.topics.test_trends import build

    build(settings)  # theme 1 'product quality': 2 posts a week, then 40, all negative
    monkeypatch.setenv("BRANDPULSE_DB", str(settings.db))
    quality = json.loads(invoke("sentiment", "shares", "--theme", 1, "--json").output)
    assert quality["n_documents"] == 2 * 5 + 40 and quality["raw"]["negative"] == 1.0
    daily = json.loads(invoke("sentiment", "shares", "--theme", 0, "--json").output)
    assert daily["n_documents"] == 600 and daily["raw"]["negative"] == 0.2
