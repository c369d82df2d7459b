"""Text as the topic model sees it: cleaned for embedding, tokenised for keywords and labels.

Topics named after a brand handle, a URL or ``rt`` are BERTopic's best-known annoyance,
so the embedded text loses URLs, @handles, retweet prefixes and HTML, hashtags keep
their words (``#RefillRewards`` becomes "Refill Rewards"), and the keyword vocabulary
drops English stop words, the brands' own names and handles and a configurable list.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable

_RETWEET = re.compile(r"^\s*RT\s+@\w+\s*:\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w.])@\w+")
_HTML_TAG = re.compile(r"<[^>]{0,200}>")
_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z][a-z0-9']*[a-z0-9]|[a-z]")
_HANDLE_PARTS = re.compile(r"[a-z]{3,}")
# Phrases and bigrams never span these: "...after smoothies. My partner..." is no phrase.
_BREAK = re.compile(r"[.!?;:,()\[\]\"\n]+|\s[-–—]\s")

# Words that carry no topic in reviews and social posts, on top of English stop words.
SOCIAL_STOP_WORDS = frozenset(
    """
    rt amp via lol lmao omg tbh ngl imo imho btw idk rly pls plz u ur im ive dont doesnt didnt
    isnt wasnt cant wont thats theres its it's i'm i've don't doesn't didn't isn't can't won't
    that's there's i'll ill i'd you're we're they're youre theyre
    okay ok yeah yes just really honestly update got get gets like love
    ugh wow oh quick review http https www com
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def topic_text(text: str | None) -> str:
    """The text that is embedded and clustered: no URLs, handles, HTML or retweet prefix."""
    if not text:
        return ""
    cleaned = _RETWEET.sub("", text)
    if "<" in cleaned:
        cleaned = _HTML_TAG.sub(" ", cleaned)
    if "&" in cleaned:
        cleaned = html.unescape(cleaned)
    cleaned = _URL.sub(" ", cleaned)
    cleaned = _HANDLE.sub(" ", cleaned)
    cleaned = _HASHTAG.sub(lambda m: _CAMEL.sub(" ", m.group(1)), cleaned)
    return _SPACE.sub(" ", cleaned).strip()


def text_hash(cleaned: str) -> str:
    """Key of a cleaned text in the embedding cache."""
    return hashlib.md5(cleaned.encode("utf-8")).hexdigest()


def handle_words(handle: str) -> set[str]:
    """The name parts of an @handle: '@glacio_hq' -> {'glacio'}; '@tidewell' -> {'tidewell'}."""
    return set(_HANDLE_PARTS.findall(handle.lower().lstrip("@")))


def brand_stop_words(
    brands: Iterable[str | None], frequent_handles: Iterable[str], extra: str = ""
) -> frozenset[str]:
    """Words of the brands' own names and handles, plus the configured extra stop words."""
    words: set[str] = set()
    for brand in brands:
        if brand:
            parts = _WORD.findall(brand.lower())
            words.update(parts)
            words.add("".join(parts))
    for handle in frequent_handles:
        words |= handle_words(handle)
    words.update(w.strip().lower() for w in extra.split(",") if w.strip())
    return frozenset(words)


# scikit-learn's English stop words include words that are what customers talk about:
# "top up", "bill", "fire" (a Kindle Fire), "call", "system", "amount"... They stay words.
CONTENT_WORDS = frozenset(
    """
    amount back bill bottom call cry detail empty fill find fire front full interest move
    name part serious side system thick thin top
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Words a name does not start or end with: verbs and fillers that make "long does" or
# "think someone managed" out of what people wrote; inside a name they are fine.
NAME_EDGE_WORDS = frozenset(
    """
    does did doing say says said saying mean means meant want wants wanted need needs needed
    think thought know knew tell told help helped helps managed make makes making getting
    let lets liked likes thanks thank really today yesterday tomorrow ago quite long way
    use using used uses happened happen happens going goes trying tried try able sure lot
    lots bit thing things stuff guys hi hey hello look looks looking come came comes went
    gone wondering possible having
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Particles of phrasal verbs a name may end with ("top up", "sign out", "shut down").
NAME_PARTICLES = frozenset({"up", "down", "off", "out"})


def stop_words(brand_words: Iterable[str] = ()) -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    english = frozenset(ENGLISH_STOP_WORDS) - CONTENT_WORDS
    return english | SOCIAL_STOP_WORDS | frozenset(brand_words)


def segments(text: str) -> list[list[str]]:
    """Tokens per clause: the spans a phrase or bigram may come from."""
    return [words for part in _BREAK.split(text.lower()) if (words := _WORD.findall(part))]


def keyword_analyzer(stop: frozenset[str]) -> Callable[[str], list[str]]:
    """Unigrams and bigrams after removing stop words: the c-TF-IDF vocabulary."""

    def analyze(text: str) -> list[str]:
        unigrams, bigrams = [], []
        for words in segments(text):
            kept = [t for t in words if t not in stop and len(t) > 1]
            unigrams += kept
            bigrams += [f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False)]
        return unigrams + bigrams

    return analyze


def phrase_analyzer(
    stop: frozenset[str], brand_words: frozenset[str]
) -> Callable[[str], list[str]]:
    """Phrases of 2-3 words as written: name candidates.

    They neither start nor end with a stop word or a filler verb (:data:`NAME_EDGE_WORDS`),
    except a phrasal verb's particle at the end ("top up"); stop words inside are kept
    ("card not arrived"), brand words nowhere; each phrase is counted once per text.
    """
    edge = stop | NAME_EDGE_WORDS

    def usable(gram: list[str]) -> bool:
        if gram[0] in edge or brand_words.intersection(gram):
            return False
        if gram[-1] in NAME_PARTICLES:
            return gram[-2] not in edge
        return gram[-1] not in edge

    def analyze(text: str) -> list[str]:
        found: dict[str, None] = {}
        for words in segments(text):
            for n in (2, 3):
                for i in range(len(words) - n + 1):
                    if usable(gram := words[i : i + n]):
                        found[" ".join(gram)] = None
        return list(found)

    return analyze


_NOT_LETTERS = re.compile(r"[^\w\s]|[\d_]", re.UNICODE)


def repeat_key(cleaned: str) -> str:
    """What near-identical texts share: their words, lower-cased, without numbers, emoji or
    punctuation. Bot posts and copy-paste campaigns that differ only there count once."""
    return " ".join(_NOT_LETTERS.sub(" ", cleaned.lower()).split())
