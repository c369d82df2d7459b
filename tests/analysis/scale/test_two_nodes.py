"""Two Ray nodes (ray.cluster_utils.Cluster): the shards are computed on both."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.analysis.scale.conftest import (
    assert_same_sentiment,
    make_settings,
    ray_env,
    sentiment_rows,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_nodes() -> Iterator[str]:
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    memory = 100 * 2**20
    with ray_env():
        cluster = Cluster(
            initialize_head=True,
            head_node_args={
                "num_cpus": 2,
                "object_store_memory": memory,
                "include_dashboard": False,
            },
        )
        try:
            cluster.add_node(num_cpus=2, object_store_memory=memory)
            cluster.wait_for_nodes()
            ray.init(address=cluster.address)
            yield cluster.address
        finally:
            ray.shutdown()
            cluster.shutdown()


def test_shards_are_processed_on_both_nodes(
    two_nodes, tmp_path, tiny_model, tiny_base, local_reference
):
    import ray

    from analysis.scale.engine import analyze_ray

    assert len(ray.nodes()) == 2
    settings = make_settings(
        tmp_path, tiny_model, tiny_base, engine="ray", ray_shard_texts=4, ray_workers=2
    )
    result = analyze_ray(settings, topics=False)
    assert result.ray.shards == 10
    assert len(result.ray.nodes) == 2, result.ray.nodes  # node ids recorded in each result row
    assert result.ray.nodes <= {node["NodeID"] for node in ray.nodes()}
    assert len(result.ray.pids) == 2
    assert_same_sentiment(sentiment_rows(settings), local_reference[0])
