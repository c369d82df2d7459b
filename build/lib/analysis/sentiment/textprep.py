"""Text clean-up applied identically before training and scoring.

BERT-style vocabularies know few emojis (they become [UNK]) and learn nothing from
individual URLs or handles, so emojis become words and links/handles placeholders,
as TweetEval's baselines do.
"""

from __future__ import annotations

import re

EMOJI_WORDS = {
    "😍": "love",
    "🥰": "love",
    "❤": "love",
    "❤️": "love",
    "💕": "love",
    "😘": "love",
    "😊": "happy",
    "🙂": "happy",
    "😀": "happy",
    "😃": "happy",
    "😄": "happy",
    "😁": "happy",
    "😂": "laughing",
    "🤣": "laughing",
    "😆": "laughing",
    "🙌": "great",
    "👏": "great",
    "🔥": "awesome",
    "💯": "perfect",
    "✨": "lovely",
    "🎉": "celebrate",
    "🥳": "celebrate",
    "👍": "good",
    "👌": "good",
    "😎": "cool",
    "🤩": "amazing",
    "💪": "strong",
    "🙏": "thanks",
    "😡": "angry",
    "🤬": "angry",
    "😠": "angry",
    "😤": "annoyed",
    "🙄": "annoyed",
    "😒": "unimpressed",
    "😞": "disappointed",
    "😔": "sad",
    "😢": "sad",
    "😭": "crying",
    "💔": "heartbroken",
    "👎": "bad",
    "😩": "fed up",
    "😫": "fed up",
    "🤮": "disgusting",
    "🤢": "gross",
    "😬": "awkward",
    "🙃": "ironic",
    "😑": "unimpressed",
    "😐": "meh",
    "🤔": "hmm",
    "😱": "shocked",
    "😳": "shocked",
    "💩": "crap",
    "⚠️": "warning",
}
_EMOJI = re.compile("|".join(sorted(map(re.escape, EMOJI_WORDS), key=len, reverse=True)))
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<!\w)@\w{1,30}")
_SPACE = re.compile(r"\s+")


def prepare_text(text: str) -> str:
    """Emojis to words, links to ``http``, @handles to ``@user``, whitespace collapsed."""
    text = _URL.sub("http", text)
    text = _HANDLE.sub("@user", text)
    text = _EMOJI.sub(lambda m: f" {EMOJI_WORDS[m.group(0)]} ", text)
    return _SPACE.sub(" ", text).strip()
