"""Our three sentiment labels, and how other models' label names map onto them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from loaders.errors import ModelError, explain
from loaders.ingest.human_labels import (
    LABELS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    normalise_label,
)

__all__ = ["LABELS", "LABEL_INDEX", "NEGATIVE", "NEUTRAL", "POSITIVE", "normalise_label"]

LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


def map_model_labels(
    id2label: Mapping[int, str], overrides: Mapping[str, str] | None = None
) -> list[str]:
    """Our label for each output of a classification model, in output order.

    ``overrides`` maps a model's class names to ours (e.g. ``{"LABEL_0": "negative"}``).
    Models that only say ``LABEL_0..LABEL_2`` follow the common negative/neutral/positive
    order (cardiffnlp's first twitter-roberta model), and two ``LABEL_n`` classes are
    read as negative/positive.
    """
    names = [id2label[i] for i in sorted(id2label)]
    overrides = {k.lower(): v for k, v in (overrides or {}).items()}
    mapped = [overrides.get(n.lower()) or normalise_label(n) for n in names]
    if all(m is not None for m in mapped):
        return [str(m) for m in mapped]
    if all(re.fullmatch(r"label_\d+", n.lower()) for n in names) and len(names) in (2, 3):
        return [NEGATIVE, POSITIVE] if len(names) == 2 else list(LABELS)
    raise ModelError(
        explain(
            "The model's class names cannot be matched to negative/neutral/positive",
            expected="names such as negative, neutral, positive or '1 star'..'5 stars'",
            found=", ".join(names),
            fix="pass a label map, e.g. --label-map LABEL_0=negative,LABEL_1=positive.",
        )
    )


def parse_label_map(text: str | None) -> dict[str, str]:
    """``"LABEL_0=negative,LABEL_1=positive"`` -> a dict, checking the targets."""
    result: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        name, _, target = part.partition("=")
        if target.strip() not in LABELS:
            raise ModelError(
                explain(
                    f"Label map entry '{part}' is not valid",
                    expected="NAME=negative|neutral|positive, comma separated",
                    fix="e.g. --label-map LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive.",
                )
            )
        result[name.strip()] = target.strip()
    return result
