"""Users' edits outlive a refit: each new topic or theme inherits the names and merges of
the old one whose centroid it matches."""

from __future__ import annotations

from typing import Any

from analysis.topics.clustering import unit_rows

MATCH_SIMILARITY = 0.8  # centroid similarity at which a refit topic inherits an old topic's edits


def _old_centroids(rows: list[tuple[Any, ...]], column: int) -> Any:
    import numpy as np

    return unit_rows(np.asarray([np.asarray(row[column], np.float32) for row in rows]))


def carry_edits(
    previous: list[tuple[Any, ...]], centroids: Any, sizes: Any
) -> tuple[dict[int, str], dict[int, int]]:
    """User labels and merges of the previous run's topics (rows of ``sql.RUN_TOPICS``),
    mapped onto the new topics by centroid."""
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

    similarity = centroids @ _old_centroids(previous, 4).T
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


def carry_theme_labels(previous: list[tuple[Any, ...]], centroids: Any) -> dict[int, str]:
    """Users' theme names (rows of ``sql.RUN_THEMES``: theme, label, user_label, centroid),
    each given to the most similar new theme when it matches."""
    named = [row for row in previous if row[2]]
    if not named or not len(centroids):
        return {}
    similarity = centroids @ _old_centroids(named, 3).T
    labels: dict[int, str] = {}
    for old in sorted(range(len(named)), key=lambda o: -float(similarity[:, o].max())):
        new = int(similarity[:, old].argmax())
        if similarity[new, old] >= MATCH_SIMILARITY and new not in labels:
            labels[new] = named[old][2]
    return labels
