"""A small corpus in a temp database, local-engine reference results, and Ray helpers."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loaders import store
from loaders.config import Settings
from tests.conftest import REPO, insert_documents

WORDS = ["lid", "leaks", "great", "service", "bottle", "blue", "refund", "late", "love", "cold"]


def corpus() -> list[tuple]:
    """40 documents: 36 distinct texts, 3 reposts, one blank text."""
    texts = [
        f"The {WORDS[i % 10]} is {WORDS[(i * 3 + 1) % 10]} and {WORDS[(i * 7 + 2) % 10]} #{i}"
        for i in range(36)
    ]
    texts += [texts[0], texts[1], "RT @shop: " + texts[2], "   "]
    return [
        (f"d{i:02d}", "social", "x", "Glacio", f"2026-11-{1 + i % 28:02d} 10:00:00+00", text)
        for i, text in enumerate(texts)
    ]


def make_settings(folder: Path, tiny_model: Path, tiny_base: Path, **more: Any) -> Settings:
    settings = Settings(
        db=folder / "test.duckdb",
        lock_timeout_s=30,
        model_dir=folder / "models",
        sentiment_model=str(tiny_model),
        topic_embedding_model=str(tiny_base),
        **more,
    )
    with store.session(settings=settings) as con:
        insert_documents(con, corpus())
    return settings


def sentiment_rows(settings: Settings) -> dict[str, tuple]:
    with store.session(settings=settings, read_only=True) as con:
        found = con.execute(
            "SELECT doc_id, label, p_negative, p_neutral, p_positive, score, language, "
            "skip_reason FROM sentiment ORDER BY doc_id"
        ).fetchall()
        total = con.execute("SELECT count(*) FROM sentiment").fetchall()[0][0]
    assert total == len(found)
    rows = {row[0]: row[1:] for row in found}
    assert len(rows) == len(found), "a document was scored twice"
    return rows


def embedding_rows(settings: Settings) -> dict[str, Any]:
    import numpy as np

    with store.session(settings=settings, read_only=True) as con:
        found = con.execute("SELECT text_hash, vector FROM embeddings").fetchall()
    vectors = {h: np.asarray(v, np.float32) for h, v in found}
    assert len(vectors) == len(found), "a text was embedded twice"
    return vectors


def assert_same_sentiment(got: dict[str, tuple], want: dict[str, tuple]) -> None:
    assert sorted(got) == sorted(want)
    for doc_id, row in want.items():
        other = got[doc_id]
        assert other[0] == row[0] and other[5:] == row[5:], doc_id  # label, language, skip
        for a, b in zip(other[1:5], row[1:5], strict=True):
            assert (a is None and b is None) or abs(a - b) < 1e-5, doc_id


def assert_same_embeddings(got: dict[str, Any], want: dict[str, Any]) -> None:
    import numpy as np

    assert sorted(got) == sorted(want)
    for key, vector in want.items():
        assert np.allclose(got[key], vector, atol=1e-5), key


@pytest.fixture(scope="session")
def local_reference(
    tmp_path_factory: pytest.TempPathFactory, tiny_model: Path, tiny_base: Path
) -> tuple[dict[str, tuple], dict[str, Any]]:
    """The local engine's sentiment rows and embeddings of the corpus."""
    from analysis.jobs.analysis_pass import analyze_all
    from analysis.topics import embeddings
    from analysis.topics.fit import _corpus

    settings = make_settings(tmp_path_factory.mktemp("local"), tiny_model, tiny_base)
    analyze_all(settings, topics=False)
    texts = _corpus([(row[0], row[5]) for row in corpus()]).texts_by_hash
    embeddings.embed(settings, texts)
    return sentiment_rows(settings), embedding_rows(settings)


@contextlib.contextmanager
def ray_env() -> Iterator[None]:
    """Ray's worker processes import this checkout (the environment they inherit); the
    environment is put back afterwards, so later tests' subprocesses (the wheel test's
    fresh venv) do not import the checkout."""
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "RAY_USAGE_STATS_ENABLED")}
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    )
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
