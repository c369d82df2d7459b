"""Topic modeling: fit fine topics and their themes, assign new documents, keep users' edits.

A fit works on distinct cleaned texts, and near-identical ones (the same words with other
numbers, emoji or punctuation: bot posts, copy-paste campaigns) count once, so repeats do
not make topics. The texts are clustered into fine topics (:mod:`analysis.topics.clustering`),
texts close to no topic stay "Other", and the fine topics are grouped into themes
(:mod:`analysis.topics.themes`). The order is fixed by the texts' hashes and UMAP is
seeded, so the same documents and settings give the same topics.

Each topic and theme gets c-TF-IDF keywords and a readable name (:mod:`analysis.topics.naming`)
and each topic the three texts nearest its centroid. Renames and merges are stored on the
topics; at a refit every new topic is matched to the old topic with the most similar
centroid, and inherits its edits (:mod:`analysis.topics.carry`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from analysis.topics import clustering, embeddings, naming, sql, themes
from analysis.topics.carry import carry_edits, carry_theme_labels
from analysis.topics.text import brand_stop_words, repeat_key, stop_words, text_hash, topic_text
from loaders import store
from loaders.config import Settings
from loaders.errors import TopicError, explain

Progress = Callable[[str, int, int], None]  # (stage, done, total)

MIN_TEXTS = 20  # fewer distinct texts than this cannot form topics
REPRESENTATIVE_DOCS = 3
KEYWORDS = naming.KEYWORDS


@dataclass(frozen=True)
class TopicParams:
    """Everything that decides a fit; stored with the run."""

    min_cluster_size: int
    min_samples: int
    n_neighbors: int
    n_components: int
    seed: int
    split_share: float
    member_quantile: float
    embedding_model: str
    extra_stop_words: str

    @classmethod
    def for_corpus(cls, n_texts: int, settings: Settings) -> TopicParams:
        """Sizes scale with the corpus (see :class:`clustering.ClusterParams`)."""
        chosen = clustering.ClusterParams.for_corpus(
            n_texts, settings.topic_seed, settings.topic_min_cluster_size
        )
        return cls(
            **asdict(chosen),
            embedding_model=embeddings.embedding_model_name(settings),
            extra_stop_words=settings.topic_stop_words,
        )

    def clustering(self) -> clustering.ClusterParams:
        fields = clustering.ClusterParams.__dataclass_fields__
        return clustering.ClusterParams(**{k: v for k, v in asdict(self).items() if k in fields})


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
    n_themes: int = 0
    repeats: int = 0  # distinct texts counted once with a near-identical one
    refit_because: str | None = None  # set when `analyze` refitted by itself, and why
    sampled: int = 0  # distinct texts clustered when a sample was (0: every one)


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


def _fit_set(texts: Sequence[str]) -> tuple[list[int], Any]:
    """One text per group of near-identical texts: the indices fitted on, and per text the
    position (in that list) of the text standing for it."""
    import numpy as np

    first: dict[str, int] = {}
    fitted: list[int] = []
    stands_for = np.empty(len(texts), int)
    for i, text in enumerate(texts):
        key = repeat_key(text)
        if key not in first:
            first[key] = len(fitted)
            fitted.append(i)
        stands_for[i] = first[key]
    return fitted, stands_for


def _vocabulary_stop_words(con: duckdb.DuckDBPyConnection, settings: Settings) -> frozenset[str]:
    documents = con.execute(sql.DOCUMENT_COUNT).fetchall()[0][0]
    brands = [row[0] for row in con.execute(sql.BRANDS).fetchall()]
    threshold = max(10, int(documents * 0.005))
    handles = [row[0] for row in con.execute(sql.FREQUENT_HANDLES, [threshold]).fetchall()]
    return brand_stop_words(brands, handles, settings.topic_stop_words)


@dataclass
class _Previous:
    """The current run's topics and themes, whose edits carry over to the new fit."""

    topics: list[tuple[Any, ...]]
    themes: list[tuple[Any, ...]]


def _read_inputs(settings: Settings) -> tuple[_Corpus, frozenset[str], _Previous]:
    """The corpus, the brand words kept out of keywords and names, and the current run,
    read before the long model work and outside any write lock."""
    with store.session(settings=settings, read_only=True) as con:
        corpus = _corpus(con.execute(sql.ALL_DOCUMENTS).fetchall())
        brand_words = _vocabulary_stop_words(con, settings)
        run = con.execute(sql.CURRENT_RUN).fetchall()[0][0]
        previous = _Previous(
            con.execute(sql.RUN_TOPICS, [run]).fetchall() if run else [],
            con.execute(sql.RUN_THEMES, [run]).fetchall() if run else [],
        )
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


# --- fine topics and themes ------------------------------------------------------------------


@dataclass
class _Level:
    """Topics or themes: their centroids, keywords and names, numbered by size."""

    centroids: Any
    keywords: list[list[str]]
    names: list[str]

    @property
    def count(self) -> int:
        return len(self.names)


@dataclass
class _Topics:
    labels: Any  # per distinct text: its topic, -1 for a text no topic took
    topics: _Level
    thresholds: Any  # per topic: the similarity to its centroid a text needs to join
    theme_of: Any  # per topic: its theme
    themes: _Level

    @property
    def n_topics(self) -> int:
        return self.topics.count


def _by_size(labels: Any, n_groups: int) -> Any:
    """A renumbering (old -> new, with -1 kept) that puts the largest group first."""
    import numpy as np

    sizes = np.bincount(labels[labels >= 0], minlength=n_groups)
    order = sorted(range(n_groups), key=lambda k: (-sizes[k], k))
    renumber = np.full(n_groups + 1, -1)
    renumber[order] = np.arange(n_groups)
    return renumber  # renumber[-1] is the last slot, which stays -1


def _describe(
    vectors: Any,
    texts: list[str],
    labels: Any,
    n_groups: int,
    words: tuple[frozenset[str], frozenset[str]],
    members: list[list[set[str]]] | None = None,
) -> _Level:
    """Centroids, keywords and readable names of groups given per text (``members``: see
    :func:`naming.names_for`)."""
    import numpy as np

    stop, brand_words = words
    keywords = naming.class_keywords(texts, labels, n_groups, stop)
    phrases = naming.ranked_phrases(texts, labels, n_groups, stop, brand_words)
    sizes = np.bincount(labels[labels >= 0], minlength=n_groups)
    return _Level(
        clustering.centroids(vectors, labels, n_groups),
        keywords,
        naming.names_for(phrases, keywords, sizes.tolist(), members, stop),
    )


def _settle_topics(
    vectors: Any,
    texts: list[str],
    found: Any,
    params: TopicParams,
    words: tuple[frozenset[str], frozenset[str]],
) -> tuple[Any, _Level, Any, Any, _Level]:
    """From HDBSCAN's labels of the fitted texts: outliers that are close enough join, topics
    are numbered by size, described, and grouped into themes (also numbered by size)."""
    labels, core, thresholds = clustering.adopt_outliers(vectors, found, params.clustering())
    n_topics = len(core)
    renumber = _by_size(labels, n_topics)
    labels = renumber[labels]
    order = [int(k) for k in sorted(range(n_topics), key=lambda k: renumber[k])]
    thresholds = thresholds[order] if n_topics else thresholds
    topics = _describe(vectors, texts, labels, n_topics, words)
    # The centroid that decides joining stays the one of HDBSCAN's core members.
    topics.centroids = core[order] if n_topics else core
    sizes = [int((labels == k).sum()) for k in range(n_topics)]
    theme_of = themes.group_topics(topics.centroids, sizes)
    n_themes = int(theme_of.max()) + 1 if n_topics else 0
    theme_labels = theme_of[labels] if n_topics else labels
    theme_labels[labels < 0] = -1
    topic_words = [
        {w for phrase in [*topics.keywords[k], topics.names[k]] for w in phrase.split()}
        for k in range(n_topics)
    ]
    members = [
        [topic_words[k] for k in range(n_topics) if theme_of[k] == t] for t in range(n_themes)
    ]
    theme_level = _describe(vectors, texts, theme_labels, n_themes, words, members)
    return labels, topics, thresholds, theme_of, theme_level


def _find_topics(
    vectors: Any,
    texts: list[str],
    fit_set: tuple[list[int], Any],
    params: TopicParams,
    words: tuple[frozenset[str], frozenset[str]],
    progress: Progress | None,
    sample: Any = None,
) -> _Topics:
    """Cluster one text per group of near-identical texts (``fit_set``, see :func:`_fit_set`),
    or the ``sample`` (positions in it) of those, then give every text the topic of the text
    standing for it; texts outside the sample join their nearest topic, as new ones do."""
    fitted, stands_for = fit_set
    clustered = fitted if sample is None else [fitted[j] for j in sample]
    found = clustering.cluster(vectors[clustered], params.clustering(), progress)
    if progress:
        progress("naming topics", 0, 1)
    fit_texts = [texts[i] for i in clustered]
    labels, topics, thresholds, theme_of, theme_level = _settle_topics(
        vectors[clustered], fit_texts, found, params, words
    )
    if sample is not None:
        joined, _ = clustering.nearest_topic(vectors[fitted], topics.centroids, thresholds)
        joined[sample] = labels
        labels = joined
    if progress:
        progress("naming topics", 1, 1)
    return _Topics(labels[stands_for], topics, thresholds, theme_of, theme_level)


def _fit_sample(settings: Settings, corpus: _Corpus, fitted: list[int]) -> Any:
    """Positions in ``fitted`` of the stratified sample to cluster, or None when the corpus
    is within ``topic_fit_sample`` (then every text is clustered, as always)."""
    from analysis.topics.sample import document_strata, stratified_sample

    if len(fitted) <= settings.topic_fit_sample:
        return None
    with store.session(settings=settings, read_only=True) as con:
        stratum_of_doc = document_strata(con)
    stratum_of_text: dict[str, str] = {}
    for doc_id, key in zip(corpus.doc_ids, corpus.doc_hashes, strict=True):
        if key is not None:
            stratum_of_text.setdefault(key, stratum_of_doc[doc_id])
    hashes = list(corpus.texts_by_hash)
    strata = [stratum_of_text[hashes[i]] for i in fitted]
    return stratified_sample(strata, settings.topic_fit_sample, settings.topic_seed)


# --- what is stored ----------------------------------------------------------------------------


def _text_scores(vectors: Any, topics: _Topics) -> Any:
    """Per text: its similarity to its own topic's centroid, or to the nearest one for
    texts without a topic (in chunks: 200,000 texts x 1,000 topics do not fit at once)."""
    import numpy as np

    labels, centroids = topics.labels, topics.topics.centroids
    if not topics.n_topics:
        return np.zeros(len(vectors))
    scores = np.empty(len(vectors))
    for start in range(0, len(vectors), 8192):
        chunk = vectors[start : start + 8192] @ centroids.T
        mine = labels[start : start + 8192]
        own = chunk[np.arange(len(chunk)), np.maximum(mine, 0)]
        scores[start : start + 8192] = np.where(mine >= 0, own, chunk.max(axis=1))
    return scores


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
    text_score: Any,
    user_labels: dict[int, str],
    merges: dict[int, int],
) -> list[dict[str, Any]]:
    """One row per topic: its name, keywords, theme, carried edits, centroid, join threshold
    and the documents whose texts sit nearest the centroid."""
    import numpy as np

    hashes = list(corpus.texts_by_hash)
    first_doc: dict[str, str] = {}
    for doc_id, key in zip(corpus.doc_ids, corpus.doc_hashes, strict=True):
        if key is not None:
            first_doc.setdefault(key, doc_id)
    rows = []
    for k in range(topics.n_topics):
        members = np.flatnonzero(topics.labels == k)
        nearest_texts = members[np.argsort(-text_score[members], kind="stable")]
        representatives = [first_doc[hashes[i]] for i in nearest_texts[:REPRESENTATIVE_DOCS]]
        rows.append(
            {
                "topic": k,
                "label": topics.topics.names[k],
                "keywords": topics.topics.keywords[k],
                "user_label": user_labels.get(k),
                "merged_into": merges.get(k),
                "centroid": topics.topics.centroids[k].tolist(),
                "representative_docs": representatives,
                "theme": int(topics.theme_of[k]),
                "min_similarity": float(topics.thresholds[k]),
            }
        )
    return rows


def _theme_rows(topics: _Topics, user_labels: dict[int, str]) -> list[dict[str, Any]]:
    level = topics.themes
    return [
        {
            "theme": k,
            "label": level.names[k],
            "keywords": level.keywords[k],
            "user_label": user_labels.get(k),
            "centroid": level.centroids[k].tolist(),
        }
        for k in range(level.count)
    ]


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
    n_themes: int
    outlier_share: float
    topic_rows: list[dict[str, Any]]
    theme_rows: list[dict[str, Any]]
    doc_topics: list[tuple[str, int, float]]


TOPIC_COLUMNS = [
    "topic",
    "label",
    "keywords",
    "user_label",
    "merged_into",
    "centroid",
    "representative_docs",
    "theme",
    "min_similarity",
]


def _save_run(settings: Settings, run: _NewRun) -> int:
    """Store the run, its topics, themes and document assignments in one transaction."""
    import pandas as pd

    assigned = pd.DataFrame(run.doc_topics, columns=["doc_id", "topic", "probability"])
    topic_frame = pd.DataFrame(run.topic_rows, columns=TOPIC_COLUMNS).astype(
        {"user_label": "object", "merged_into": "Int64"}
    )
    theme_frame = pd.DataFrame(
        run.theme_rows, columns=["theme", "label", "keywords", "user_label", "centroid"]
    ).astype({"user_label": "object"})
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
                run.n_themes,
            ],
        )
        for frame in (topic_frame, theme_frame):
            frame.insert(0, "run_id", run_id)
        assigned.insert(1, "run_id", run_id)
        batches = {"topic_batch": topic_frame, "theme_batch": theme_frame}
        batches["assigned_batch"] = assigned
        # The session's connection is closed on error, and with it these registrations.
        for name, frame in batches.items():
            con.register(name, frame)
        con.execute(sql.INSERT_TOPICS)
        con.execute(sql.INSERT_THEMES)
        con.execute(sql.INSERT_DOC_TOPICS)
        for name in batches:
            con.unregister(name)
        con.execute(sql.REFRESH_SIZES, [run_id])
        con.execute(sql.DELETE_OLDER_DOC_TOPICS, [run_id])
    return run_id


def _new_run(
    corpus: _Corpus,
    vectors: Any,
    topics: _Topics,
    previous: _Previous,
    params: TopicParams,
    started_at: datetime,
) -> tuple[_NewRun, dict[int, str], dict[int, int]]:
    """The rows to store, with the previous run's edits carried over."""
    hashes = list(corpus.texts_by_hash)
    text_index = {h: i for i, h in enumerate(hashes)}
    text_score = _text_scores(vectors, topics)
    doc_sizes = _document_sizes(corpus, text_index, topics)
    user_labels, merges = carry_edits(previous.topics, topics.topics.centroids, doc_sizes)
    theme_labels = carry_theme_labels(previous.themes, topics.themes.centroids)
    doc_topics = _document_topics(corpus, text_index, topics, merges, text_score)
    outlier_share = sum(1 for _, t, _ in doc_topics if t < 0) / max(1, len(doc_topics))
    run = _NewRun(
        started_at,
        params,
        len(hashes),
        topics.n_topics,
        topics.themes.count,
        outlier_share,
        _topic_rows(corpus, topics, text_score, user_labels, merges),
        _theme_rows(topics, theme_labels),
        doc_topics,
    )
    return run, user_labels, merges


def fit_topics(settings: Settings, progress: Progress | None = None) -> FitResult:
    """Fit new topics and themes on every document and make them current (a new run).
    Past ``topic_fit_sample`` distinct texts they are found on a stratified sample and the
    other texts join their nearest topic."""
    started, started_at = time.monotonic(), datetime.now(UTC)
    corpus, brand_words, previous = _read_inputs(settings)
    hashes = list(corpus.texts_by_hash)
    texts = [corpus.texts_by_hash[h] for h in hashes]
    fitted, stands_for = _fit_set(texts)
    _require_enough_texts(len(fitted))
    sample = _fit_sample(settings, corpus, fitted)
    params = TopicParams.for_corpus(len(fitted if sample is None else sample), settings)
    vectors, embedded = embeddings.embed(settings, corpus.texts_by_hash, progress)
    words = (stop_words(brand_words), brand_words)
    topics = _find_topics(vectors, texts, (fitted, stands_for), params, words, progress, sample)
    run, user_labels, merges = _new_run(corpus, vectors, topics, previous, params, started_at)
    if progress:
        progress("saving topics", 0, 1)
    run_id = _save_run(settings, run)
    if progress:
        progress("saving topics", 1, 1)
    return FitResult(
        run_id=run_id,
        n_docs=len(run.doc_topics),
        n_texts=len(hashes),
        n_topics=topics.n_topics - len(merges),
        outlier_share=run.outlier_share,
        embedded=embedded,
        seconds=time.monotonic() - started,
        carried_labels=len(user_labels),
        carried_merges=len(merges),
        params=asdict(params),
        n_themes=topics.themes.count,
        repeats=len(texts) - len(fitted),
        sampled=0 if sample is None else len(sample),
    )


def current_run(con: duckdb.DuckDBPyConnection) -> int | None:
    """The run_id of the current topic model, or None before the first fit."""
    return con.execute(sql.CURRENT_RUN).fetchall()[0][0]
