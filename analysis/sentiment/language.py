"""Language detection with py3langid, whose model ships inside the package (no download),
and readable names for the ISO 639 codes it stores (pycountry)."""

from __future__ import annotations

import functools
import re
from typing import Any

# Below this normalised probability the text is too short or mixed to name a language.
MIN_CONFIDENCE = 0.5
UNKNOWN = "unknown"
_QUALIFIER = re.compile(r"\s*\(.*\)$")  # pycountry's "(macrolanguage)", "(1453-)" ...


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
