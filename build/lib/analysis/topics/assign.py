"""New documents get the nearest current topic without a refit; ``update_topics`` chooses assign or fit."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from analysis.topics import embeddings, sql
from analysis.topics.fit import (
    FitResult,
    Progress,
    _assign_to_centroids,
    _corpus,
    _unit_rows,
    current_run,
    fit_topics,
)
from loaders import store
from loaders.config import Settings
from loaders.errors import TopicError


@dataclass
class AssignResult:
    run_id: int
    assigned: int  # documents that got a topic
    outliers: int  # new documents that fit no topic
    embedded: int
    seconds: float


def assign_new_documents(settings: Settings, progress: Progress | None = None) -> AssignResult:
    """Give documents added since the last fit the nearest current topic; no refit."""
    import numpy as np
    import pandas as pd

    started = time.monotonic()
    with store.session(settings=settings, read_only=True) as con:
        run_id = current_run(con)
        if run_id is None:
            raise TopicError("No topic model yet. Fix: run `brandpulse analyze` to fit one.")
        pending = con.execute(sql.UNASSIGNED_DOCUMENTS, [run_id]).fetchall()
        topic_rows = con.execute(sql.RUN_TOPICS, [run_id]).fetchall()
        threshold = json.loads(con.execute(sql.RUN_INFO, [run_id]).fetchall()[0][8])[
            "outlier_similarity"
        ]
    if not pending:
        return AssignResult(run_id, 0, 0, 0, time.monotonic() - started)
    corpus = _corpus(pending)
    hashes = list(corpus.texts_by_hash)
    vectors, embedded = embeddings.embed(settings, corpus.texts_by_hash, progress)
    ids = np.asarray([row[0] for row in topic_rows])
    # A model fitted on too few texts has no topics: every new document is an outlier.
    centroids = (
        _unit_rows(np.asarray([np.asarray(row[4], np.float32) for row in topic_rows]))
        if topic_rows
        else np.zeros((0, vectors.shape[1]), np.float32)
    )
    merged_into = {row[0]: row[3] for row in topic_rows}
    nearest, score = _assign_to_centroids(vectors, centroids, threshold)
    text_index = {h: i for i, h in enumerate(hashes)}
    rows = []
    for doc_id, key in zip(corpus.doc_ids, corpus.doc_hashes, strict=True):
        if key is None:
            rows.append((doc_id, run_id, -1, 0.0))
            continue
        i = text_index[key]
        topic = int(ids[nearest[i]]) if nearest[i] >= 0 else -1
        while topic >= 0 and merged_into.get(topic) is not None:
            topic = merged_into[topic]
        rows.append((doc_id, run_id, topic, float(max(0.0, score[i]))))
    frame = pd.DataFrame(rows, columns=["doc_id", "run_id", "topic", "probability"])
    with store.session(settings=settings) as con:
        con.register("assigned_batch", frame)
        try:
            con.execute(sql.INSERT_DOC_TOPICS)
        finally:
            con.unregister("assigned_batch")
        con.execute(sql.REFRESH_SIZES, [run_id])
    outliers = sum(1 for row in rows if row[2] < 0)
    return AssignResult(
        run_id, len(rows) - outliers, outliers, embedded, time.monotonic() - started
    )


def update_topics(
    settings: Settings, *, refit: bool = False, progress: Progress | None = None
) -> FitResult | AssignResult:
    """What `brandpulse analyze` does: fit when asked or when there is no model, else assign."""
    with store.session(settings=settings, read_only=True) as con:
        run_id = current_run(con)
    if refit or run_id is None:
        return fit_topics(settings, progress)
    return assign_new_documents(settings, progress)
