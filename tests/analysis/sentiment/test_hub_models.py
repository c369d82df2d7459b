"""Ready classifiers by Hugging Face id, loaded offline from a hub cache laid out as the hub does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

HUB_ID = "acme/tiny-twitter-sentiment"


@pytest.fixture
def hub_cache(tmp_path, tiny_base):
    """A tiny sequence-classification model with cardiffnlp's label names, in hub-cache layout."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    cache = tmp_path / "hub"
    repo = cache / ("models--" + HUB_ID.replace("/", "--"))
    snapshot = repo / "snapshots" / ("a" * 40)
    config = BertConfig.from_pretrained(tiny_base)
    config.id2label = {0: "negative", 1: "neutral", 2: "positive"}
    config.label2id = {v: k for k, v in config.id2label.items()}
    BertForSequenceClassification(config).save_pretrained(snapshot)
    AutoTokenizer.from_pretrained(tiny_base).save_pretrained(snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("a" * 40)
    return cache


def _offline(cache, tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_CACHE": str(cache),
        "HF_HUB_OFFLINE": "1",
        "BRANDPULSE_MODEL_DIR": str(tmp_path / "models"),
    }


def test_hub_id_loads_from_the_cache_without_internet(hub_cache, tmp_path):
    code = (
        "from analysis.sentiment.model import load_model; from analysis.sentiment.scoring import score_texts\n"
        f"m = load_model({HUB_ID!r})\n"
        "p = score_texts(m, ['great bottle', 'awful lid'])\n"
        "print(m.kind, m.output_labels, round(sum([p[0].p_negative, p[0].p_neutral, p[0].p_positive]), 6))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_offline(hub_cache, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split("\n")[0] == "sequence-classification ['negative', 'neutral', 'positive'] 1.0"


def test_configured_hub_model_scores_the_database(hub_cache, tmp_path):
    db = tmp_path / "hub.duckdb"
    env = {**_offline(hub_cache, tmp_path), "BRANDPULSE_DB": str(db)}
    reviews = tmp_path / "r.csv"
    reviews.write_text(
        "review_id,date,text,rating\n1,2025-10-06,love it,5\n2,2025-10-07,hate it,1\n"
    )

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "dashboard.cli", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("ingest", str(reviews), "--kind", "review")
    added = cli("models", "add", HUB_ID, "--use")
    assert "Registered hub-acme-tiny-twitter-sentiment" in added and "made it active" in added
    assert "scored 2 documents" in cli("analyze")
    listed = cli("models", "list")
    assert "* " in listed and "hub-acme-tiny-twitter-sentiment" in listed
    # The same model through the setting, with a label map, takes over from the active one.
    env["BRANDPULSE_SENTIMENT_MODEL"] = HUB_ID
    env["BRANDPULSE_SENTIMENT_LABEL_MAP"] = "negative=negative,neutral=neutral,positive=positive"
    assert "already scored" in cli("analyze")
    code = "import duckdb; print(duckdb.connect(r'%s', read_only=True).sql('SELECT label_map FROM models').fetchall()[0][0])"
    stored = subprocess.run(
        [sys.executable, "-c", code % db], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(stored)["negative"] == "negative"
