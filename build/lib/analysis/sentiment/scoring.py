"""Fast CPU scoring of many texts with a loaded sentiment model.

What makes it fast: identical texts (reposts) are scored once; texts are tokenized in one
call, sorted by length and batched so padding is minimal; inference runs under
``torch.inference_mode``. Texts longer than the model's window are split into windows
and their probabilities averaged, weighted by window length, so the end of a long
review counts as much as its start.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.sentiment.labels import LABEL_INDEX, LABELS, NEGATIVE, POSITIVE
from analysis.sentiment.model import LoadedModel
from analysis.sentiment.textprep import prepare_text

Progress = Callable[[int, int], None]  # (done, total)
WINDOW_OVERLAP_TOKENS = 32  # context shared by neighbouring windows (at most a quarter)


@dataclass(frozen=True)
class Prediction:
    """Probabilities over negative/neutral/positive; score = P(positive) - P(negative)."""

    label: str
    p_negative: float
    p_neutral: float
    p_positive: float

    @property
    def score(self) -> float:
        return self.p_positive - self.p_negative

    @property
    def margin(self) -> float:
        """Top probability minus the runner-up: small means the model is unsure."""
        top, second = sorted((self.p_negative, self.p_neutral, self.p_positive), reverse=True)[:2]
        return top - second

    def binary_label(self) -> str:
        """Positive or negative, whichever is likelier (for two-class evaluation)."""
        return POSITIVE if self.p_positive >= self.p_negative else NEGATIVE


def special_tokens_around(tokenizer: Any) -> tuple[list[int], list[int]]:
    """The ids a tokenizer puts before and after a single text (e.g. [CLS] and [SEP])."""
    plain = tokenizer("a", add_special_tokens=False)["input_ids"]
    full = tokenizer("a")["input_ids"]
    for start in range(len(full) - len(plain) + 1):
        if full[start : start + len(plain)] == plain:
            return full[:start], full[start + len(plain) :]
    return [], []


def _windows(ids: list[int], size: int) -> list[list[int]]:
    if len(ids) <= size:
        return [ids]
    overlap = min(WINDOW_OVERLAP_TOKENS, size // 4)
    starts = range(0, len(ids) - overlap, size - overlap)
    return [ids[s : s + size] for s in starts]


def score_texts(
    model: LoadedModel,
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> list[Prediction]:
    """One prediction per text, in input order. Texts must be non-empty after stripping."""
    import torch

    if not texts:
        return []
    prepared = [prepare_text(t) for t in texts]
    unique = list(dict.fromkeys(prepared))
    tokenizer = model.tokenizer
    prefix, suffix = special_tokens_around(tokenizer)
    size = model.window_tokens - len(prefix) - len(suffix)
    token_ids = tokenizer(unique, add_special_tokens=False, truncation=False, verbose=False)[
        "input_ids"
    ]
    windows = [(i, w) for i, ids in enumerate(token_ids) for w in _windows(ids, size)]
    order = sorted(range(len(windows)), key=lambda k: len(windows[k][1]))

    columns = [LABEL_INDEX[label] for label in model.output_labels]
    sums = torch.zeros(len(unique), len(LABELS), dtype=torch.float64)
    weights = torch.zeros(len(unique), dtype=torch.float64)
    done = 0
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = [windows[k] for k in order[start : start + batch_size]]
            features = [{"input_ids": prefix + ids + suffix} for _, ids in chunk]
            encoded = tokenizer.pad(features, return_tensors="pt")
            probs = torch.softmax(model.logits(dict(encoded)).float(), dim=-1).double()
            ours = torch.zeros(len(chunk), len(LABELS), dtype=torch.float64)
            ours.index_add_(1, torch.tensor(columns), probs)  # several outputs may map to one label
            owner = torch.tensor([i for i, _ in chunk])
            length = torch.tensor([max(1, len(ids)) for _, ids in chunk], dtype=torch.float64)
            sums.index_add_(0, owner, ours * length.unsqueeze(1))
            weights.index_add_(0, owner, length)
            done += len(chunk)
            if progress:
                progress(done, len(order))
    probs = (sums / weights.clamp(min=1e-9).unsqueeze(1)).tolist()
    by_text = {}
    for text, (neg, neu, pos) in zip(unique, probs, strict=True):
        label = LABELS[max(range(3), key=lambda j: (neg, neu, pos)[j])]
        by_text[text] = Prediction(label, neg, neu, pos)
    return [by_text[t] for t in prepared]
