"""New documents join a current topic without a refit; ``update_topics`` chooses assign or fit.

A new text joins the nearest topic only when it is as close to the centroid as the topic's
own members were at the fit (the topic's ``min_similarity``); otherwise it stays "Other".
When many of the new documents fit no topic, the topics no longer describe the data (a new
brand, product line or source): ``update_topics`` refits, or says that it should.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from analysis.topics import embeddings, sql
from analysis.topics.clustering import nearest_topic, unit_rows
from analysis.topics.fit import FitResult, Progress, _corpus, current_run, fit_topics
from loaders import store
from loaders.config import Settings
from loaders.errors import TopicError

# Runs fitted before topics kept their own threshold joined at this cosine similarity.
LEGACY_JOIN_SIMILARITY = 0.3
REFIT_MIN_DOCUMENTS = 50  # fewer new documents than this never call for a refit


@dataclass
class AssignResult:
    run_id: int
    assigned: int  # documents that got a topic
    outliers: int  # new documents that fit no topic
    embedded: int
    seconds: float
    refit_due: bool = False  # so many new documents fit no topic that the topics are stale

    @property
    def unassigned_share(self) -> float:
        return self.outliers / max(1, self.assigned + self.outliers)


def _refit_due(settings: Settings, assigned: int, outliers: int) -> bool:
    new = assigned + outliers
    return new >= REFIT_MIN_DOCUMENTS and outliers / new >= settings.topic_refit_share


def assign_new_documents(settings: Settings, progress: Progress | None = None) -> AssignResult:
    """Give documents added since the last fit the nearest current topic they are close
    enough to; no refit."""
    import numpy as np
    import pandas as pd

    started = time.monotonic()
    with store.session(settings=settings, read_only=True) as con:
        run_id = current_run(con)
        if run_id is None:
            raise TopicError("No topic model yet. Fix: run `brandpulse analyze` to fit one.")
        pending = con.execute(sql.UNASSIGNED_DOCUMENTS, [run_id]).fetchall()
        topic_rows = con.execute(sql.RUN_TOPICS, [run_id]).fetchall()
    if not pending:
        return AssignResult(run_id, 0, 0, 0, time.monotonic() - started)
    corpus = _corpus(pending)
    hashes = list(corpus.texts_by_hash)
    vectors, embedded = embeddings.embed(settings, corpus.texts_by_hash, progress)
    ids = np.asarray([row[0] for row in topic_rows])
    # A model fitted on too few texts has no topics: every new document is an outlier.
    centroids = (
        unit_rows(np.asarray([np.asarray(row[4], np.float32) for row in topic_rows]))
        if topic_rows
        else np.zeros((0, vectors.shape[1]), np.float32)
    )
    thresholds = [LEGACY_JOIN_SIMILARITY if row[6] is None else row[6] for row in topic_rows]
    merged_into = {row[0]: row[3] for row in topic_rows}
    nearest, score = nearest_topic(vectors, centroids, thresholds)
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
    assigned = len(rows) - outliers
    return AssignResult(
        run_id,
        assigned,
        outliers,
        embedded,
        time.monotonic() - started,
        refit_due=_refit_due(settings, assigned, outliers),
    )


def update_topics(
    settings: Settings, *, refit: bool = False, progress: Progress | None = None
) -> FitResult | AssignResult:
    """What `brandpulse analyze` does: fit when asked or when there is no model, else assign
    new documents, and refit when they fit the topics too badly (``topic_auto_refit``)."""
    with store.session(settings=settings, read_only=True) as con:
        run_id = current_run(con)
    if refit or run_id is None:
        return fit_topics(settings, progress)
    assigned = assign_new_documents(settings, progress)
    if assigned.refit_due and settings.topic_auto_refit:
        fitted = fit_topics(settings, progress)
        fitted.refit_because = (
            f"{assigned.unassigned_share:.0%} of the {assigned.assigned + assigned.outliers} "
            "new documents fitted no topic"
        )
        return fitted
    return assigned
