"""Incremental scoring into the database, model switching, empty texts, corrections, queue."""

from __future__ import annotations

import time

import pytest

from analysis.insight.trend import sentiment_trend
from analysis.sentiment import registry, scoring_run
from analysis.sentiment.corrections import add_correction, corrections, least_certain
from analysis.sentiment.scoring_run import analyze
from loaders import store
from loaders.errors import BrandpulseError, ModelError
from loaders.ingest.files import ingest_file
from tests.conftest import rows, scalar

LONG_REVIEW = "I have used this bottle every day on my commute. " * 60 + "It started to leak."
CORPUS = [
    ("r1", "2025-10-06", "I love this bottle, it is perfect", 5),
    ("r2", "2025-10-06", "The lid leaks and it broke in a week", 1),
    ("r3", "2025-10-07", "Terrible support, never again", 1),
    ("r4", "2025-10-08", "Ordered the medium size yesterday", 3),
    ("r5", "2025-10-13", "Great service and friendly staff", 5),
    ("r6", "2025-10-14", "Great service and friendly staff", 4),  # same text, another review
    ("r7", "2025-10-14", "Die Flasche ist wirklich schlecht, der Deckel ist undicht", 1),
    ("r8", "2025-10-15", LONG_REVIEW, 2),
]


# The aggregates the corrections test checks, read from the live weekly trend (the Sentiment
# page's) and the corrections list, with the names and keys of the functions they replaced.
def sentiment_summary(con):
    weeks = sentiment_trend(con, grain="week")
    counts = ("documents", "labeled", "positive", "neutral", "negative")
    summary = {key: sum(week[key] for week in weeks) for key in counts}
    summary["corrected"] = len(corrections(con))
    return summary


def weekly_sentiment(con):
    return [
        {"week": week["period"], "share_positive": week["positive"] / week["labeled"]}
        for week in sentiment_trend(con, grain="week")
        if week["labeled"]
    ]


@pytest.fixture
def corpus_db(tmp_path, settings, tiny_model):
    path = tmp_path / "reviews.csv"
    lines = ["review_id,date,text,rating"] + [f'{i},{d},"{t}",{r}' for i, d, t, r in CORPUS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_file(path, settings=settings, kind="review", brand="Tidewell")
    with store.session(settings=settings) as con:
        registry.register(
            con, version="tiny-a", kind="brandpulse", source=str(tiny_model), activate=True
        )
    return settings


def test_analyze_scores_every_document_once(corpus_db):
    first = analyze(corpus_db)
    assert first.model_version == "tiny-a"
    assert first.scored == len(CORPUS)
    assert first.unique_texts == len(CORPUS) - 1  # the repeated text is scored once
    db = corpus_db.db
    assert scalar(db, "SELECT count(*) FROM sentiment WHERE model_version = 'tiny-a'") == 8
    assert scalar(db, "SELECT count(DISTINCT doc_id) FROM sentiment") == 8
    bad_rows = scalar(
        db,
        "SELECT count(*) FROM sentiment WHERE abs(p_negative + p_neutral + p_positive - 1) > 1e-6 "
        "OR abs(score - (p_positive - p_negative)) > 1e-9 OR label IS NULL",
    )
    assert bad_rows == 0
    german = "SELECT s.language FROM sentiment s JOIN documents d USING (doc_id) WHERE d.external_id = 'r7'"
    assert scalar(db, german) == "de"
    assert scalar(db, german.replace("'r7'", "'r1'")) == "en"

    second = analyze(corpus_db)
    assert second.scored == 0 and second.unique_texts == 0
    assert scalar(db, "SELECT count(*) FROM sentiment") == 8


def test_model_build_time_is_kept_apart_from_scoring(corpus_db, monkeypatch):
    # A stand-in for the default model's build: slow, and reporting that it built.
    real = scoring_run.resolve_model

    def slow_build(settings, progress=None):
        time.sleep(0.5)
        return real(settings, progress)[0], True

    monkeypatch.setattr(scoring_run, "resolve_model", slow_build)
    result = analyze(corpus_db)
    assert result.model_built and result.scored == len(CORPUS)
    assert 0.5 <= result.build_seconds <= result.seconds
    # Scoring eight tiny texts takes a fraction of the build.
    assert result.seconds - result.build_seconds < result.build_seconds


def test_switching_model_version_rescores(corpus_db, tiny_model):
    analyze(corpus_db)
    with store.session(settings=corpus_db) as con:
        registry.register(con, version="tiny-b", kind="brandpulse", source=str(tiny_model))
        assert registry.active(con).version == "tiny-a"
        registry.use(con, "tiny-b")
        with pytest.raises(ModelError, match="No model version 'nope'.*tiny-a, tiny-b"):
            registry.use(con, "nope")
    assert analyze(corpus_db).scored == len(CORPUS)
    counts = rows(
        corpus_db.db, "SELECT model_version, count(*) FROM sentiment GROUP BY 1 ORDER BY 1"
    )
    assert counts == [("tiny-a", 8), ("tiny-b", 8)]
    with store.session(settings=corpus_db, read_only=True) as con:
        listed = {m.version: (m.active, m.scored) for m in registry.list_models(con)}
    assert listed == {"tiny-a": (False, 8), "tiny-b": (True, 8)}


def test_empty_text_gets_no_label_and_a_reason(corpus_db):
    with store.session(settings=corpus_db) as con:
        con.execute(
            "INSERT INTO documents (doc_id, kind, source, created_at, text, text_hash, ingest_run_id) "
            "VALUES ('blank', 'social', 'test', now(), '   ', md5(''), 1)"
        )
    result = analyze(corpus_db)
    assert result.skipped == {"empty text": 1}
    assert result.scored == len(CORPUS)
    blank = rows(
        corpus_db.db,
        "SELECT label, score, skip_reason FROM sentiment WHERE doc_id = 'blank'",
    )
    assert blank == [(None, None, "empty text")]
    assert analyze(corpus_db).skipped == {}  # not retried on the next run


def test_corrections_override_every_aggregate(corpus_db):
    analyze(corpus_db)
    db = corpus_db.db
    target = scalar(
        db,
        "SELECT doc_id FROM sentiment WHERE label <> 'positive' ORDER BY doc_id LIMIT 1",
    )
    model_label = scalar(db, "SELECT label FROM sentiment WHERE doc_id = ?", [target])
    with store.session(settings=corpus_db, read_only=True) as con:
        before = sentiment_summary(con)
        weeks_before = {w["week"]: w["share_positive"] for w in weekly_sentiment(con)}
        queue = least_certain(con, 20)
    assert before["documents"] == 8 and before["labeled"] == 8
    margins = [d.margin for d in queue]
    assert margins == sorted(margins) and len(queue) == 8
    assert target in {d.doc_id for d in queue}

    add_correction(corpus_db, target, "positive", note="sarcasm check")
    with store.session(settings=corpus_db, read_only=True) as con:
        after = sentiment_summary(con)
        weeks_after = {w["week"]: w["share_positive"] for w in weekly_sentiment(con)}
        queue_after = least_certain(con, 20)
    assert after["positive"] == before["positive"] + 1
    assert after[model_label] == before[model_label] - 1
    assert after["corrected"] == 1
    changed = [w for w in weeks_after if weeks_after[w] != weeks_before[w]]
    assert len(changed) == 1 and weeks_after[changed[0]] > weeks_before[changed[0]]
    assert target not in {d.doc_id for d in queue_after}  # labeled: leaves the queue

    add_correction(corpus_db, target, "negative")  # the newest correction wins
    with store.session(settings=corpus_db, read_only=True) as con:
        assert sentiment_summary(con)["negative"] == before["negative"] + (
            model_label != "negative"
        )
    with pytest.raises(BrandpulseError, match="No document with id 'nope'"):
        add_correction(corpus_db, "nope", "positive")
    with pytest.raises(BrandpulseError, match="not a sentiment label"):
        add_correction(corpus_db, target, "great")


@pytest.mark.slow
def test_retrain_with_corrections_registers_an_active_evaluated_model(corpus_db, tiny_base):
    from analysis.sentiment.scoring_run import active_model_metrics
    from analysis.sentiment.trainer import CORRECTION_WEIGHT, retrain_with_corrections
    from analysis.sentiment.training import TrainingConfig

    analyze(corpus_db)
    with pytest.raises(BrandpulseError, match="No corrections to learn from yet"):
        retrain_with_corrections(corpus_db, base=str(tiny_base))
    first, second = [r[0] for r in rows(corpus_db.db, "SELECT doc_id FROM documents LIMIT 2")]
    add_correction(corpus_db, first, "neutral")
    add_correction(corpus_db, second, "negative")
    stages = []
    trained = retrain_with_corrections(
        corpus_db,
        base=str(tiny_base),
        config=TrainingConfig(max_steps=3, batch_size=8, max_length=32),
        progress=lambda stage, done, total: stages.append(stage),
    )
    assert trained.version.startswith("retrained-")
    assert f"2 human corrections (each counted {CORRECTION_WEIGHT} times)" in (
        trained.path / "MODEL_CARD.md"
    ).read_text(encoding="utf-8")
    assert trained.log["steps"] == 3 and stages
    with store.session(settings=corpus_db, read_only=True) as con:
        version, metrics = active_model_metrics(con)
    assert version == trained.version
    [figures] = metrics.values()
    assert figures["n"] > 100 and 0 <= figures["macro_f1"] <= 1
    analyze(corpus_db)  # re-scores every document with the new model
    assert scalar(
        corpus_db.db, "SELECT count(*) FROM sentiment WHERE model_version = ?", [trained.version]
    ) == len(CORPUS)
