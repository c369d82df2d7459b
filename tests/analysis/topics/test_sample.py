"""Topics past topic_fit_sample: fitted on a stratified sample, the rest joins the nearest topic."""

from __future__ import annotations

import pytest

from analysis.topics import clustering
from analysis.topics.fit import fit_topics
from analysis.topics.sample import stratified_sample
from loaders.config import Settings
from tests.analysis.topics.test_topics import assignments, corpus, insert, theme_of_topics
from tests.conftest import scalar


def test_each_stratum_keeps_its_share_and_the_draw_is_seeded():
    strata = ["a"] * 80 + ["b"] * 15 + ["c"] * 5
    chosen = stratified_sample(strata, 20, seed=42)
    assert len(chosen) == 20 and list(chosen) == sorted(set(chosen))
    picked = [strata[i] for i in chosen]
    assert (picked.count("a"), picked.count("b"), picked.count("c")) == (16, 3, 1)
    assert list(stratified_sample(strata, 20, seed=42)) == list(chosen)
    assert list(stratified_sample(strata, 20, seed=7)) != list(chosen)
    assert list(stratified_sample(strata, 500, seed=42)) == list(range(100))


@pytest.mark.slow
def test_a_corpus_past_the_sample_size_is_clustered_on_the_sample_only(tmp_path, monkeypatch):
    settings = Settings(db=tmp_path / "t.duckdb", topic_min_cluster_size=15, topic_fit_sample=100)
    items = corpus(1, 60)  # 180 distinct texts, three themes
    insert(settings, items, "d")
    truth = {f"d{i:04d}": theme for i, (theme, _) in enumerate(items)}
    clustered = []
    real_cluster = clustering.cluster

    def counting(vectors, *args, **kwargs):
        clustered.append(len(vectors))
        return real_cluster(vectors, *args, **kwargs)

    monkeypatch.setattr(clustering, "cluster", counting)
    result = fit_topics(settings)
    assert clustered == [100] and result.sampled == 100
    assert result.n_texts == 180 and result.n_docs == 180
    found = theme_of_topics(settings, truth)  # every topic at least 90% one theme
    assert set(found.values()) == set(truth.values())
    placed = [doc for doc, topic in assignments(settings).items() if topic >= 0]
    assert len(placed) >= 150  # so at least 50 of the 80 texts outside the sample joined one
    assert scalar(settings.db, "SELECT count(*) FROM doc_topics") == 180


@pytest.mark.slow
def test_a_corpus_within_the_sample_size_is_clustered_whole(tmp_path, monkeypatch):
    settings = Settings(db=tmp_path / "t.duckdb", topic_min_cluster_size=20)
    insert(settings, corpus(1, 40), "d")
    clustered = []
    real_cluster = clustering.cluster
    monkeypatch.setattr(
        clustering,
        "cluster",
        lambda v, *a, **k: clustered.append(len(v)) or real_cluster(v, *a, **k),
    )
    result = fit_topics(settings)
    assert clustered == [120] and result.sampled == 0
