"""The Ray actors: each loads its model once and runs the local engine's own functions.

Sentiment goes through ``analysis.sentiment.scoring.score_texts`` and ``detect_language``,
embeddings through ``analysis.topics.embeddings.encode``: the Ray engine cannot drift from the
local one. Model files reach the actors by path (``model_dir`` or the bundled package), so
on a multi-machine cluster that path must be shared or present on every node. Each result
row records the node and process that computed it.
"""

from __future__ import annotations

import os
from typing import Any

SOURCE_COLUMN = "path"  # the input shard of each row (read_parquet's include_paths)


def _where() -> tuple[str, int]:
    import ray

    return ray.get_runtime_context().get_node_id(), os.getpid()


class SentimentWorker:
    """(text_hash, text, path) batches -> label, probabilities, score and language per text."""

    def __init__(
        self, source: str, label_map: dict[str, str] | None, quantize: bool, version: str
    ) -> None:
        from analysis.sentiment.model import load_model

        self.model = load_model(source, label_map=label_map, quantize=quantize)
        self.version = version
        self.node, self.pid = _where()

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        from analysis.sentiment.language import detect_language
        from analysis.sentiment.scoring import score_texts

        texts = batch.column("text").to_pylist()
        predictions = score_texts(self.model, texts, batch_size=64)
        n = len(texts)
        return pa.table(
            {
                "text_hash": batch.column("text_hash"),
                "model_version": pa.array([self.version] * n, pa.string()),
                "label": [p.label for p in predictions],
                "p_negative": pa.array([p.p_negative for p in predictions], pa.float64()),
                "p_neutral": pa.array([p.p_neutral for p in predictions], pa.float64()),
                "p_positive": pa.array([p.p_positive for p in predictions], pa.float64()),
                "score": pa.array([p.score for p in predictions], pa.float64()),
                "language": pa.array([detect_language(t) for t in texts], pa.string()),
                SOURCE_COLUMN: batch.column(SOURCE_COLUMN),
                "node_id": pa.array([self.node] * n, pa.string()),
                "pid": pa.array([self.pid] * n, pa.int64()),
            }
        )


class EmbeddingWorker:
    """(text_hash, text, path) batches -> unit-length float32 vector per text."""

    def __init__(self, source: str, model_name: str) -> None:
        from analysis.topics.embeddings import load_embedder

        self.model = load_embedder(source)
        self.model_name = model_name
        self.node, self.pid = _where()

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        from analysis.topics.embeddings import encode

        texts = batch.column("text").to_pylist()
        matrix = encode(self.model, texts)
        n = len(texts)
        return pa.table(
            {
                "text_hash": batch.column("text_hash"),
                "model": pa.array([self.model_name] * n, pa.string()),
                "vector": pa.FixedSizeListArray.from_arrays(
                    pa.array(matrix.ravel(), pa.float32()), matrix.shape[1]
                ),
                SOURCE_COLUMN: batch.column(SOURCE_COLUMN),
                "node_id": pa.array([self.node] * n, pa.string()),
                "pid": pa.array([self.pid] * n, pa.int64()),
            }
        )


class StubSentimentWorker:
    """A constant 'neutral' model for the driver-memory benchmark: no weights, no torch."""

    def __init__(self, version: str, **_: Any) -> None:
        self.version = version
        self.node, self.pid = _where()

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        n = batch.num_rows
        third = pa.array([1 / 3] * n, pa.float64())
        return pa.table(
            {
                "text_hash": batch.column("text_hash"),
                "model_version": pa.array([self.version] * n, pa.string()),
                "label": pa.array(["neutral"] * n, pa.string()),
                "p_negative": third,
                "p_neutral": third,
                "p_positive": third,
                "score": pa.array([0.0] * n, pa.float64()),
                "language": pa.nulls(n, pa.string()),
                SOURCE_COLUMN: batch.column(SOURCE_COLUMN),
                "node_id": pa.array([self.node] * n, pa.string()),
                "pid": pa.array([self.pid] * n, pa.int64()),
            }
        )
