"""`brandpulse train --adapt` from the command line, on a tiny database with tiny models."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from analysis.sentiment import adaptation
from dashboard.cli import cli
from tests.analysis.sentiment.test_adaptation import labelled_posts_db
from tests.conftest import rows


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.slow
def test_train_adapt_prints_the_comparison_and_activates_only_when_asked(
    settings, tiny_model, monkeypatch
):
    monkeypatch.setenv("BRANDPULSE_MODEL_DIR", str(settings.model_dir))
    monkeypatch.setattr(adaptation, "start_model", lambda settings, progress=None: tiny_model)
    labelled_posts_db(settings, tiny_model)
    quick = ["--max-steps", "2", "--batch-size", "4", "--db", settings.db]

    never = invoke("train", "--adapt", "--no-activate", *quick)
    assert never.exit_code == 0, never.output
    first, second = never.stdout.strip().splitlines()
    # All 20 fair labels stay unseen (fewer than corrected_shares_min_labels): 40 train.
    assert first.startswith("Model adapted-") and "40 your labels" in first
    assert "20 held out" in first
    assert "on your held-out labels macro recall" in first and "tiny-a:" in first
    assert "(n=20)" in first
    assert second.startswith("Not active because you asked so (macro recall")
    assert rows(settings.db, "SELECT version FROM models WHERE active") == [("tiny-a",)]

    forced = invoke("train", "--adapt", "--activate", *quick)
    assert forced.exit_code == 0, forced.output
    assert "Active because you asked for it" in forced.output
    assert "`brandpulse analyze` re-scores the documents with it." in forced.output
    [(active,)] = rows(settings.db, "SELECT version FROM models WHERE active")
    assert active.startswith("adapted-") and active in forced.output
    assert rows(settings.db, "SELECT count(*) FROM models WHERE version LIKE 'adapted-%'") == [(2,)]


def test_train_adapt_errors_are_one_line(settings, tiny_model, tmp_path):
    labelled_posts_db(settings, tiny_model, labelled=12)
    few = invoke("train", "--adapt", "--db", settings.db)
    assert few.exit_code == 1 and "Traceback" not in few.output
    # Not a terminal: the stage it reached shows as progress lines, then the one-line error.
    *progress, error = few.stderr.strip().splitlines()
    assert error.startswith("Error: Too few labelled posts to adapt the model.")
    assert "Fix: label at least 30 posts first" in error
    assert [line[9:] for line in progress] == ["gathering examples: started"]
    data = tmp_path / "some.csv"
    data.write_text("text,label\nfine,positive\n")
    both = invoke("train", "--adapt", "--data", data, "--db", settings.db)
    assert both.exit_code == 2 and "--adapt trains on the database; leave out --data" in both.output
    neither = invoke("train", "--db", settings.db)
    assert (
        neither.exit_code == 2 and "Pass --data FILE (labeled data), or --adapt." in neither.output
    )
