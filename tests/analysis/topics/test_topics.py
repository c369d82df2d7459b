"""Fitting, reproducing, editing and incrementally assigning topics on a small corpus (real MiniLM)."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from analysis.topics.assign import AssignResult, update_topics
from analysis.topics.edits import list_topics, merge_topics, rename_topic
from analysis.topics.fit import fit_topics
from loaders import store
from loaders.config import Settings
from loaders.errors import TopicError
from tests.conftest import insert_documents, rows, scalar

pytestmark = pytest.mark.slow

THEMES = {
    "battery": (
        ["The battery", "My phone battery", "Battery life", "The charge"],
        [
            "drains in two hours",
            "dies before lunch",
            "barely lasts the morning",
            "runs flat overnight",
            "drops to zero at noon",
        ],
        ["since the update.", "even on standby.", "every single day.", "and the charger is slow."],
    ),
    "delivery": (
        ["My parcel", "The package", "Our order", "The delivery"],
        [
            "arrived a week late",
            "never showed up",
            "got lost by the courier",
            "is stuck in transit",
            "came two weeks after the promised date",
        ],
        ["and tracking is useless.", "with no update.", "again this month.", "and nobody answers."],
    ),
    "taste": (
        ["The espresso", "This coffee", "The dark roast", "The morning brew"],
        [
            "tastes rich and chocolatey",
            "has a lovely nutty flavour",
            "is smooth with caramel notes",
            "smells amazing when I grind it",
            "has a bright fruity aroma",
        ],
        ["every morning.", "with oat milk.", "in my moka pot.", "as a cold brew."],
    ),
}


def corpus(seed: int, per_theme: int) -> list[tuple[str, str]]:
    """(theme, text) pairs: distinct sentences built from each theme's parts."""
    rng = random.Random(seed)
    out = []
    for theme, parts in THEMES.items():
        combos = list(itertools.product(*parts))
        rng.shuffle(combos)
        out += [(theme, " ".join(c)) for c in combos[:per_theme]]
    return out


def insert(settings: Settings, items: list[tuple[str, str]], prefix: str) -> None:
    start = datetime(2025, 9, 1, tzinfo=UTC)
    with store.session(settings=settings) as con:
        insert_documents(
            con,
            [
                (f"{prefix}{i:04d}", "review", "test", "Acme", start + timedelta(hours=i), text)
                for i, (_, text) in enumerate(items)
            ],
        )


def small_corpus(tmp_path, min_cluster_size: int) -> tuple[Settings, dict[str, str]]:
    settings = Settings(db=tmp_path / "t.duckdb", topic_min_cluster_size=min_cluster_size)
    items = corpus(1, 40)
    insert(settings, items, "d")
    return settings, {f"d{i:04d}": theme for i, (theme, _) in enumerate(items)}


@pytest.fixture
def small(tmp_path) -> tuple[Settings, dict[str, str]]:
    """Three themes of 40 texts, with topics large enough that each theme is one topic."""
    return small_corpus(tmp_path, 20)


def assignments(settings: Settings, level: str = "topic") -> dict[str, int]:
    if level == "topic":
        return dict(rows(settings.db, "SELECT doc_id, topic FROM doc_topics ORDER BY doc_id"))
    return dict(
        rows(
            settings.db,
            "SELECT d.doc_id, coalesce(t.theme, -1) FROM doc_topics d LEFT JOIN topics t "
            "ON t.run_id = d.run_id AND t.topic = d.topic ORDER BY d.doc_id",
        )
    )


def theme_of_topics(
    settings: Settings, truth: dict[str, str], level: str = "topic"
) -> dict[int, str]:
    """Majority theme of each topic (or theme), asserting each is at least 90% one theme."""
    found: dict[int, dict[str, int]] = {}
    for doc_id, topic in assignments(settings, level).items():
        if doc_id in truth and topic >= 0:
            found.setdefault(topic, {}).setdefault(truth[doc_id], 0)
            found[topic][truth[doc_id]] += 1
    result = {}
    for topic, counts in found.items():
        theme, n = max(counts.items(), key=lambda kv: kv[1])
        assert n / sum(counts.values()) >= 0.9, counts
        result[topic] = theme
    return result


def test_fit_finds_the_themes_with_labels_and_examples(small):
    settings, truth = small
    result = fit_topics(settings)
    assert result.run_id == 1 and result.n_docs == 120 and result.embedded == 120
    assert result.outlier_share <= 0.15
    assert sorted(theme_of_topics(settings, truth).values()) == ["battery", "delivery", "taste"]
    with store.session(settings=settings, read_only=True) as con:
        found = list_topics(con)
    assert sum(t.size for t in found) == 120 - round(result.outlier_share * 120)
    for topic in found:
        assert 1 <= len(topic.label.split()) <= 4 and "," not in topic.label
        assert "acme" not in topic.label.lower() and "acme" not in topic.keywords
        assert len(topic.examples) == 3 and all(text for _, text in topic.examples)
        # The name holds one of the topic's best keywords.
        top = [k for k in topic.keywords if " " not in k][:3]
        assert set(top) & set(topic.label.split()), (topic.label, top)
    keywords = {t.keywords[0] for t in found}
    assert "battery" in keywords and keywords & {"coffee", "espresso", "roast", "brew"}
    # Embeddings are cached once per distinct text.
    assert scalar(settings.db, "SELECT count(*) FROM embeddings") == 120


def test_small_topics_are_grouped_into_the_themes(tmp_path):
    settings, truth = small_corpus(tmp_path, 8)
    result = fit_topics(settings)
    fine = theme_of_topics(settings, truth)  # each fine topic is one theme's
    assert len(fine) > 3  # the themes split into their phrasings...
    # ... and the themes above them are the three themes again.
    assert result.n_themes == 3
    assert sorted(theme_of_topics(settings, truth, "theme").values()) == [
        "battery",
        "delivery",
        "taste",
    ]
    assert scalar(settings.db, "SELECT count(*) FROM topics WHERE theme IS NULL") == 0


def test_same_documents_same_topics(small):
    settings, _ = small
    first = fit_topics(settings)
    before = assignments(settings)
    labels_before = rows(settings.db, "SELECT topic, label FROM topics WHERE run_id = 1 ORDER BY 1")
    second = fit_topics(settings)
    assert second.run_id == first.run_id + 1 and second.embedded == 0  # all from the cache
    assert assignments(settings) == before
    assert (
        rows(settings.db, "SELECT topic, label FROM topics WHERE run_id = 2 ORDER BY 1")
        == labels_before
    )
    # Only the current run keeps document assignments.
    assert scalar(settings.db, "SELECT count(DISTINCT run_id) FROM doc_topics") == 1


def test_renames_and_merges_survive_a_refit(small):
    settings, truth = small
    fit_topics(settings)
    by_theme = {theme: topic for topic, theme in theme_of_topics(settings, truth).items()}
    rename_topic(settings, by_theme["battery"], "Battery complaints")
    merge_topics(settings, [by_theme["delivery"]], into=by_theme["taste"])
    with store.session(settings=settings, read_only=True) as con:
        names = {t.name for t in list_topics(con)}
    assert "Battery complaints" in names and len(names) == 2

    refit = fit_topics(settings)
    assert (refit.carried_labels, refit.carried_merges) == (1, 1)
    with store.session(settings=settings, read_only=True) as con:
        current = list_topics(con)
    assert "Battery complaints" in {t.name for t in current} and len(current) == 2
    moved = assignments(settings)
    delivery_topics = {moved[d] for d, theme in truth.items() if theme == "delivery"} - {-1}
    taste_topics = {moved[d] for d, theme in truth.items() if theme == "taste"} - {-1}
    assert delivery_topics == taste_topics and len(taste_topics) == 1


def test_new_documents_are_assigned_without_refit(small):
    settings, truth = small
    fit_topics(settings)
    by_theme = {theme: topic for topic, theme in theme_of_topics(settings, truth).items()}
    fresh = [(theme, text) for theme, text in corpus(2, 60) if text not in set(truth)]
    new_items = [item for item in fresh if item[1] not in {t for _, t in corpus(1, 40)}][:12]
    insert(settings, new_items, "n")
    result = update_topics(settings)
    assert isinstance(result, AssignResult)
    assert result.run_id == 1 and result.assigned + result.outliers == len(new_items)
    assert result.embedded == len(new_items)
    got = assignments(settings)
    correct = sum(got[f"n{i:04d}"] == by_theme[theme] for i, (theme, _) in enumerate(new_items))
    assert correct >= len(new_items) - 1
    assert scalar(settings.db, "SELECT count(*) FROM topic_runs") == 1
    # Sizes follow the new documents.
    assert scalar(settings.db, "SELECT sum(size) FROM topics WHERE run_id = 1") == sum(
        1 for t in got.values() if t >= 0
    )
    # Nothing left to assign.
    again = update_topics(settings)
    assert (again.assigned, again.outliers) == (0, 0)


def test_too_few_texts_and_unknown_topics_are_explained(tmp_path):
    settings = Settings(db=tmp_path / "t.duckdb")
    insert(settings, corpus(1, 3), "d")
    with pytest.raises(TopicError, match="Too few texts to find topics. Expected at least 20"):
        fit_topics(settings)
    with pytest.raises(TopicError, match="No topic model yet"):
        rename_topic(settings, 0, "x")
