"""The seed corpus and the offline default model: cache key, weak labels, quality on SST-2."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest

from analysis.sentiment.default_model import (
    DEFAULT_CONFIG,
    ensure_default_model,
    seed_examples,
    weak_label_examples,
)
from analysis.sentiment.seed_corpus import INDUSTRIES, build_seed_corpus
from analysis.sentiment.training import TrainingConfig, evaluate, read_labeled_file
from loaders import store
from loaders.ingest.files import ingest_file
from tests.conftest import SAMPLE, SHARED_DATA, needs_shared

# The target for the offline default on SST-2 dev is 0.85 accuracy; it reaches
# 0.79 (benchmarks/results/eval_sentiment.json). This floor guards that figure against
# regressions until the seed corpus closes the gap. The build must fit 5 min on 2 cores.
SST2_FLOOR = 0.78
BUILD_BUDGET_S = 300


def test_seed_corpus_is_large_varied_and_deterministic():
    rows = build_seed_corpus()
    assert rows == build_seed_corpus()
    texts = [t for t, _ in rows]
    assert len(rows) >= 2000 and len(set(texts)) == len(texts)
    per_label = {
        label: sum(1 for _, x in rows if x == label)
        for label in ("negative", "neutral", "positive")
    }
    assert min(per_label.values()) >= 600, per_label
    assert len(INDUSTRIES) >= 15

    def share(pattern: str) -> int:
        return sum(1 for t in texts if re.search(pattern, t, re.IGNORECASE))

    assert share(r"[😍😡🙄👍👎😤💔🔥]") >= 100  # emojis
    assert share(r"\?$") >= 100  # questions
    assert share(r"\b(not|n't|never|isn't|wasn't)\b") >= 200  # negation
    assert share(r"\b(launch|available|opening|announces|tickets go on sale)\b") >= 50
    assert ("Wow, two hours on hold. Fantastic customer service.", "negative") in rows  # sarcasm
    assert ("Not bad at all, actually better than I expected.", "positive") in rows


@pytest.mark.slow
def test_default_model_is_cached_by_a_hash_of_its_inputs_not_the_database(tmp_path, settings):
    ingest_file(SAMPLE / "reviews.csv", settings=settings)
    with store.session(settings=settings, read_only=True) as con:
        weak = weak_label_examples(con, per_class=20)
    assert [e.label for e in weak] == ["negative"] * 20 + ["neutral"] * 20 + ["positive"] * 20

    quick = TrainingConfig(max_steps=1, batch_size=8)
    models = tmp_path / "models"
    version, path, built = ensure_default_model(models, config=quick)
    assert built and path == models / version and (path / "metrics.json").is_file()
    card = (path / "MODEL_CARD.md").read_text()
    assert "Brandpulse seed corpus" in card and "star-rated" not in card
    started = time.monotonic()
    again = ensure_default_model(models, config=quick)
    assert again == (version, path, False) and time.monotonic() - started < 10
    other_version, _, _ = ensure_default_model(models, config=replace(quick, seed=14))
    assert other_version != version
    assert sorted(p.name for p in models.iterdir()) == sorted([version, other_version])


@pytest.mark.slow
@needs_shared
def test_offline_default_on_sst2_dev(tmp_path):
    from analysis.sentiment.model import load_model

    started = time.monotonic()
    _, path, built = ensure_default_model(tmp_path)
    seconds = time.monotonic() - started
    assert built and seconds <= BUILD_BUDGET_S, f"build took {seconds:.0f}s"
    assert len(seed_examples()) >= 2000 and DEFAULT_CONFIG.epochs > 0
    dev = read_labeled_file(SHARED_DATA / "sst2" / "dev.csv").examples
    accuracy = evaluate(load_model(path), dev)["accuracy"]
    assert accuracy >= SST2_FLOOR, f"SST-2 dev accuracy {accuracy:.3f}"


@pytest.mark.slow
def test_the_default_labels_a_text_the_same_in_every_database(tmp_path, monkeypatch):
    """Two databases with different data (one with star ratings) get the same default model,
    so the same posts get the same labels and probabilities in both."""
    from analysis.sentiment import default_model
    from analysis.sentiment.scoring_run import analyze
    from loaders.config import Settings
    from tests.conftest import insert_documents

    monkeypatch.setattr(
        default_model, "DEFAULT_CONFIG", TrainingConfig(max_steps=3, batch_size=8, max_length=48)
    )
    shared = [
        "The lid leaked all over my bag, really annoyed.",
        "Does the bottle fit a car cup holder?",
        "Absolutely love the new colour, great gift!",
    ]
    models = tmp_path / "models"
    reviews = Settings(db=tmp_path / "reviews.duckdb", model_dir=models)
    social = Settings(db=tmp_path / "social.duckdb", model_dir=models)
    ingest_file(SAMPLE / "reviews.csv", settings=reviews)  # star ratings the old default used
    for settings, kind in ((reviews, "review"), (social, "social")):
        with store.session(settings=settings) as con:
            insert_documents(
                con,
                [
                    (f"shared-{i}", kind, "x", "Acme", "2026-01-05 10:00", t)
                    for i, t in enumerate(shared)
                ],
            )
    results = [analyze(settings) for settings in (reviews, social)]
    assert results[0].model_version == results[1].model_version
    assert results[0].model_built and not results[1].model_built  # built once, reused

    def labels(settings: Settings) -> list[tuple]:
        with store.session(settings=settings, read_only=True) as con:
            return con.execute(
                "SELECT doc_id, label, round(p_negative, 6), round(p_positive, 6) FROM sentiment "
                "WHERE doc_id LIKE 'shared-%' ORDER BY doc_id"
            ).fetchall()

    assert labels(reviews) == labels(social) and len(labels(social)) == 3
