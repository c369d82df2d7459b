"""Corrected shares over a real temporary database: which labels count, and the figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from click.testing import CliRunner

from analysis.filters import Filters
from analysis.sentiment.corrections import add_correction, random_sample
from analysis.sentiment.evaluation import user_evaluations
from analysis.sentiment.quantify import correct_shares, powered_shares
from analysis.sentiment.shares import fair_confusion, sentiment_shares, shares_summary
from dashboard.cli import cli
from loaders import store
from tests.conftest import insert_documents

LABELS = ("negative", "neutral", "positive")
# (true label, model label, documents) for brand "Acme": the model calls a third of the
# truly negative posts neutral; "Other" is all truly positive and predicted so.
ACME = [
    ("negative", "negative", 120),
    ("negative", "neutral", 60),
    ("neutral", "neutral", 50),
    ("neutral", "positive", 10),
    ("positive", "positive", 55),
    ("positive", "neutral", 5),
]


# The model's probabilities for each label it gives.
PROBS = {
    "negative": (0.7, 0.2, 0.1),
    "neutral": (0.2, 0.6, 0.2),
    "positive": (0.1, 0.2, 0.7),
}


def build(settings, fair_every: int) -> dict[str, tuple[str, str, str]]:
    """Documents with a 'test' model's labels; every ``fair_every``-th gets an imported label."""
    start = datetime(2026, 3, 2, tzinfo=UTC)
    docs, truth = [], {}
    for brand, plan in (("Acme", ACME), ("Other", [("positive", "positive", 40)])):
        for true_label, predicted, count in plan:
            for _ in range(count):
                doc_id = f"d{len(docs):04d}"
                docs.append(
                    (
                        doc_id,
                        "social",
                        "x",
                        brand,
                        start + timedelta(hours=len(docs)),
                        f"post {doc_id}",
                    )
                )
                truth[doc_id] = (brand, true_label, predicted)
    with store.session(settings=settings) as con:
        insert_documents(con, docs)
        con.execute(
            "INSERT INTO models VALUES ('test', 'test', 'x', NULL, NULL, NULL, now(), true)"
        )
        for doc_id, (_, _, predicted) in truth.items():
            con.execute(
                "INSERT INTO sentiment VALUES (?, 'test', ?, ?, ?, ?, 0, 'en', NULL, now())",
                [doc_id, predicted, *PROBS[predicted]],
            )
        for i, (doc_id, (_, true_label, _)) in enumerate(truth.items()):
            if i % fair_every == 0:
                con.execute(
                    "INSERT INTO labels VALUES (?, ?, now(), 'imported', 'import')",
                    [doc_id, true_label],
                )
    return truth


def test_corrected_shares_use_fair_labels_and_keep_every_human_label(settings):
    truth = build(settings, fair_every=2)  # 170 imported labels
    # A correction from the least-certain queue: a human label, but not a fair sample.
    picked = next(d for d, (b, t, p) in truth.items() if b == "Acme" and t != p and int(d[1:]) % 2)
    add_correction(settings, picked, truth[picked][1])

    with store.session(settings=settings, read_only=True) as con:
        shares = sentiment_shares(con, Filters(brand="Acme"), min_labels=100)

    acme = [d for d, (b, _, _) in truth.items() if b == "Acme"]
    fair = [d for i, d in enumerate(truth) if i % 2 == 0 and d in acme]
    # 150 random labels inside the selection: prediction-powered inference from them.
    assert shares.n_labels == len(fair) == 150 and shares.method.startswith("prediction-powered")
    unlabelled = [d for d in acme if d not in fair and d != picked]
    expected = powered_shares(
        [LABELS.index(truth[d][1]) for d in fair],
        [PROBS[truth[d][2]] for d in fair],
        np.mean([PROBS[truth[d][2]] for d in unlabelled], axis=0),
        len(unlabelled),
    )
    # The correction counts as it is; the estimate covers the other 299 documents.
    corrected_negative = (int(truth[picked][1] == "negative") + 299 * expected.shares[0]) / 300
    assert shares.corrected["negative"][0] == pytest.approx(corrected_negative)
    assert shares.n_documents == len(acme) == 300
    true_negative = 180 / 300
    raw_error = abs(shares.raw["negative"] - true_negative)
    assert abs(shares.corrected["negative"][0] - true_negative) < raw_error / 2
    low, high = shares.corrected["negative"][1:]
    assert low <= true_negative <= high
    assert shares.corrected_net[0] == pytest.approx(
        shares.corrected["positive"][0] - shares.corrected["negative"][0]
    )


def test_a_selection_with_few_labels_uses_the_error_rates_of_all(settings):
    truth = build(settings, fair_every=2)  # 170 imported labels, 20 of them for "Other"
    with store.session(settings=settings, read_only=True) as con:
        shares = sentiment_shares(con, Filters(brand="Other"), min_labels=100)
        confusion = fair_confusion(con)
    assert shares.method.startswith("adjusted classify-and-count") and shares.n_labels == 170
    other = [i for i, (b, _, _) in enumerate(truth.values()) if b == "Other"]
    known = [0, 0, sum(1 for i in other if i % 2 == 0)]
    predicted = [0, 0, len(other) - known[2]]
    expected = correct_shares(confusion, predicted, known)
    assert shares.corrected["positive"] == pytest.approx(
        (expected.shares[2], expected.low[2], expected.high[2])
    )


def test_without_enough_fair_labels_shares_stay_raw_and_say_how_many_more(settings):
    truth = build(settings, fair_every=10)  # 34 imported labels
    with store.session(settings=settings, read_only=True) as con:
        shares = sentiment_shares(con, min_labels=100)
        queue = random_sample(con, 5)
        again = random_sample(con, 5)
    assert shares.corrected is None and shares.n_labels == 34
    assert shares.labels_needed == 66
    assert shares.as_json()["method"] == "raw classify-and-count"
    # Raw shares are what the pages show: a human label wins over the model's.
    effective = [t if i % 10 == 0 else p for i, (_, t, p) in enumerate(truth.values())]
    assert shares.raw["negative"] == pytest.approx(effective.count("negative") / 340)
    # The random queue is stable across page loads, and holds unlabelled posts only.
    assert [d.doc_id for d in queue] == [d.doc_id for d in again] and len(queue) == 5
    assert all(int(d.doc_id[1:]) % 10 for d in queue)
    assert sorted(d.doc_id for d in queue) != [d.doc_id for d in queue]  # not in id order

    add_correction(settings, queue[0].doc_id, "negative", origin="random")
    with store.session(settings=settings, read_only=True) as con:
        assert sentiment_shares(con, min_labels=100).n_labels == 35


def test_user_evaluation_per_model_with_interval(settings):
    truth = build(settings, fair_every=1)  # every document labelled
    with store.session(settings=settings, read_only=True) as con:
        figures = user_evaluations(con)["test"]
    assert figures.n == len(truth) == 340
    assert figures.confusion[0] == [120, 60, 0]
    assert figures.accuracy == pytest.approx((120 + 50 + 95) / 340)
    assert figures.macro_recall == pytest.approx((120 / 180 + 50 / 60 + 95 / 100) / 3)
    low, high = figures.accuracy_interval
    assert low < figures.accuracy < high and high - low < 0.12


def test_cli_prints_the_json_object(settings, monkeypatch):
    build(settings, fair_every=2)
    monkeypatch.setenv("BRANDPULSE_DB", str(settings.db))
    result = CliRunner().invoke(cli, ["sentiment", "shares", "--brand", "Acme", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"n_documents", "n_labels", "raw", "corrected", "method"}
    assert data["n_documents"] == 300 and data["n_labels"] == 150
    assert set(data["corrected"]) == set(LABELS) and len(data["corrected"]["negative"]) == 3
    assert abs(sum(data["raw"].values()) - 1) < 1e-9

    table = CliRunner().invoke(cli, ["sentiment", "shares", "--brand", "Acme"])
    assert (
        "corrected (95% interval)" in table.output and "150 of your random labels" in table.output
    )


def test_a_sentiment_filter_is_not_corrected(settings):
    build(settings, fair_every=2)
    with store.session(settings=settings, read_only=True) as con:
        shares = sentiment_shares(con, Filters(sentiment="negative"), min_labels=100)
    assert shares.corrected is None and shares.labels_needed == 0
    assert shares.raw["negative"] == 1.0
    assert "filtered by sentiment" in shares_summary(shares)


def test_quotable_figures_use_the_fair_labels_when_there_are_enough(settings):
    from analysis.sentiment.evaluation import ALL_LABELS, FAIR_LABELS, quotable_evaluations

    truth = build(settings, fair_every=10)  # 34 imported labels
    # Ten least-certain picks: all posts the model got wrong.
    wrong = [d for d, (_, t, p) in truth.items() if t != p][1:40:4]
    for doc_id in wrong:
        add_correction(settings, doc_id, truth[doc_id][1])
    with store.session(settings=settings, read_only=True) as con:
        figures, which = quotable_evaluations(con)["test"]
        everything = user_evaluations(con)["test"]
    assert which == FAIR_LABELS and figures.n == 34
    assert everything.n == 34 + len([d for d in wrong if int(d[1:]) % 10])
    assert everything.accuracy < figures.accuracy  # the picks are hard posts
    with store.session(settings=settings) as con:
        con.execute("DELETE FROM labels WHERE origin = 'import' AND doc_id > 'd0100'")
    with store.session(settings=settings, read_only=True) as con:
        assert quotable_evaluations(con)["test"][1] == ALL_LABELS  # too few fair ones left
