"""What a topic or theme is called: c-TF-IDF keywords and a readable name.

The name is a short phrase as people wrote it ("lost luggage", "card not arrived", "lid
leaks"), chosen among the 2-3 word phrases that many of the group's texts use and few
others do; never a brand word or @handle (both are stop words here), never a comma list.
The keywords stay beside the name for those who want them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from analysis.topics.text import keyword_analyzer, phrase_analyzer

KEYWORDS = 10
LABEL_SAMPLE = 2000  # texts per group read to choose its name
MIN_PHRASE_SHARE = 0.05  # a name phrase is used by at least this share of the group's texts
NO_WORDS = "(no words)"


def _grouping(groups: Any, n_groups: int) -> Any:
    import numpy as np
    from scipy import sparse

    return sparse.csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_groups, len(groups))
    )


def class_keywords(
    texts: Sequence[str], groups: Any, n_groups: int, stop: frozenset[str]
) -> list[list[str]]:
    """Per group: its best :data:`KEYWORDS` c-TF-IDF uni- and bigrams (BERTopic's weighting)."""
    import numpy as np
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.feature_extraction.text import CountVectorizer

    picked = np.flatnonzero(groups >= 0)
    if not n_groups or not len(picked):
        return [[] for _ in range(n_groups)]
    vectorizer = CountVectorizer(analyzer=keyword_analyzer(stop))
    try:
        counts = vectorizer.fit_transform([texts[i] for i in picked])
    except ValueError:  # no word left after stop words
        return [[] for _ in range(n_groups)]
    per_group = _grouping(groups[picked], n_groups) @ counts
    weights = ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(per_group)
    weights = np.asarray(weights.todense())
    vocabulary = vectorizer.get_feature_names_out()
    keywords = []
    for row in weights:
        best = [i for i in np.argsort(-row, kind="stable")[:KEYWORDS] if row[i] > 0]
        keywords.append([str(vocabulary[i]) for i in best])
    return keywords


def ranked_phrases(
    texts: Sequence[str],
    groups: Any,
    n_groups: int,
    stop: frozenset[str],
    brand_words: frozenset[str],
) -> list[list[tuple[str, float]]]:
    """Per group, 2-3 word phrases ranked by share of its texts x rarity in other groups."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    picked: list[int] = []
    for k in range(n_groups):
        picked += np.flatnonzero(groups == k)[:LABEL_SAMPLE].tolist()
    if not picked:
        return [[] for _ in range(n_groups)]
    vectorizer = CountVectorizer(analyzer=phrase_analyzer(stop, brand_words), binary=True)
    try:
        counts = vectorizer.fit_transform([texts[i] for i in picked])
    except ValueError:  # no phrase at all (one-word texts)
        return [[] for _ in range(n_groups)]
    group_of = groups[picked]
    freq = np.asarray((_grouping(group_of, n_groups) @ counts).todense(), dtype=np.float64)
    sizes = np.maximum(np.bincount(group_of, minlength=n_groups), 1)
    share = freq / sizes[:, None]
    rarity = np.log(1 + sizes.mean() / np.maximum(freq.sum(axis=0), 1))
    score = share * rarity
    vocabulary = vectorizer.get_feature_names_out()
    ranked = []
    for k in range(n_groups):
        candidates = np.flatnonzero(share[k] >= MIN_PHRASE_SHARE)
        order = candidates[np.lexsort((vocabulary[candidates], -score[k, candidates]))]
        ranked.append([(str(vocabulary[i]), float(score[k, i])) for i in order[:30]])
    return ranked


def _candidates(phrases: list[tuple[str, float]], keywords: list[str]) -> list[str]:
    """Names in order of preference: phrases holding one of the three best single keywords,
    the other phrases, then the keywords themselves (bigrams first)."""
    top_words = [k for k in keywords if " " not in k][:3]
    with_keyword = [p for word in top_words for p, _ in phrases if word in p.split()]
    rest = [p for p, _ in phrases]
    bigrams = [k for k in keywords if " " in k]
    return list(dict.fromkeys(with_keyword + rest + bigrams + keywords))


def readable_name(phrases: list[tuple[str, float]], keywords: list[str], taken: set[str]) -> str:
    """The best name not ``taken`` by another group. A phrase beats a single word: when every
    phrase is taken, the best one gets the group's own best other keyword in brackets."""
    candidates = _candidates(phrases, keywords)
    multi = [c for c in candidates if " " in c]
    free = next((c for c in multi if c not in taken), None)
    if free:
        return free
    if multi:
        words = set(multi[0].split())
        extra = next((k for k in keywords if not words & set(k.split())), None)
        if extra and f"{multi[0]} ({extra})" not in taken:
            return f"{multi[0]} ({extra})"
    single = next((c for c in candidates if c not in taken), None)
    return single or (candidates[0] if candidates else NO_WORDS)


SHARED_BY = 1 / 3  # a theme's name holds words of at least this share of its topics (2 or more)


def _shared_name(
    phrases: list[tuple[str, float]],
    keywords: list[str],
    members: list[set[str]],
    taken: set[str],
    stop: frozenset[str],
) -> str | None:
    """The best candidate whose words (stop words aside) are among the words of at least
    :data:`SHARED_BY` of the theme's topics: what its topics have in common, not the name
    of its largest one."""
    needed = max(2, math.ceil(SHARED_BY * len(members)))
    for candidate in _candidates(phrases, keywords):
        words = set(candidate.split()) - stop
        if words and candidate not in taken and sum(words <= m for m in members) >= needed:
            return candidate
    return None


def names_for(
    phrases: list[list[tuple[str, float]]],
    keywords: list[list[str]],
    sizes: Sequence[int],
    members: list[list[set[str]]] | None = None,
    stop: frozenset[str] = frozenset(),
) -> list[str]:
    """Readable, distinct names for groups; larger groups choose first.

    ``members``, for themes: per theme, the words (keywords and name) of each of its
    topics. A theme of several topics is named, where it can be, by what they share: on
    real tweets the politics theme was otherwise named after its largest topic's phrase.
    """
    order = sorted(range(len(keywords)), key=lambda k: (-sizes[k], k))
    taken: set[str] = set()
    names = [NO_WORDS] * len(keywords)
    for k in order:
        phrase = readable_name(phrases[k], keywords[k], taken)
        shared = None
        if members and len(members[k]) > 1:
            shared = _shared_name(phrases[k], keywords[k], members[k], taken, stop)
        # A shared word that the phrase holds reads better as the phrase ("lid" -> "lid leaks").
        if shared and " " not in shared and shared in phrase.split():
            shared = None
        names[k] = shared or phrase
        taken.add(names[k])
    return names
