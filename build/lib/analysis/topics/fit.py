"""Topic modeling with BERTopic: fit, assign new documents, keep users' edits across refits.

Fitting works on distinct cleaned texts (reposts count once), in an order fixed by their
hashes, with a seeded UMAP, so the same documents and settings give the same topics.
HDBSCAN's ``min_cluster_size`` grows with the square root of the corpus. Texts HDBSCAN
leaves out join the nearest topic centroid when they are similar enough, and new
documents are assigned the same way between refits (no UMAP or clustering needed), so an
incremental run costs only the embedding of the new texts.

Each topic gets c-TF-IDF keywords (uni- and bigrams without stop words or brand names), a
short label built from the phrase that best sets it apart, and the three texts nearest its
centroid. Renames and merges are stored on the topics; at a refit every new topic is
matched to the old topic with the most similar centroid, and inherits its edits.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from analysis.topics import embeddings, sql
from analysis.topics.text import (
    brand_stop_words,
    keyword_analyzer,
    phrase_analyzer,
    stop_words,
    text_hash,
    topic_text,
)
from loaders import store
from loaders.config import Settings
from loaders.errors import TopicError, explain

Progress = Callable[[str, int, int], None]  # (stage, done, total)

MIN_TEXTS = 20  # fewer distinct texts than this cannot form topics
MATCH_SIMILARITY = 0.8  # centroid similarity at which a refit topic inherits an old topic's edits
REPRESENTATIVE_DOCS = 3
LABEL_SAMPLE = 2000  # texts per topic read to choose its label phrase
KEYWORDS = 10


@dataclass(frozen=True)
class TopicParams:
    """Everything that decides a fit; stored with the run."""

    min_cluster_size: int
    min_samples: int
    n_neighbors: int
    n_components: int
    seed: int
    outlier_similarity: float
    embedding_model: str
    extra_stop_words: str
    merge_similarity: float = 0.75

    @classmethod
    def for_corpus(cls, n_texts: int, settings: Settings) -> TopicParams:
        """HDBSCAN sizes scale with the corpus: about sqrt(n) texts make a topic (10-500)."""
        size = settings.topic_min_cluster_size or min(500, max(10, round(math.sqrt(n_texts))))
        return cls(
            min_cluster_size=size,
            min_samples=min(50, max(3, size // 6)),
            n_neighbors=max(2, min(15, n_texts - 1)),
            n_components=max(2, min(5, n_texts - 2)),
            seed=settings.topic_seed,
            outlier_similarity=settings.topic_outlier_similarity,
            embedding_model=embeddings.embedding_model_name(settings),
            extra_stop_words=settings.topic_stop_words,
        )


@dataclass
class FitResult:
    run_id: int
    n_docs: int
    n_texts: int
    n_topics: int
    outlier_share: float
    embedded: int  # texts embedded now (the rest came from the cache)
    seconds: float
    carried_labels: int = 0
    carried_merges: int = 0
    params: dict[str, Any] = field(default_factory=dict)


# --- the corpus ----------------------------------------------------------------------------------


@dataclass
class _Corpus:
    doc_ids: list[str]
    doc_hashes: list[str | None]  # None: nothing left to embed after cleaning
    texts_by_hash: dict[str, str]


def _corpus(rows: Sequence[tuple[str, str | None]]) -> _Corpus:
    doc_ids, doc_hashes, texts = [], [], {}
    for doc_id, text in rows:
        cleaned = topic_text(text)
        key = text_hash(cleaned) if cleaned else None
        if key:
            texts.setdefault(key, cleaned)
        doc_ids.append(doc_id)
        doc_hashes.append(key)
    # Hash order: the same texts give the same fit whatever their ids or ingest order.
    return _Corpus(doc_ids, doc_hashes, {h: texts[h] for h in sorted(texts)})


def _vocabulary_stop_words(con: duckdb.DuckDBPyConnection, settings: Settings) -> frozenset[str]:
    documents = con.execute(sql.DOCUMENT_COUNT).fetchall()[0][0]
    brands = [row[0] for row in con.execute(sql.BRANDS).fetchall()]
    threshold = max(10, int(documents * 0.005))
    handles = [row[0] for row in con.execute(sql.FREQUENT_HANDLES, [threshold]).fetchall()]
    return brand_stop_words(brands, handles, settings.topic_stop_words)


# --- fitting -------------------------------------------------------------------------------------


def _unit_rows(matrix: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def _centroids(vectors: Any, labels: Any, n_topics: int) -> Any:
    import numpy as np

    sums = np.zeros((n_topics, vectors.shape[1]), np.float64)
    np.add.at(sums, labels[labels >= 0], vectors[labels >= 0])
    return _unit_rows(sums).astype(np.float32)


def _keyword_vectorizer(stop: frozenset[str]) -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=keyword_analyzer(stop))


def _cluster(vectors: Any, params: TopicParams, texts: list[str], stop: frozenset[str], progress):
    """BERTopic over precomputed embeddings; returns HDBSCAN's labels and the fitted model."""
    import numpy as np
    from bertopic import BERTopic
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from umap import UMAP

    if progress:
        progress("reducing dimensions (UMAP)", 0, 1)
    # UMAP runs outside BERTopic only so that each stage can report progress.
    reduced = UMAP(
        n_neighbors=params.n_neighbors,
        n_components=params.n_components,
        min_dist=0.0,
        metric="cosine",
        random_state=params.seed,
        n_jobs=1,  # a seeded UMAP runs on one thread anyway; saying so silences its warning
    ).fit_transform(vectors)
    if progress:
        progress("reducing dimensions (UMAP)", 1, 1)
        progress("clustering (HDBSCAN)", 0, 1)
    model = BERTopic(
        umap_model=BaseDimensionalityReduction(),
        hdbscan_model=HDBSCAN(
            min_cluster_size=params.min_cluster_size,
            min_samples=params.min_samples,
            metric="euclidean",
            cluster_selection_method="eom",
        ),
        vectorizer_model=_keyword_vectorizer(stop),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        top_n_words=KEYWORDS,
        calculate_probabilities=False,
    )
    labels, _ = model.fit_transform(texts, embeddings=np.asarray(reduced))
    if progress:
        progress("clustering (HDBSCAN)", 1, 1)
    return np.asarray(labels), model


def _merge_near_duplicates(
    vectors: Any, labels: Any, n_topics: int, similarity: float
) -> tuple[Any, int]:
    """Join clusters whose centroids are near-duplicates (average linkage, cosine).

    HDBSCAN splits one theme into several dense clusters when people repeat a few
    phrasings; merging them keeps the topic list readable without losing small themes.
    """
    import numpy as np

    if n_topics < 2:
        return labels, n_topics
    from scipy.cluster.hierarchy import fcluster, linkage

    centroids = _centroids(vectors, labels, n_topics).astype(np.float64)
    groups = fcluster(
        linkage(centroids, method="average", metric="cosine"),
        t=1 - similarity,
        criterion="distance",
    )
    groups = groups - 1
    return np.where(labels >= 0, groups[np.maximum(labels, 0)], -1), int(groups.max()) + 1


def _assign_to_centroids(vectors: Any, centroids: Any, threshold: float) -> tuple[Any, Any]:
    """Nearest centroid by cosine similarity, or -1 below ``threshold``; and the similarity."""
    import numpy as np

    if not len(centroids) or not len(vectors):
        return np.full(len(vectors), -1), np.zeros(len(vectors))
    similarity = vectors @ centroids.T
    best = similarity.argmax(axis=1)
    score = similarity[np.arange(len(vectors)), best]
    return np.where(score >= threshold, best, -1), score


def _label(phrases: list[tuple[str, float]], keywords: list[str]) -> str:
    """3-5 words: the most distinctive phrase holding one of the top keywords (the best one
    if it can), completed with the best keywords it lacks."""
    top_words = [k for k in keywords if " " not in k][:3]
    chosen = next(
        (p for word in top_words for p, _ in phrases if word in p.split()),
        None if top_words else (phrases[0][0] if phrases else None),
    )
    words: list[str] = chosen.split() if chosen else []
    parts = [" ".join(words)] if words else []
    for keyword in keywords:
        if len(words) >= 3:
            break
        if any(w in words for w in keyword.split()) or len(words) + len(keyword.split()) > 5:
            continue
        words += keyword.split()
        parts.append(keyword)
    return ", ".join(parts) if parts else "(no words)"


def _phrases_per_topic(
    texts: list[str], labels: Any, n_topics: int, stop: frozenset[str], brand_words: frozenset[str]
) -> list[list[tuple[str, float]]]:
    """Per topic, 2-3 word phrases ranked by share of its texts x rarity in other topics."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    picked: list[int] = []
    for k in range(n_topics):
        picked += np.flatnonzero(labels == k)[:LABEL_SAMPLE].tolist()
    if not picked:
        return [[] for _ in range(n_topics)]
    vectorizer = CountVectorizer(analyzer=phrase_analyzer(stop, brand_words), binary=True)
    try:
        counts = vectorizer.fit_transform([texts[i] for i in picked])
    except ValueError:  # no phrase at all (one-word texts)
        return [[] for _ in range(n_topics)]
    topic_of = labels[picked]
    grouping = sparse.csr_matrix(
        (np.ones(len(picked)), (topic_of, np.arange(len(picked)))), shape=(n_topics, len(picked))
    )
    freq = np.asarray((grouping @ counts).todense(), dtype=np.float64)
    sizes = np.maximum(np.bincount(topic_of, minlength=n_topics), 1)
    share = freq / sizes[:, None]
    rarity = np.log(1 + sizes.mean() / np.maximum(freq.sum(axis=0), 1))
    score = share * rarity
    vocabulary = vectorizer.get_feature_names_out()
    ranked = []
    for k in range(n_topics):
        candidates = np.flatnonzero(share[k] >= 0.05)
        order = candidates[np.lexsort((vocabulary[candidates], -score[k, candidates]))]
        ranked.append([(str(vocabulary[i]), float(score[k, i])) for i in order[:30]])
    return ranked


def _carry_over(
    previous: list[tuple[Any, ...]], centroids: Any, sizes: Any
) -> tuple[dict[int, str], dict[int, int]]:
    """User labels and merges of the previous run, mapped onto the new topics by centroid."""
    import numpy as np

    edited = any(row[2] or row[3] is not None for row in previous)
    if not previous or not edited or not len(centroids):
        return {}, {}
    old_ids = [row[0] for row in previous]
    merged_into = {row[0]: row[3] for row in previous}
    user_label = {row[0]: row[2] for row in previous}

    def root(topic: int) -> int:
        seen = set()
        while merged_into.get(topic) is not None and topic not in seen:
            seen.add(topic)
            topic = merged_into[topic]
        return topic

    old_centroids = _unit_rows(np.asarray([np.asarray(row[4], np.float32) for row in previous]))
    similarity = centroids @ old_centroids.T
    groups: dict[int, list[tuple[float, int]]] = {}
    for new, row in enumerate(similarity):
        best = int(row.argmax())
        if row[best] >= MATCH_SIMILARITY:
            groups.setdefault(root(old_ids[best]), []).append((float(row[best]), new))
    labels: dict[int, str] = {}
    merges: dict[int, int] = {}
    had_merges = {root(t) for t, target in merged_into.items() if target is not None}
    for old, members in groups.items():
        members.sort(key=lambda m: (-m[0], m[1]))
        primary = members[0][1]
        if old in had_merges and len(members) > 1:
            primary = max((m[1] for m in members), key=lambda n: (sizes[n], -n))
            merges.update({m[1]: primary for m in members if m[1] != primary})
        if user_label.get(old):
            labels[primary] = user_label[old]
    return labels, merges


@dataclass
class _Topics:
    """The clustered topics, numbered by size so topic 0 is the largest."""

    labels: Any  # per distinct text: its topic, -1 for a text no topic took
    n_topics: int
    centroids: Any
    keywords: list[list[str]]


def _read_inputs(
    settings: Settings,
) -> tuple[_Corpus, frozenset[str], list[tuple[Any, ...]]]:
    """The corpus, the brand words kept out of keywords and the current run's topics (whose
    edits carry over), read before the long model work and outside any write lock."""
    with store.session(settings=settings, read_only=True) as con:
        corpus = _corpus(con.execute(sql.ALL_DOCUMENTS).fetchall())
        brand_words = _vocabulary_stop_words(con, settings)
        previous_run = con.execute(sql.CURRENT_RUN).fetchall()[0][0]
        previous = con.execute(sql.RUN_TOPICS, [previous_run]).fetchall() if previous_run else []
    return corpus, brand_words, previous


def _require_enough_texts(n_texts: int) -> None:
    if n_texts < MIN_TEXTS:
        raise TopicError(
            explain(
                "Too few texts to find topics",
                expected=f"at least {MIN_TEXTS} distinct non-empty texts",
                found=f"{n_texts}",
                fix="ingest more documents first (e.g. `brandpulse sample`).",
            )
        )


def _settle_topics(
    vectors: Any,
    labels: Any,
    model: Any,
    params: TopicParams,
    texts: list[str],
    stop: frozenset[str],
) -> _Topics:
    """Merge near-duplicate clusters, give outliers to the nearest centroid, rebuild the
    keywords for those assignments and number the topics by size."""
    import numpy as np

    n_topics = int(labels.max()) + 1 if len(labels) else 0
    labels, n_topics = _merge_near_duplicates(vectors, labels, n_topics, params.merge_similarity)
    core = _centroids(vectors, labels, n_topics)
    outliers = labels < 0
    nearest, _ = _assign_to_centroids(vectors[outliers], core, params.outlier_similarity)
    labels = labels.copy()
    labels[outliers] = nearest
    if n_topics:
        # BERTopic warns that custom assignments must come last; ours do.
        logging.getLogger("BERTopic").setLevel(logging.ERROR)
        model.update_topics(
            texts,
            topics=labels.tolist(),
            vectorizer_model=_keyword_vectorizer(stop),
            top_n_words=KEYWORDS,
        )
    # Topic ids in order of size, so topic 0 is the largest.
    sizes_raw = np.bincount(labels[labels >= 0], minlength=n_topics)
    order = sorted(range(n_topics), key=lambda k: (-sizes_raw[k], k))
    renumber = np.full(n_topics + 1, -1)
    for new, old in enumerate(order):
        renumber[old] = new
    labels = renumber[labels]  # -1 indexes the last slot, which stays -1
    keywords = [[w for w, _ in (model.get_topic(old) or [])][:KEYWORDS] for old in order]
    centroids = core[order] if n_topics else core
    return _Topics(labels, n_topics, centroids, keywords)


def _similarities(vectors: Any, topics: _Topics) -> tuple[Any, Any]:
    """Per text: its similarity to every centroid, and its score (similarity to its own
    topic's centroid, or to the nearest one for outliers)."""
    import numpy as np

    n_texts, labels = len(vectors), topics.labels
    if not topics.n_topics:
        return np.zeros((n_texts, 0), dtype=np.float32), np.zeros(n_texts)
    similarity = vectors @ topics.centroids.T
    text_score = similarity[np.arange(n_texts), np.where(labels >= 0, labels, 0)]
    return similarity, np.where(labels >= 0, text_score, similarity.max(axis=1))


def _document_sizes(corpus: _Corpus, text_index: dict[str, int], topics: _Topics) -> Any:
    """Documents (not distinct texts) per topic: what decides which merged topic survives."""
    import numpy as np

    doc_sizes = np.zeros(topics.n_topics, dtype=int)
    for key in corpus.doc_hashes:
        if key is not None and topics.labels[text_index[key]] >= 0:
            doc_sizes[topics.labels[text_index[key]]] += 1
    return doc_sizes


def _topic_rows(
    corpus: _Corpus,
    topics: _Topics,
    similarity: Any,
    phrases: list[list[tuple[str, float]]],
    user_labels: dict[int, str],
    merges: dict[int, int],
) -> list[dict[str, Any]]:
    """One row per topic: its label, keywords, carried edits, centroid and the documents
    whose texts sit nearest the centroid."""
    import numpy as np

    hashes = list(corpus.texts_by_hash)
    first_doc: dict[str, str] = {}
    for doc_id, key in zip(corpus.doc_ids, corpus.doc_hashes, strict=True):
        if key is not None:
            first_doc.setdefault(key, doc_id)
    rows = []
    for k in range(topics.n_topics):
        members = np.flatnonzero(topics.labels == k)
        nearest_texts = members[np.argsort(-similarity[members, k], kind="stable")]
        representatives = [first_doc[hashes[i]] for i in nearest_texts[:REPRESENTATIVE_DOCS]]
        rows.append(
            {
                "topic": k,
                "label": _label(phrases[k], topics.keywords[k]),
                "keywords": topics.keywords[k],
                "user_label": user_labels.get(k),
                "merged_into": merges.get(k),
                "centroid": topics.centroids[k].tolist(),
                "representative_docs": representatives,
            }
        )
    return rows


def _document_topics(
    corpus: _Corpus,
    text_index: dict[str, int],
    topics: _Topics,
    merges: dict[int, int],
    text_score: Any,
) -> list[tuple[str, int, float]]:
    """Per document: (doc_id, its topic after carried merges or -1, probability)."""
    import numpy as np

    final = np.arange(topics.n_topics)
    for source, target in merges.items():
        final[source] = target
    doc_topics = []
    for doc_id, key in zip(corpus.doc_ids, corpus.doc_hashes, strict=True):
        if key is None:
            doc_topics.append((doc_id, -1, 0.0))
            continue
        i = text_index[key]
        topic = int(topics.labels[i])
        doc_topics.append(
            (doc_id, int(final[topic]) if topic >= 0 else -1, float(max(0.0, text_score[i])))
        )
    return doc_topics


@dataclass
class _NewRun:
    """Everything stored for one fit."""

    started_at: datetime
    params: TopicParams
    n_texts: int
    n_topics: int
    outlier_share: float
    topic_rows: list[dict[str, Any]]
    doc_topics: list[tuple[str, int, float]]


def _save_run(settings: Settings, run: _NewRun) -> int:
    """Store the run, its topics and document assignments in one transaction; return its id."""
    import pandas as pd

    assigned = pd.DataFrame(run.doc_topics, columns=["doc_id", "topic", "probability"])
    topic_frame = pd.DataFrame(
        run.topic_rows,
        columns=[
            "topic",
            "label",
            "keywords",
            "user_label",
            "merged_into",
            "centroid",
            "representative_docs",
        ],
    ).astype({"user_label": "object", "merged_into": "Int64"})
    topic_frame.insert(4, "size", 0)
    with store.session(settings=settings) as con, store.transaction(con):
        run_id = con.execute(sql.NEXT_RUN_ID).fetchall()[0][0]
        con.execute(
            sql.INSERT_RUN,
            [
                run_id,
                run.started_at,
                len(run.doc_topics),
                run.n_texts,
                run.n_topics,
                run.outlier_share,
                run.params.embedding_model,
                json.dumps(asdict(run.params)),
            ],
        )
        topic_frame.insert(0, "run_id", run_id)
        assigned.insert(1, "run_id", run_id)
        con.register("topic_batch", topic_frame)
        con.register("assigned_batch", assigned)
        con.execute(sql.INSERT_TOPICS)
        con.execute(sql.INSERT_DOC_TOPICS)
        con.unregister("topic_batch")
        con.unregister("assigned_batch")
        con.execute(sql.REFRESH_SIZES, [run_id])
        con.execute(sql.DELETE_OLDER_DOC_TOPICS, [run_id])
    return run_id


def fit_topics(settings: Settings, progress: Progress | None = None) -> FitResult:
    """Fit a new topic model on every document and make it current (a new run)."""
    started = time.monotonic()
    started_at = datetime.now(UTC)
    corpus, brand_words, previous = _read_inputs(settings)
    hashes = list(corpus.texts_by_hash)
    _require_enough_texts(len(hashes))
    params = TopicParams.for_corpus(len(hashes), settings)
    vectors, embedded = embeddings.embed(settings, corpus.texts_by_hash, progress)
    texts = [corpus.texts_by_hash[h] for h in hashes]
    stop = stop_words(brand_words)
    labels, model = _cluster(vectors, params, texts, stop, progress)

    if progress:
        progress("naming topics", 0, 1)
    topics = _settle_topics(vectors, labels, model, params, texts, stop)
    similarity, text_score = _similarities(vectors, topics)
    text_index = {h: i for i, h in enumerate(hashes)}
    doc_sizes = _document_sizes(corpus, text_index, topics)
    user_labels, merges = _carry_over(previous, topics.centroids, doc_sizes)
    phrases = _phrases_per_topic(texts, topics.labels, topics.n_topics, stop, brand_words)
    topic_rows = _topic_rows(corpus, topics, similarity, phrases, user_labels, merges)
    doc_topics = _document_topics(corpus, text_index, topics, merges, text_score)
    outlier_share = sum(1 for _, t, _ in doc_topics if t < 0) / max(1, len(doc_topics))
    if progress:
        progress("naming topics", 1, 1)
        progress("saving topics", 0, 1)

    run = _NewRun(
        started_at, params, len(hashes), topics.n_topics, outlier_share, topic_rows, doc_topics
    )
    run_id = _save_run(settings, run)
    if progress:
        progress("saving topics", 1, 1)
    return FitResult(
        run_id=run_id,
        n_docs=len(doc_topics),
        n_texts=len(hashes),
        n_topics=topics.n_topics - len(merges),
        outlier_share=outlier_share,
        embedded=embedded,
        seconds=time.monotonic() - started,
        carried_labels=len(user_labels),
        carried_merges=len(merges),
        params=asdict(params),
    )


# --- incremental assignment ----------------------------------------------------------------------


def current_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The run_id of the current topic model, or None before the first fit."""
    return con.execute(sql.CURRENT_RUN).fetchall()[0][0]
