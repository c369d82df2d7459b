"""The stratified sample a large corpus's topics are fitted on.

Clustering (UMAP, HDBSCAN) grows faster than linearly with the texts; past
``topic_fit_sample`` distinct texts the topics are found on a sample and every other text
joins its nearest topic, as a new document does (see :mod:`.assign`). The sample keeps each
stratum's share of the corpus, a stratum being a source, brand and ISO week, so a quiet
source or week is not drowned by a loud one, and it is the same for the same corpus and seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from analysis.topics import sql


def document_strata(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """doc_id -> its stratum ('source|brand|ISO week')."""
    return dict(con.execute(sql.DOCUMENT_STRATA).fetchall())


def stratified_sample(strata: Sequence[str], size: int, seed: int) -> Any:
    """Sorted positions of ``size`` items, each stratum given its share (largest remainders
    first), drawn at random within it with ``seed``."""
    import numpy as np

    n = len(strata)
    if size >= n:
        return np.arange(n)
    names, which = np.unique(np.asarray(strata, dtype=object).astype(str), return_inverse=True)
    counts = np.bincount(which, minlength=len(names))
    exact = counts * size / n
    quota = np.floor(exact).astype(int)
    for k in np.argsort(-(exact - quota), kind="stable")[: size - int(quota.sum())]:
        quota[k] += 1
    rng = np.random.default_rng(seed)
    chosen = [
        rng.choice(np.flatnonzero(which == k), quota[k], replace=False)
        for k in range(len(names))
        if quota[k]
    ]
    return np.sort(np.concatenate(chosen))
