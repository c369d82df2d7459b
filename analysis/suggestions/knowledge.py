"""Which knowledge base entry answers a post: MiniLM embedding similarity.

Entries (issue + answer) and the post are embedded with the bundled all-MiniLM-L6-v2 (unit
vectors, so the dot product is the cosine similarity); the best active entry of the post's
brand, or of no brand, is the match when its similarity reaches :data:`THRESHOLD`. Below it
there is no match, and the reply asks the customer to get in touch instead of inventing a fix.
Entry vectors are cached per process by their text: drafting a queue embeds each entry once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from analysis.suggestions.ranker import Embedder
from loaders.knowledge import KnowledgeEntry

# Calibrated by benchmarks/eval_retrieval.py on the team's copy evaluation set (70 posts, 56
# entries): 0.40 gives the least cost when a wrong entry (an unrelated policy in a reply) counts
# twice a missed one (a safe "get in touch" draft); checked on tests/fixtures/knowledge_posts.json.
THRESHOLD = 0.40

_vectors: dict[tuple[int, str], list[float]] = {}
_CACHE_MAX = 5000


@dataclass(frozen=True)
class Match:
    entry: KnowledgeEntry
    similarity: float


def entry_text(entry: KnowledgeEntry) -> str:
    """What an entry is matched on: its issue and answer (links carry no meaning)."""
    return f"{entry.issue.strip()}. {entry.answer.strip()}"


def _entry_vectors(entries: Sequence[KnowledgeEntry], embed: Embedder) -> list[list[float]]:
    texts = [entry_text(e) for e in entries]
    missing = sorted({t for t in texts if (id(embed), t) not in _vectors})
    if missing:
        if len(_vectors) + len(missing) > _CACHE_MAX:
            _vectors.clear()  # an edited knowledge base: old texts are not coming back
        for text, vector in zip(missing, embed(missing), strict=True):
            _vectors[(id(embed), text)] = list(vector)
    return [_vectors[(id(embed), t)] for t in texts]


def candidates(entries: Sequence[KnowledgeEntry], brand: str | None) -> list[KnowledgeEntry]:
    """The entries that may answer a post of ``brand``: its own and the brand-less ones."""
    return [e for e in entries if e.brand is None or (brand is not None and e.brand == brand)]


def similarities(post_text: str, entries: Sequence[KnowledgeEntry], embed: Embedder) -> list[float]:
    if not entries:
        return []
    post = list(embed([post_text])[0])
    return [
        float(sum(a * b for a, b in zip(post, v, strict=True)))
        for v in _entry_vectors(entries, embed)
    ]


def best_entry(
    post_text: str,
    brand: str | None,
    entries: Sequence[KnowledgeEntry],
    embed: Embedder,
    threshold: float = THRESHOLD,
) -> Match | None:
    """The most similar entry of the post's brand (or brand-less), or None below ``threshold``.

    ``entries`` should already be the active ones (:func:`loaders.knowledge.active_entries`)."""
    allowed = candidates(entries, brand)
    scores = similarities(post_text, allowed, embed)
    if not scores:
        return None
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return Match(allowed[best], scores[best]) if scores[best] >= threshold else None
