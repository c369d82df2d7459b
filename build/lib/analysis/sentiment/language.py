"""Language detection with py3langid, whose model ships inside the package (no download)."""

from __future__ import annotations

import functools
from typing import Any

# Below this normalised probability the text is too short or mixed to name a language.
MIN_CONFIDENCE = 0.5


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot be told."""
    if not text or not text.strip():
        return None
    code, probability = _identifier().classify(text)
    return code if probability >= MIN_CONFIDENCE else None
