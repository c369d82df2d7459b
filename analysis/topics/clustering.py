"""Fine topics from embeddings: the clustering stage of a topic fit, and joining a topic.

Measured on real labelled text (BANKING77, see ``benchmarks/eval_topics.py``), not on our
sample. What held there, and why each choice is here:

- UMAP to 5 dimensions, then HDBSCAN with excess-of-mass selection. Its smallest topic
  grows with the corpus (``n / 200`` distinct texts, 10 to 200): about 15 texts in a
  3,000-message corpus, 200 in 40,000 or more, so a few hundred posts about something new
  still make a topic in a large export. ``min_samples`` stays small (3) so HDBSCAN leaves
  few texts out.
- A topic that holds more than :data:`SPLIT_SHARE` of the texts is clustered again with
  leaf selection; when that finds two or more sub-topics they replace it, and a topic that
  really is one thing (no denser parts inside) stays whole rather than being cut into noise.
- No merging of "near-duplicate" centroids and no pushing of every left-out text into the
  nearest topic: on short texts about one industry most centroids are close, and both
  collapsed real corpora into a handful of topics. A text joins a topic only when it is as
  close to the centroid as the topic's own members are (:func:`join_thresholds`); else it
  stays "Other".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Progress = Callable[[str, int, int], None]

SIZE_DIVISOR = 200  # the smallest topic is about 1/200 of the distinct texts ...
MIN_TOPIC = 10  # ... but at least this many texts ...
MAX_TOPIC = 200  # ... and at most this many, so hundreds of posts on something new stand out
MIN_SAMPLES = 3
SPLIT_SHARE = 0.05  # a topic above this share of the texts is looked at again with leaf selection
# A text joins a topic when its similarity to the centroid reaches this quantile of the
# members' own similarities: as typical as the least typical 5% of the topic's members.
MEMBER_QUANTILE = 0.05


@dataclass(frozen=True)
class ClusterParams:
    """Everything that decides the clustering; stored with the run."""

    min_cluster_size: int
    min_samples: int
    n_neighbors: int
    n_components: int
    seed: int
    split_share: float = SPLIT_SHARE
    member_quantile: float = MEMBER_QUANTILE

    @classmethod
    def for_corpus(cls, n_texts: int, seed: int, min_cluster_size: int = 0) -> ClusterParams:
        size = min_cluster_size or min(MAX_TOPIC, max(MIN_TOPIC, round(n_texts / SIZE_DIVISOR)))
        return cls(
            min_cluster_size=size,
            min_samples=min(MIN_SAMPLES, size),
            n_neighbors=max(2, min(15, n_texts - 1)),
            n_components=max(2, min(5, n_texts - 2)),
            seed=seed,
        )


def unit_rows(matrix: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def centroids(vectors: Any, labels: Any, n_topics: int) -> Any:
    """Unit mean vector of each topic's members (rows 0..n_topics-1)."""
    import numpy as np

    sums = np.zeros((n_topics, vectors.shape[1]), np.float64)
    np.add.at(sums, labels[labels >= 0], vectors[labels >= 0])
    return unit_rows(sums).astype(np.float32)


def reduce(vectors: Any, params: ClusterParams) -> Any:
    """Seeded UMAP to a few dimensions, where density-based clustering works."""
    import numpy as np
    from umap import UMAP

    reduced = UMAP(
        n_neighbors=params.n_neighbors,
        n_components=params.n_components,
        min_dist=0.0,
        metric="cosine",
        random_state=params.seed,
        n_jobs=1,  # a seeded UMAP runs on one thread anyway; saying so silences its warning
    ).fit_transform(vectors)
    return np.asarray(reduced)


def _hdbscan(points: Any, min_cluster_size: int, min_samples: int, selection: str) -> Any:
    import numpy as np
    from hdbscan import HDBSCAN

    if len(points) <= min_cluster_size:
        return np.full(len(points), -1)
    model = HDBSCAN(
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        metric="euclidean",
        cluster_selection_method=selection,
    )
    return np.asarray(model.fit_predict(points))


def _nearest_part(points: Any, parts: Any) -> Any:
    """Each point's part, a member left out by the split taking the part whose centre is
    nearest: they were members of a dense topic, and splitting it must not turn them into
    noise (on a subject that dominates the corpus that lost a sixth of its posts, and which
    ones depended on the last bits of the embeddings)."""
    import numpy as np

    found = int(parts.max()) + 1
    centres = np.stack([points[parts == part].mean(axis=0) for part in range(found)])
    distances = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    return np.where(parts >= 0, parts, distances.argmin(axis=1))


def _split_oversized(reduced: Any, labels: Any, params: ClusterParams) -> Any:
    """Cluster each topic above ``split_share`` of the texts again, with leaf selection;
    keep the split only when it finds at least two sub-topics."""
    import numpy as np

    labels = labels.copy()
    limit = max(params.split_share * len(labels), 2 * params.min_cluster_size)
    next_label = int(labels.max()) + 1
    for topic in range(int(labels.max()) + 1):
        members = np.flatnonzero(labels == topic)
        if len(members) <= limit:
            continue
        inner = _hdbscan(reduced[members], params.min_cluster_size, params.min_samples, "leaf")
        found = int(inner.max()) + 1
        if found < 2:
            continue  # one thing, however large: not cut into noise
        labels[members] = _nearest_part(reduced[members], inner) + next_label
        next_label += found
    return labels


def cluster(vectors: Any, params: ClusterParams, progress: Progress | None = None) -> Any:
    """Fine topic of each vector (-1: HDBSCAN left it out), numbered 0.. without gaps."""
    import numpy as np

    if progress:
        progress("reducing dimensions (UMAP)", 0, 1)
    reduced = reduce(vectors, params)
    if progress:
        progress("reducing dimensions (UMAP)", 1, 1)
        progress("clustering (HDBSCAN)", 0, 1)
    labels = _hdbscan(reduced, params.min_cluster_size, params.min_samples, "eom")
    labels = _split_oversized(reduced, labels, params)
    used = np.unique(labels[labels >= 0])
    renumber = np.full(int(labels.max()) + 2 if len(labels) else 1, -1)
    renumber[used] = np.arange(len(used))
    if progress:
        progress("clustering (HDBSCAN)", 1, 1)
    return renumber[labels]  # -1 indexes the last slot, which stays -1


def join_thresholds(vectors: Any, labels: Any, topic_centroids: Any, quantile: float) -> Any:
    """Per topic: the similarity to its centroid that a text needs to join it, the
    ``quantile`` of its own members' similarities."""
    import numpy as np

    n_topics = len(topic_centroids)
    thresholds = np.ones(n_topics, np.float64)
    if not n_topics:
        return thresholds
    members = labels >= 0
    own = np.einsum("ij,ij->i", vectors[members], topic_centroids[labels[members]])
    for topic in range(n_topics):
        mine = own[labels[members] == topic]
        if len(mine):
            thresholds[topic] = float(np.quantile(mine, quantile))
    return thresholds


def nearest_topic(vectors: Any, topic_centroids: Any, thresholds: Any) -> tuple[Any, Any]:
    """Per vector: the most similar topic whose threshold it reaches (or -1), and the
    similarity to the most similar centroid."""
    import numpy as np

    if not len(topic_centroids) or not len(vectors):
        return np.full(len(vectors), -1), np.zeros(len(vectors))
    similarity = vectors @ topic_centroids.T
    best = similarity.argmax(axis=1)
    score = similarity[np.arange(len(vectors)), best]
    return np.where(score >= np.asarray(thresholds)[best], best, -1), score


def adopt_outliers(vectors: Any, labels: Any, params: ClusterParams) -> tuple[Any, Any, Any]:
    """Texts HDBSCAN left out join the nearest topic when close enough; the rest stay -1.

    Returns the labels, the topic centroids and the per-topic join thresholds.
    """
    n_topics = int(labels.max()) + 1 if len(labels) else 0
    core = centroids(vectors, labels, n_topics)
    thresholds = join_thresholds(vectors, labels, core, params.member_quantile)
    outliers = labels < 0
    joined, _ = nearest_topic(vectors[outliers], core, thresholds)
    labels = labels.copy()
    labels[outliers] = joined
    return labels, core, thresholds
