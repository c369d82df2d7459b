"""How well topics agree with labels people gave the same documents (intents, reasons).

Used by ``benchmarks/eval_topics.py`` and the tests on real labelled data: NMI and ARI
(documents in no topic form one more group, as BERTopic's -1 does), and the mean over
labels of the best-matching topic's F1, where documents in no topic count against recall.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def mean_best_f1(labels: Sequence[str], topics: Sequence[int]) -> float:
    """Per label, the F1 of the topic that matches it best; averaged over labels."""
    per_label = Counter(labels)
    per_topic = Counter(t for t in topics if t >= 0)
    both = Counter((lab, t) for lab, t in zip(labels, topics, strict=True) if t >= 0)
    best: dict[str, float] = dict.fromkeys(per_label, 0.0)
    for (label, topic), hits in both.items():
        best[label] = max(best[label], 2 * hits / (per_label[label] + per_topic[topic]))
    return sum(best.values()) / max(1, len(best))


def agreement(labels: Sequence[str], topics: Sequence[int]) -> dict[str, float]:
    """NMI, ARI and mean best-topic F1 of ``topics`` against ``labels`` (one per document)."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    return {
        "nmi": round(float(normalized_mutual_info_score(labels, topics)), 4),
        "ari": round(float(adjusted_rand_score(labels, topics)), 4),
        "mean_best_f1": round(mean_best_f1(labels, topics), 4),
    }
