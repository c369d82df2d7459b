"""Topics on corpora that broke the sample-tuned pipeline: one dominant subject, bot repeats,
new documents from another domain (real MiniLM, small generated corpora)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from analysis.topics.assign import AssignResult, update_topics
from analysis.topics.fit import FitResult, fit_topics
from loaders import store
from loaders.config import Settings
from tests.conftest import insert_documents, rows

pytestmark = pytest.mark.slow

BATTERY = (
    [
        "The battery",
        "My phone battery",
        "Battery life",
        "The charge",
        "This battery",
        "The power bank",
        "My laptop battery",
        "The cell",
    ],
    [
        "drains in two hours",
        "dies before lunch",
        "barely lasts the morning",
        "runs flat overnight",
        "drops to zero at noon",
        "loses half its charge in an hour",
        "will not hold a charge anymore",
        "goes from full to empty on a short call",
        "swells and gets hot while charging",
        "takes all night to charge",
    ],
    [
        "since the update.",
        "even on standby.",
        "every single day.",
        "and the charger is slow.",
        "after a month of use.",
        "with nothing running.",
        "@voltcell please fix this.",
        "which is ridiculous for the price.",
    ],
)
OTHER = {
    "delivery": (
        ["My parcel", "The package", "Our order"],
        ["arrived a week late", "never showed up", "got lost by the courier"],
        ["and tracking is useless.", "with no update.", "and nobody answers.", "again."],
    ),
    "taste": (
        ["The espresso", "This coffee", "The dark roast"],
        ["tastes rich and chocolatey", "has a lovely nutty flavour", "is smooth with caramel"],
        ["every morning.", "with oat milk.", "in my moka pot.", "as a cold brew."],
    ),
}
BANKING = (
    ["How do I", "Can I", "Is it possible to", "I need to", "Please help me"],
    [
        "reset my online banking password",
        "order a new debit card",
        "see my pending transfer",
        "change the PIN of my card",
        "get a refund for a duplicate charge",
        "open a savings account",
    ],
    ["today?", "from the app?", "without calling?", "as soon as possible."],
)


def texts_from(parts, count: int, seed: int) -> list[str]:
    combos = list(itertools.product(*parts))
    random.Random(seed).shuffle(combos)
    return [" ".join(c) for c in combos[:count]]


def insert(settings: Settings, texts: list[str], prefix: str, brand: str = "Voltcell") -> None:
    start = datetime(2025, 9, 1, tzinfo=UTC)
    with store.session(settings=settings) as con:
        insert_documents(
            con,
            [
                (f"{prefix}{i:04d}", "social", "test", brand, start + timedelta(hours=i), text)
                for i, text in enumerate(texts)
            ],
        )


LEVELS = {
    "topic": "SELECT doc_id, topic FROM doc_topics",
    "theme": "SELECT d.doc_id, coalesce(t.theme, -1) FROM doc_topics d LEFT JOIN topics t "
    "ON t.run_id = d.run_id AND t.topic = d.topic",
}


def level_of(settings: Settings, level: str) -> dict[str, int]:
    return dict(rows(settings.db, LEVELS[level]))


def purity(groups: dict[str, int], prefix: str) -> dict[int, float]:
    """Per topic or theme: the share of its documents whose id starts with ``prefix``."""
    sizes = Counter(g for g in groups.values() if g >= 0)
    mine = Counter(g for d, g in groups.items() if g >= 0 and d.startswith(prefix))
    return {g: mine[g] / sizes[g] for g in sizes}


def test_a_dominant_subject_is_not_cut_into_noise_nor_swallows_the_rest(tmp_path):
    """90% of the posts are about batteries (ten complaints, many phrasings)."""
    settings = Settings(db=tmp_path / "t.duckdb")
    battery = texts_from(BATTERY, 540, 1)
    insert(settings, battery, "b")
    others = {name: texts_from(parts, 30, 2) for name, parts in OTHER.items()}
    for name, texts in others.items():
        insert(settings, texts, name[0])
    fit_topics(settings)
    for level in ("topic", "theme"):
        groups = level_of(settings, level)
        pure = purity(groups, "b")
        # Battery posts sit in topics and themes about batteries, not in Other ("noise").
        held = sum(1 for d, g in groups.items() if d.startswith("b") and pure.get(g, 0) >= 0.9)
        assert held / len(battery) >= 0.85, (level, held)
        # The other subjects keep topics and themes of their own.
        for name in others:
            theirs = purity(groups, name[0])
            found = sum(1 for d, g in groups.items() if d[0] == name[0] and theirs.get(g, 0) >= 0.9)
            assert found / len(others[name]) >= 0.8, (level, name, found)
    with store.session(settings=settings, read_only=True) as con:
        labels = [r[0] for r in con.execute("SELECT label FROM topics").fetchall()]
        labels += [r[0] for r in con.execute("SELECT label FROM themes").fetchall()]
    for label in labels:  # a name, never a keyword list, a brand or its handle
        assert "," not in label and "voltcell" not in label.lower() and "@" not in label


def test_bot_repeats_count_once_and_make_no_topic(tmp_path):
    settings = Settings(db=tmp_path / "t.duckdb", topic_min_cluster_size=10)
    real = [t for parts in OTHER.values() for t in texts_from(parts, 36, 3)]
    insert(settings, real, "r")
    bots = [f"WIN a FREE espresso machine!!! Enter code {n} {'🎉' * (n % 3)}" for n in range(80)]
    insert(settings, bots, "s")
    result = fit_topics(settings)
    assert result.repeats == len(bots) - 1
    topics = level_of(settings, "topic")
    bot_topics = {topics[f"s{i:04d}"] for i in range(len(bots))}
    assert len(bot_topics) == 1  # all the same text to the model
    sizes = Counter(topics.values())
    (bot_topic,) = bot_topics
    if bot_topic >= 0:  # joined a real topic: it must not be mostly bots once counted once
        assert sizes[bot_topic] - len(bots) >= 10


@pytest.fixture
def drinks(tmp_path) -> Settings:
    settings = Settings(db=tmp_path / "t.duckdb", topic_min_cluster_size=10)
    insert(settings, [t for parts in OTHER.values() for t in texts_from(parts, 36, 4)], "d")
    fit_topics(settings)
    insert(settings, texts_from(BANKING, 100, 5), "n", brand="Bank")
    return settings


def test_new_documents_from_another_domain_fit_no_topic_and_refit(drinks):
    result = update_topics(drinks)
    assert isinstance(result, FitResult) and result.run_id == 2
    assert result.refit_because and "new documents fitted no topic" in result.refit_because
    # The refit gives the new subject topics of its own.
    topics = level_of(drinks, "topic")
    new = Counter(topics[f"n{i:04d}"] for i in range(100))
    old = {topics[d] for d in topics if d.startswith("d")}
    assert sum(n for t, n in new.items() if t >= 0 and t not in old) >= 80


def test_a_refit_can_be_left_to_the_user(drinks):
    settings = Settings(db=drinks.db, topic_min_cluster_size=10, topic_auto_refit=False)
    result = update_topics(settings)
    assert isinstance(result, AssignResult) and result.refit_due
    assert result.outliers >= 95 and result.unassigned_share >= 0.95
    assert rows(drinks.db, "SELECT count(*) FROM topic_runs") == [(1,)]
