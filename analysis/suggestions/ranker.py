"""Rank copy candidates that passed every check, and pick the few to show.

Each candidate gets a score in 0..1 from parts measured on the text itself:

* **on topic**: cosine similarity of its embedding (MiniLM) to the subject (the card's title
  and subject, or the customer's post), scaled between :data:`ON_TOPIC_FLOOR` and
  :data:`ON_TOPIC_FULL`;
* **fluency**: the generator's own mean log-likelihood per token of the text, scaled per
  format by :data:`FLUENCY_SCALE` (absent for endpoints that give none);
* **length fit**: 1 inside the format's comfortable range, falling off outside it;
* **repetition**: a repeated three-word sequence costs a third of the score.

The parts are weighted per format (:data:`WEIGHTS`). The shown ones are chosen greedily by
score minus :data:`DIVERSITY_WEIGHT` times their similarity to those already chosen
(maximal marginal relevance), so three shown drafts do not say the same thing. A shown
draft under its format's :data:`NEEDS_EDIT_SCORE`, or off topic, is marked "needs edit".
Weights and thresholds are calibrated on the team's copy evaluation set
(``benchmarks/eval_ranker.py``, ``benchmarks/eval_copy.py``; figures in
``benchmarks/results/``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Embedder = Callable[[list[str]], "list[list[float]]"]  # unit vectors, one per text
Likelihood = Callable[[list[str]], list[float]]  # mean log-probability per token

# Calibrated on the references of the team's evaluation set (benchmarks/copy_eval), whose
# figures are in benchmarks/results/eval_copy.json:
# cosine to the subject: references' median 0.50 (social posts, subjects), 0.27 (headlines);
# their 5th percentile 0.03-0.10; another card's reference 0.08 (median). Below the
# threshold a draft is called off topic.
ON_TOPIC_FLOOR = 0.0
ON_TOPIC_FULL = 0.5
ON_TOPIC_THRESHOLD = {
    "social_post": 0.1,
    "review_reply": 0.1,
    "email_subject": 0.03,
    "ad_headline": 0.03,
}
# Mean log-probability per token under SmolLM2-135M (as an answer to a request for brand
# copy): references' 5th percentile / median -5.4 / -4.3 for posts and replies, -8.5 / -6.5
# for subjects and headlines, whose few words are each rarer.
FLUENCY_SCALE = {
    "social_post": (-5.5, -3.5),
    "review_reply": (-5.5, -3.5),
    "email_subject": (-8.5, -4.5),
    "ad_headline": (-8.5, -4.5),
}
DIVERSITY_WEIGHT = 0.35
NEAR_DUPLICATE = 0.96  # cosine above which two drafts count as the same
# The needs-edit line per format: the 10th percentile of the references' own score (nine in
# ten texts a marketer approved clear it; benchmarks/results/eval_ranker.json).
NEEDS_EDIT_SCORE = {
    "social_post": 0.45,
    "email_subject": 0.38,
    "ad_headline": 0.19,
    "review_reply": 0.45,
}

# Comfortable lengths in characters (inside the hard limits of the grounding check).
COMFORT = {
    "social_post": (60, 240),
    "email_subject": (18, 60),
    "ad_headline": (10, 30),
    "review_reply": (60, 450),
}
# Card copy: weights chosen on half the team's cards and checked on the other half
# (benchmarks/eval_ranker.py): the on-topic part predicts which draft a marketer's
# reference resembles; the model's fluency alone does no better than chance, and length
# fit adds nothing inside the checks' hard length limits. Replies keep the weights they were
# measured with in benchmarks/eval_copy.py.
CARD_WEIGHTS = {"on_topic": 0.8, "fluency": 0.2, "length": 0.0}
REPLY_WEIGHTS = {"on_topic": 0.45, "fluency": 0.35, "length": 0.20}
WEIGHTS = {
    "social_post": CARD_WEIGHTS,
    "email_subject": CARD_WEIGHTS,
    "ad_headline": CARD_WEIGHTS,
    "review_reply": REPLY_WEIGHTS,
}


@dataclass(frozen=True)
class Candidate:
    text: str
    source: str  # "model" or "template"


@dataclass(frozen=True)
class Ranked:
    text: str
    source: str
    score: float
    parts: dict[str, float] = field(default_factory=dict)  # on_topic, fluency, length, ...
    needs_edit: bool = False


def _scale(value: float, floor: float, full: float) -> float:
    return min(1.0, max(0.0, (value - floor) / (full - floor)))


def length_fit(text: str, fmt: str) -> float:
    low, high = COMFORT.get(fmt, (1, 10_000))
    size = len(text)
    if low <= size <= high:
        return 1.0
    gap = low - size if size < low else size - high
    return max(0.0, 1.0 - gap / max(low, 1))


def repeats(text: str) -> bool:
    """A three-word sequence that occurs twice."""
    words = re.findall(r"[a-z']+", text.lower())
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - 2):
        gram = tuple(words[i : i + 3])
        if gram in seen:
            return True
        seen.add(gram)
    return False


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return float(sum(x * y for x, y in zip(a, b, strict=True)))


def combine(parts: dict[str, float], fmt: str, weights: dict[str, float] | None = None) -> float:
    """The 0..1 score of a candidate from its measured ``parts`` (``on_topic`` cosine,
    ``length`` fit, ``fluency`` log-likelihood where known, ``repeats``)."""
    weights = WEIGHTS.get(fmt, CARD_WEIGHTS) if weights is None else weights
    weighted = {
        "on_topic": _scale(parts["on_topic"], ON_TOPIC_FLOOR, ON_TOPIC_FULL),
        "length": parts["length"],
    }
    if "fluency" in parts:
        weighted["fluency"] = _scale(parts["fluency"], *FLUENCY_SCALE.get(fmt, (-5.5, -3.5)))
    total = sum(weights[k] for k in weighted) or 1.0
    score = sum(weights[k] * v for k, v in weighted.items()) / total
    return score * 2 / 3 if parts.get("repeats") else score


def doubted(score: float, cosine: float, fmt: str) -> bool:
    """Whether a draft is marked "needs edit": a low score, or off topic."""
    return score < NEEDS_EDIT_SCORE.get(fmt, 0.45) or cosine < ON_TOPIC_THRESHOLD.get(fmt, 0.1)


def score_candidates(
    candidates: Sequence[Candidate],
    subject: str,
    fmt: str,
    embed: Embedder,
    likelihood: Likelihood | None = None,
) -> tuple[list[Ranked], list[list[float]]]:
    """Every candidate scored (in the given order), with its embedding."""
    if not candidates:
        return [], []
    vectors = [list(v) for v in embed([subject, *(c.text for c in candidates)])]
    subject_vector, vectors = vectors[0], vectors[1:]
    fluency = likelihood([c.text for c in candidates]) if likelihood else None
    ranked = []
    for index, candidate in enumerate(candidates):
        cosine = _dot(vectors[index], subject_vector)
        parts = {"on_topic": round(cosine, 4), "length": length_fit(candidate.text, fmt)}
        if fluency is not None:
            parts["fluency"] = round(fluency[index], 4)
        if repeats(candidate.text):
            parts["repeats"] = 1.0
        score = combine(parts, fmt)
        ranked.append(
            Ranked(
                candidate.text,
                candidate.source,
                round(score, 4),
                parts,
                doubted(score, cosine, fmt),
            )
        )
    return ranked, vectors


def pick(ranked: Sequence[Ranked], vectors: Sequence[Sequence[float]], shown: int) -> list[Ranked]:
    """Up to ``shown`` candidates by maximal marginal relevance, near-duplicates skipped."""
    chosen: list[int] = []
    remaining = list(range(len(ranked)))
    while remaining and len(chosen) < shown:

        def value(i: int) -> float:
            closest = max((_dot(vectors[i], vectors[j]) for j in chosen), default=0.0)
            return ranked[i].score - DIVERSITY_WEIGHT * max(closest, 0.0)

        # Drafts the ranker trusts come before any it doubts, however diverse those are.
        best = max(remaining, key=lambda i: (not ranked[i].needs_edit, value(i), -i))
        remaining.remove(best)
        if any(_dot(vectors[best], vectors[j]) > NEAR_DUPLICATE for j in chosen):
            continue
        chosen.append(best)
    return [ranked[i] for i in chosen]


def rank(
    candidates: Sequence[Candidate],
    subject: str,
    fmt: str,
    embed: Embedder,
    likelihood: Likelihood | None = None,
    shown: int = 3,
) -> list[Ranked]:
    """The ``shown`` best candidates, best first, diverse among themselves."""
    ranked, vectors = score_candidates(candidates, subject, fmt, embed, likelihood)
    return pick(ranked, vectors, shown)
