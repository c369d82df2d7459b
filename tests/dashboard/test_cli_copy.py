"""`brandpulse copy tune`: a brand-voice adapter from the approved copy, on a tiny model."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from analysis.suggestions import adapter
from analysis.suggestions.generators import active_adapter
from dashboard.cli import cli
from loaders import store
from loaders.config import Settings
from tests.analysis.suggestions.test_adapter import VOICE, _add_suggestion, tiny_smol  # noqa: F401


def _tune(tmp_path, *args: str):
    return CliRunner().invoke(cli, ["copy", "tune", "--db", str(tmp_path / "x.duckdb"), *args])


def test_tuning_needs_a_local_generator_and_approved_texts(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDPULSE_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("BRANDPULSE_GENERATOR", "template")
    result = _tune(tmp_path)
    assert result.exit_code != 0 and "Only a local generator" in result.output
    assert "Traceback" not in result.output

    monkeypatch.setenv("BRANDPULSE_GENERATOR", str(tmp_path / "some-model"))
    with store.session(settings=Settings(db=tmp_path / "x.duckdb")) as con:
        _add_suggestion(con, "Crew, one approved text. - the Fizzkit crew", "approved", None)
    result = _tune(tmp_path)
    assert result.exit_code != 0 and "Only 1 approved texts" in result.output
    assert len(result.output.strip().splitlines()) <= 2


@pytest.mark.slow
def test_tune_trains_reports_and_activates(tiny_smol, tmp_path, monkeypatch):  # noqa: F811
    models = tmp_path / "models"
    monkeypatch.setenv("BRANDPULSE_MODEL_DIR", str(models))
    monkeypatch.setenv("BRANDPULSE_GENERATOR", str(tiny_smol))
    scores = iter([0.25, 0.5])  # the bare model, then the adapter
    monkeypatch.setattr(adapter, "pass_rate_evaluator", lambda *a, **k: lambda g: next(scores))
    with store.session(settings=Settings(db=tmp_path / "x.duckdb")) as con:
        for text in VOICE[:6]:
            _add_suggestion(con, text, "approved", None)
        _add_suggestion(con, "Not this one.", "rejected", None)
    result = _tune(tmp_path, "--epochs", "1")
    assert result.exit_code == 0, result.output
    assert "Texts used: 6; evaluation cards: 10." in result.output
    assert "Pass rate of the checks: 25% before, 50% with the adapter." in result.output
    assert "Activated: pass rate 50% >= 25% of the bare model." in result.output
    chosen = active_adapter(models, str(tiny_smol))
    assert chosen is not None
    metadata = json.loads((chosen / "brandpulse-adapter.json").read_text())
    assert metadata["texts"] == 6 and metadata["pass_after"] == 0.5
