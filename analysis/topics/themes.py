"""Coarse themes: fine topics grouped by what they are about, for a readable first view.

Average-linkage clustering of the fine topics' centroids (cosine). The number of themes is
chosen on the data: the count from 2 to twice sqrt(topics) (at most :data:`MAX_THEMES`)
whose grouping has the best silhouette. The silhouette of topic centroids keeps rising as
themes shrink towards single topics, so the upper bound keeps themes a readable first view
(84 topics: at most 18 themes). Silhouette scores a theme of one topic 0, so on its own
it would fold a small, distinct subject into a large one; where the tree shows a clear
jump in merge distance (the largest at least :data:`CLEAR_JUMP` times any other), themes
are never merged across it. So a corpus mostly about one subject gets that subject's
topics in one theme and keeps the few other subjects apart. On BANKING77 this groups the top-up intents, the
exchange-rate intents, the card-delivery intents and the transfer intents together, and
keeps intents that stand apart (age limit, passcode forgotten) as themes of their own.
"""

from __future__ import annotations

import math
from typing import Any

MAX_THEMES = 40
FEW_TOPICS = 4  # this many fine topics or fewer: each is its own theme
CLEAR_JUMP = 2.0


def group_topics(topic_centroids: Any, sizes: Any, max_themes: int = MAX_THEMES) -> Any:
    """Theme of each fine topic, numbered by size (theme 0 holds the most documents)."""
    import numpy as np

    n_topics = len(topic_centroids)
    if n_topics <= FEW_TOPICS:
        groups = np.arange(n_topics)
    else:
        groups = _best_cut(np.asarray(topic_centroids, np.float64), max_themes)
    totals = np.bincount(groups, weights=np.asarray(sizes, np.float64), minlength=groups.max() + 1)
    order = sorted(range(len(totals)), key=lambda g: (-totals[g], g))
    renumber = np.empty(len(totals), int)
    renumber[order] = np.arange(len(totals))
    return renumber[groups] if n_topics else groups


def _jump_floor(tree: Any, high: int) -> int:
    """The fewest themes allowed: the count just below a clear jump in merge distance, else 2."""
    heights = tree[:, 2]
    n_topics = len(heights) + 1
    # Cutting into k groups undoes the last k-1 merges: the jump above k groups is
    # heights[n-k] - heights[n-k-1].
    jumps = {k: heights[n_topics - k] - heights[n_topics - k - 1] for k in range(2, high + 1)}
    if len(jumps) < 2:
        return 2
    ranked = sorted(jumps.items(), key=lambda item: -item[1])
    (count, largest), (_, second) = ranked[0], ranked[1]
    return count if largest >= CLEAR_JUMP * max(second, 1e-9) else 2


def _best_cut(topic_centroids: Any, max_themes: int) -> Any:
    """Cut of the average-linkage tree with the best silhouette, as 0-based theme ids."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score

    n_topics = len(topic_centroids)
    tree = linkage(topic_centroids, method="average", metric="cosine")
    high = min(max_themes, n_topics - 1, 2 * max(2, round(math.sqrt(n_topics))))
    best: tuple[float, Any] | None = None
    for count in range(min(_jump_floor(tree, high), high), high + 1):
        groups = fcluster(tree, count, criterion="maxclust")
        if len(np.unique(groups)) < 2:
            continue
        score = float(silhouette_score(topic_centroids, groups, metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, groups)
    if best is None:  # every cut gives one group: identical centroids
        return np.zeros(n_topics, int)
    _, groups = best
    return np.unique(groups, return_inverse=True)[1]
