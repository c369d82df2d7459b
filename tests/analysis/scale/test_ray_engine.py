"""engine='ray' on a real local Ray cluster: same results as the local engine, idempotent,
resumable after the driver is killed half-way."""

from __future__ import annotations

import hashlib
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.analysis.scale.conftest import (
    assert_same_embeddings,
    assert_same_sentiment,
    corpus,
    embedding_rows,
    make_settings,
    ray_env,
    sentiment_rows,
)
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A one-node Ray cluster for this module; its GCS address."""
    ray = pytest.importorskip("ray")
    with ray_env():
        context = ray.init(num_cpus=3, include_dashboard=False, object_store_memory=150 * 2**20)
        try:
            yield context.address_info["gcs_address"]
        finally:
            ray.shutdown()


def test_ray_engine_equals_the_local_engine_and_a_second_run_does_nothing(
    ray_address, tmp_path, tiny_model, tiny_base, local_reference, monkeypatch
):
    from analysis.scale import cluster
    from analysis.scale.engine import analyze_ray
    from analysis.topics import embeddings
    from analysis.topics.fit import _corpus

    want_sentiment, want_vectors = local_reference
    settings = make_settings(tmp_path, tiny_model, tiny_base, engine="ray", ray_shard_texts=8)
    first = analyze_ray(settings)
    # 37 distinct texts scored (the retweet is its own text), 36 embedded (cleaned, it is not)
    assert first.ray.texts == 37 + 36 and first.ray.embedded == 36
    assert first.ray.shards == 5 + 5 and first.ray.resumed_shards == 0
    assert first.scored == 39 and first.skipped == {"empty text": 1}
    assert first.unique_texts == 37
    assert_same_sentiment(sentiment_rows(settings), want_sentiment)
    assert_same_embeddings(embedding_rows(settings), want_vectors)
    # The topic stage finds every vector in the cache: nothing left to embed.
    texts = _corpus([(row[0], row[5]) for row in corpus()]).texts_by_hash
    assert embeddings.embed(settings, texts)[1] == 0

    def no_cluster(_settings):
        raise AssertionError("a pass with nothing pending must not start or reach Ray")

    monkeypatch.setattr(cluster, "connected", no_cluster)
    again = analyze_ray(settings)
    assert again.ray.texts == 0 and again.ray.shards == 0 and again.scored == 0
    assert_same_sentiment(sentiment_rows(settings), want_sentiment)
    jobs = settings.model_dir / "jobs"
    assert not list(jobs.rglob("*.parquet")), "loaded shards are removed"


def test_driver_killed_half_way_then_rerun_completes_without_recomputing(
    ray_address, tmp_path, tiny_model, tiny_base, local_reference
):
    import pyarrow.parquet as pq

    from analysis.scale.engine import PAUSE_ENV, analyze_ray
    from analysis.scale.shards import job_folder

    want_sentiment, _ = local_reference
    settings = make_settings(tmp_path, tiny_model, tiny_base, engine="ray", ray_shard_texts=4)
    env = dict(
        os.environ,
        PYTHONPATH=str(REPO),
        OMP_NUM_THREADS="1",
        BRANDPULSE_MODEL_DIR=str(settings.model_dir),
        BRANDPULSE_SENTIMENT_MODEL=str(tiny_model),
        BRANDPULSE_RAY_SHARD_TEXTS="4",
        **{PAUSE_ENV: "3"},
    )
    command = [sys.executable, "-m", "dashboard.cli", "analyze", "--db", str(settings.db)]
    command += ["--engine", "ray", "--address", ray_address, "--no-topics"]
    driver = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    folder = None
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline and driver.poll() is None:
            found = list((settings.model_dir / "jobs").rglob("out-*.parquet"))
            if len(found) >= 3:
                folder = found[0].parent
                break
            time.sleep(0.5)
    finally:
        os.kill(driver.pid, signal.SIGKILL)
        output = driver.communicate()[0].decode(errors="replace")
    assert folder is not None, output[-3000:]
    assert len(list(folder.glob("out-*.parquet"))) == 3
    assert len(list(folder.glob("in-*.parquet"))) == 10  # 37 texts in shards of 4
    # Killed before loading: only the blank document's skip row is in the store.
    assert list(sentiment_rows(settings)) == ["d39"]

    finished = sum(pq.read_metadata(p).num_rows for p in folder.glob("out-*.parquet"))
    assert finished >= 4 + 4 + 1  # three shards of 4, or two and the last one (1 text)

    again = analyze_ray(settings, topics=False)
    assert again.ray.resumed_shards == 3  # loaded as they were, not scored again
    assert again.ray.texts == 37 - finished
    assert again.ray.shards == math.ceil((37 - finished) / 4)
    assert_same_sentiment(sentiment_rows(settings), want_sentiment)
    version = again.model_version
    assert job_folder(settings, "sentiment", version) == folder
    assert not folder.exists()


def test_a_result_shard_of_another_model_version_is_never_loaded(
    ray_address, tmp_path, tiny_model, tiny_base, local_reference
):
    import pyarrow as pa

    from analysis.scale.engine import analyze_ray
    from analysis.scale.shards import job_folder, write_atomically
    from analysis.sentiment.registry import hub_version

    settings = make_settings(tmp_path, tiny_model, tiny_base, engine="ray")
    version = hub_version(str(tiny_model))
    folder = job_folder(settings, "sentiment", version)
    folder.mkdir(parents=True)
    hashes = [hashlib.md5(row[5].encode()).hexdigest() for row in corpus()[:36]]
    stale = pa.table(
        {
            "text_hash": hashes,
            "model_version": ["older-model"] * 36,
            "label": ["positive"] * 36,
            "p_negative": [0.0] * 36,
            "p_neutral": [0.0] * 36,
            "p_positive": [1.0] * 36,
            "score": [1.0] * 36,
            "language": pa.nulls(36, pa.string()),
        }
    )
    write_atomically(stale, folder / "out-stale.parquet")
    result = analyze_ray(settings, topics=False)
    assert result.model_version == version
    assert result.ray.resumed_shards == 1 and result.ray.texts == 37  # all scored for real
    assert_same_sentiment(sentiment_rows(settings), local_reference[0])


def test_the_analysis_pass_and_the_cli_use_the_ray_engine(
    ray_address, tmp_path, tiny_model, tiny_base, local_reference
):
    from click.testing import CliRunner

    from analysis.jobs.analysis_pass import analyze_all
    from dashboard.cli import cli

    settings = make_settings(tmp_path, tiny_model, tiny_base, engine="ray")
    result = analyze_all(settings, topics=False)
    assert result.sentiment.ray is not None and result.sentiment.ray.texts == 37
    assert_same_sentiment(sentiment_rows(settings), local_reference[0])

    other = make_settings(tmp_path / "cli", tiny_model, tiny_base)
    env = {
        "BRANDPULSE_MODEL_DIR": str(other.model_dir),
        "BRANDPULSE_SENTIMENT_MODEL": str(tiny_model),
    }
    ran = CliRunner().invoke(
        cli, ["analyze", "--db", str(other.db), "--engine", "ray", "--no-topics"], env=env
    )
    assert ran.exit_code == 0, ran.output
    assert "Ray: 37 texts (0 of them embedded) in 1 shards on 1 node(s)" in ran.output
    assert_same_sentiment(sentiment_rows(other), local_reference[0])


def test_shards_are_named_by_content(tmp_path: Path):
    import pyarrow as pa

    from analysis.scale import shards

    batch = pa.RecordBatch.from_pydict({"text_hash": list("abcde"), "text": list("ABCDE")})
    first = shards.export(tmp_path, "sentiment", "v1", [batch], 2)
    assert [first.rows[p.name] for p in first.shards] == [2, 2, 1]
    again = shards.export(tmp_path, "sentiment", "v1", [batch.slice(0, 3), batch.slice(3)], 2)
    assert again.shards == first.shards  # same texts, same shards
    other = shards.export(tmp_path, "sentiment", "v2", [batch], 2)
    assert not set(other.shards) & set(first.shards)  # another version, other names
    assert sorted(tmp_path.glob("in-*")) == sorted(other.shards)  # the stale plan is gone
