"""Adaptation to the user's posts: the split, pseudo-labels, the activation decision, and
a whole run on a tiny database with tiny models (the real figures are in
benchmarks/results/eval_adaptation.json)."""

from __future__ import annotations

import pytest

from analysis.sentiment import adaptation, registry
from analysis.sentiment.adaptation import (
    MIN_LABELS,
    AdaptOptions,
    activation_decision,
    adapt_model,
    pseudo_label_examples,
    split_user_labels,
)
from analysis.sentiment.corrections import UserLabel, user_labels
from analysis.sentiment.evaluation import evaluate_confusion
from analysis.sentiment.scoring_run import analyze
from analysis.sentiment.training import TrainingConfig
from loaders import store
from loaders.errors import BrandpulseError
from tests.conftest import TINY_EXAMPLES, insert_documents, rows

QUICK = TrainingConfig(max_steps=3, batch_size=8, max_length=32, learning_rate=1e-3)
SMALL = AdaptOptions(pseudo_threshold=0.3, pseudo_per_class=5, seed_sample=60, keep_fair=0)


def labelled_posts_db(settings, tiny_model, labelled: int = 60) -> None:
    """Posts (``labelled`` of them with a human label, a third fair), ten unlabelled posts,
    six star-rated reviews, scored by ``tiny_model`` as the active model 'tiny-a'."""
    docs, labels = [], []
    for i in range(labelled + 10):
        text, label = TINY_EXAMPLES[i % len(TINY_EXAMPLES)]
        docs.append((f"p{i:03d}", "social", "x", "Tidewell", "2025-10-06", f"{text} #{i}"))
        if i < labelled:
            labels.append((f"p{i:03d}", label, "random" if i % 3 == 0 else "correction"))
    reviews = [
        (f"r{i}", "review", "shop", "Tidewell", "2025-10-07", f"Bottle review {i}")
        for i in range(6)
    ]
    with store.session(settings=settings) as con:
        insert_documents(con, docs + reviews)
        for i in range(6):
            con.execute("UPDATE documents SET rating = ? WHERE doc_id = ?", [1 + i % 5, f"r{i}"])
        con.executemany(
            "INSERT INTO labels (doc_id, label, labeled_at, note, origin) VALUES (?, ?, now(), NULL, ?)",
            labels,
        )
        registry.register(
            con, version="tiny-a", kind="brandpulse", source=str(tiny_model), activate=True
        )
    analyze(settings)


def figures(version, confusion):
    return evaluate_confusion(version, confusion)


GOOD = [[8, 1, 1], [1, 8, 1], [1, 1, 8]]  # macro recall 0.8
POOR = [[5, 3, 2], [3, 5, 2], [2, 3, 5]]  # macro recall 0.5


def test_activation_follows_macro_recall_unless_the_user_decides():
    better, worse = figures("new", GOOD), figures("old", POOR)
    active, reason = activation_decision(better, worse, "default-x", None)
    assert active and reason.startswith("Active because it beats")
    assert "0.800 vs 0.500 for default-x on 30 held-out labels" in reason
    active, reason = activation_decision(worse, better, "default-x", None)
    assert not active and reason.startswith("Not active because it does not beat")
    assert not activation_decision(worse, figures("old", POOR), "d", None)[0]  # a tie is no gain
    assert activation_decision(worse, better, "d", True) == (
        True,
        "Active because you asked for it (macro recall 0.500 vs 0.800 for d on 30 held-out labels).",
    )
    assert not activation_decision(better, worse, "d", False)[0]


def test_split_holds_out_fair_labels_first_and_is_deterministic():
    labels = [UserLabel(f"d{i}", f"text {i}", "neutral", fair=i < 20) for i in range(100)]
    train, held = split_user_labels(labels, 0.3)
    assert len(held) == 30 and len(train) == 70
    assert sum(u.fair for u in held) == 20  # every fair label, then corrections by hash
    assert split_user_labels(list(reversed(labels)), 0.3) == (train, held)
    assert not {u.doc_id for u in train} & {u.doc_id for u in held}
    # Documents the baseline learned go to training; a repost of a held-out text is dropped.
    avoid = {u.doc_id for u in held[:5]}
    original = next(u for u in held if u.fair and u.doc_id not in avoid)
    labels.append(UserLabel("repost", original.text, "neutral", fair=False))
    train, held = split_user_labels(labels, 0.3, avoid)
    assert not avoid & {u.doc_id for u in held} and avoid <= {u.doc_id for u in train}
    assert original in held and "repost" not in {u.doc_id for u in train + held}
    assert len(train) + len(held) == len(labels) - 1


def test_split_keeps_enough_fair_labels_unseen_to_correct_the_shares():
    labels = [UserLabel(f"d{i}", f"text {i}", "neutral", fair=i < 300) for i in range(350)]
    train, held = split_user_labels(labels, 0.3, keep_fair=200)
    assert sum(u.fair for u in held) == 200 and len(held) == 200  # more than 30% of 350
    assert sum(u.fair for u in train) == 100
    # With fewer fair labels than asked for, all of them are kept out of training.
    _, held = split_user_labels(labels[250:], 0.3, keep_fair=200)
    assert sum(u.fair for u in held) == 50


def test_pseudo_labels_are_confident_and_balanced():
    rows_ = [(f"pos {i}", 0.05, 0.05, 0.9 - i / 100) for i in range(10)]
    rows_ += [("neg sure", 0.95, 0.03, 0.02), ("neg unsure", 0.6, 0.3, 0.1)]
    rows_ += [("neu sure", 0.05, 0.9, 0.05), ("neu sure 2", 0.05, 0.85, 0.1)]
    picked = pseudo_label_examples(rows_, threshold=0.8, per_class=5)
    assert [(e.text, e.label) for e in picked] == [
        ("neg sure", "negative"),
        ("neu sure", "neutral"),
        ("pos 0", "positive"),  # only the most confident positive: as many as negatives
    ]
    assert len(pseudo_label_examples(rows_[:10], 0.8, per_class=3)) == 3
    assert pseudo_label_examples(rows_, threshold=0.99, per_class=5) == []


def test_too_few_labels_is_an_error_with_a_fix(settings, tiny_model):
    labelled_posts_db(settings, tiny_model, labelled=MIN_LABELS - 1)
    with pytest.raises(BrandpulseError) as error:
        adapt_model(settings, config=QUICK)
    message = str(error.value)
    assert f"Found {MIN_LABELS - 1} labelled posts" in message
    assert f"label at least {MIN_LABELS} posts first" in message
    assert rows(settings.db, "SELECT count(*) FROM models") == [(1,)]  # nothing registered


@pytest.mark.slow
def test_adapted_model_is_registered_with_its_training_docs(settings, tiny_model, monkeypatch):
    monkeypatch.setattr(adaptation, "start_model", lambda settings, progress=None: tiny_model)
    labelled_posts_db(settings, tiny_model)
    with store.session(settings=settings, read_only=True) as con:
        expected_train, expected_held = split_user_labels(user_labels(con))
    stages: list[str] = []
    result = adapt_model(
        settings, config=QUICK, options=SMALL, progress=lambda s, d, t: stages.append(s)
    )
    assert result.version.startswith("adapted-") and (result.path / "MODEL_CARD.md").is_file()
    assert {"gathering examples", "training", "evaluating"} <= set(stages)
    assert result.baseline_version == "tiny-a" and result.new.n == len(expected_held) == 18
    assert result.counts == {
        "your labels": 42,
        "star ratings": 6,
        "pseudo-labels": result.counts["pseudo-labels"],
        "seed corpus": 60,
        "held out": 18,
    }
    assert 0 < result.counts["pseudo-labels"] <= 15 and result.log["steps"] == 3
    trained = {
        r[0]
        for r in rows(
            settings.db,
            "SELECT doc_id FROM model_training_docs WHERE version = ?",
            [result.version],
        )
    }
    assert trained == {u.doc_id for u in expected_train}
    assert not trained & {u.doc_id for u in expected_held}
    better = result.new.macro_recall > result.baseline.macro_recall
    active = rows(settings.db, "SELECT version FROM models WHERE active")
    assert result.activated == better and active == [(result.version if better else "tiny-a",)]
    card = (result.path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "42 of your labels (each counted 8 times)" in card and "tiny-a (model in use)" in card

    forced = adapt_model(settings, activate=True, config=QUICK, options=SMALL)
    assert forced.activated and forced.version != result.version
    assert forced.reason.startswith("Active because you asked for it")
    assert rows(settings.db, "SELECT version FROM models WHERE active") == [(forced.version,)]
    never = adapt_model(settings, activate=False, config=QUICK, options=SMALL)
    assert not never.activated and never.baseline_version == forced.version
    assert rows(settings.db, "SELECT version FROM models WHERE active") == [(forced.version,)]


def test_fine_tune_can_start_from_a_brandpulse_model(tiny_model, tiny_base):
    import torch

    from analysis.sentiment.model import load_model
    from analysis.sentiment.training import Example, fine_tune
    from loaders.errors import ModelError

    examples = [Example(text, label) for text, label in TINY_EXAMPLES]
    still = TrainingConfig(max_steps=1, batch_size=4, learning_rate=0.0)  # weights stay put
    net, _, _ = fine_tune(examples, str(tiny_base), still, start_from=tiny_model)
    saved = load_model(tiny_model).net
    assert torch.equal(net.head.weight, saved.head.weight)
    fresh, _, _ = fine_tune(examples, str(tiny_base), still)
    assert not torch.equal(fresh.head.weight, saved.head.weight)
    with pytest.raises(ModelError, match="Cannot continue training from"):
        fine_tune(examples, str(tiny_base), still, start_from=tiny_base)
