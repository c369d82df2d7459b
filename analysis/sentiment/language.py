"""Language detection with py3langid, whose model ships inside the package (no download),
and readable names for the ISO 639 codes it stores (pycountry)."""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from typing import Any

# Below this normalised probability the text is too mixed to name a language.
MIN_CONFIDENCE = 0.5
# A text with fewer words or letters than this (after dropping handles, links, hashtags and
# emoji) gets a guess, not a detection: langid named short English tweets Latin or Pidgin.
MIN_WORDS = 3
MIN_LETTERS = 15
TINY_TEXT_CONFIDENCE = 0.95
# Short texts (a sentence fragment) need more than the usual confidence.
SHORT_WORDS = 6
SHORT_TEXT_CONFIDENCE = 0.7
# Nigerian Pidgin is English-based: on TweetEval every English tweet read as Pidgin scored
# 0.50-0.80, while real Pidgin sentences score above 0.97.
ENGLISH_LOOKALIKE_CONFIDENCE = {"pcm": 0.9}
NO_LANGUAGE = "zxx"  # langid's "no linguistic content"
UNKNOWN = "unknown"

# Twitter noise that is no evidence of a language: links, @handles and #hashtags.
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+")
_WORD = re.compile(r"[^\W\d_]+")
_QUALIFIER = re.compile(r"\s*\(.*\)$")  # pycountry's "(macrolanguage)", "(1453-)" ...


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_text(text: str) -> str:
    """The text langid should judge: no links, handles, hashtags, HTML entities or emoji."""
    cleaned = _NOISE.sub(" ", html.unescape(text))
    # Symbols (emoji, arrows) carry no language; dropping them keeps the letter count honest.
    cleaned = "".join(ch for ch in cleaned if not unicodedata.category(ch).startswith("S"))
    return " ".join(cleaned.split())


def _required_confidence(code: str, words: list[str]) -> float:
    letters = sum(len(word) for word in words)
    if len(words) < MIN_WORDS or letters < MIN_LETTERS:
        needed = TINY_TEXT_CONFIDENCE
    elif len(words) < SHORT_WORDS:
        needed = SHORT_TEXT_CONFIDENCE
    else:
        needed = MIN_CONFIDENCE
    return max(needed, ENGLISH_LOOKALIKE_CONFIDENCE.get(code, 0.0))


def detect_language(text: str) -> str | None:
    """ISO 639-1 (or 639-3) code of the text's language, or None when it cannot be told."""
    if not text or not text.strip():
        return None
    cleaned = language_text(text)
    words = _WORD.findall(cleaned)
    if not words:
        return None
    code, probability = _identifier().classify(cleaned)
    if code == NO_LANGUAGE:
        return None
    return code if probability >= _required_confidence(code, words) else None


@functools.cache
def language_name(code: str | None) -> str:
    """A reader's name for an ISO 639 code: "en" -> English, "pcm" -> Nigerian Pidgin,
    "en-US" -> English (US); None -> unknown; a code pycountry does not know stays as is."""
    if not code or not code.strip() or code.strip().lower() == UNKNOWN:
        return UNKNOWN
    import pycountry  # only when a name is shown: importing our packages stays cheap

    primary, _, region = code.strip().replace("_", "-").partition("-")
    field = {2: "alpha_2", 3: "alpha_3"}.get(len(primary))
    try:
        record = pycountry.languages.get(**{field: primary.lower()}) if field else None
    except KeyError:  # older pycountry raises instead of returning None
        record = None
    if record is None:
        return code
    name = _QUALIFIER.sub("", record.name).removeprefix("Modern ")  # Modern Greek (1453-)
    return f"{name} ({region.upper()})" if region else name
