"""Fine-tuning: the whole encoder plus a classification head, on two- and three-class data.

Two-class data (positive/negative only, e.g. SST-2 or star ratings without 3 stars) says
which of the two polar classes a text is, not that it is not neutral. Its loss is
therefore the cross-entropy over the negative and positive logits only, which leaves the
neutral logit to the three-class data. Three-class losses are weighted by inverse class
frequency so a skewed file does not teach the model to favour its majority class.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from analysis.sentiment.labels import (
    LABEL_INDEX,
    LABELS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    normalise_label,
)
from analysis.sentiment.metrics import classification_metrics
from analysis.sentiment.textprep import prepare_text
from loaders.errors import ModelError, TrainingDataError, explain
from loaders.ingest.human_labels import NUMERIC_CODINGS, star_label

Progress = Callable[[str, int, int], None]  # (stage, done, total)

TEXT_COLUMNS = (
    "text",
    "review",
    "reviews.text",
    "review_text",
    "content",
    "body",
    "tweet",
    "sentence",
    "comment",
    "message",
)
LABEL_COLUMNS = ("label", "sentiment", "polarity", "class", "target")
RATING_COLUMNS = ("rating", "reviews.rating", "stars", "star_rating", "review_rating", "score")
NUMERIC_LABELS = NUMERIC_CODINGS  # conventional integer codings of public sentiment data sets


@dataclass(frozen=True)
class Example:
    """A labeled text. ``two_class`` marks data that only tells positive from negative."""

    text: str
    label: str
    two_class: bool = False


@dataclass
class LabeledData:
    examples: list[Example]
    source: str
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows


@dataclass(frozen=True)
class TrainingConfig:
    """Hyper-parameters; the defaults suit MiniLM-sized encoders on a laptop CPU."""

    epochs: float = 3.0
    batch_size: int = 32
    learning_rate: float = 8e-5
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    max_length: int = 128
    seed: int = 13
    max_steps: int | None = None
    label_smoothing: float = 0.1  # keeps a small model from growing over-confident on few examples


def _pick(
    columns: Sequence[str], wanted: str | None, candidates: Sequence[str], what: str, path: Path
) -> str | None:
    if wanted:
        if wanted not in columns:
            raise TrainingDataError(
                explain(
                    f"{path.name} has no column '{wanted}'",
                    expected=f"the {what} column",
                    found="columns " + ", ".join(columns),
                    fix=f"pass the right --{what}-col.",
                )
            )
        return wanted
    lowered = {c.lower(): c for c in columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def _read_table(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    readers = {
        ".csv": "read_csv",
        ".tsv": "read_csv",
        ".parquet": "read_parquet",
        ".jsonl": "read_json",
        ".json": "read_json",
    }
    reader = readers.get(path.suffix.lower())
    if reader is None or not path.is_file():
        raise TrainingDataError(
            explain(
                f"Cannot read labeled data from {path}",
                expected="an existing .csv, .tsv, .parquet, .json or .jsonl file",
                found="no such file" if not path.exists() else f"a '{path.suffix}' file",
            )
        )
    options = ", all_varchar = true" if reader == "read_csv" else ""
    con = duckdb.connect()
    try:
        result = con.execute(f"SELECT * FROM {reader}(?{options})", [str(path)])  # noqa: S608 - reader is from our table
        return [d[0] for d in result.description], result.fetchall()
    except duckdb.Error as error:
        raise TrainingDataError(f"Cannot parse {path}: {str(error).splitlines()[0]}") from None
    finally:
        con.close()


def rating_label(raw: Any) -> str | None:
    """1-2 stars negative, 3 neutral, 4-5 positive; None for anything else."""
    return star_label(raw)


def read_labeled_file(
    path: Path,
    *,
    text_col: str | None = None,
    label_col: str | None = None,
    label_from_rating: bool = False,
) -> LabeledData:
    """Labeled examples from a file; rows without text or a known label are counted, not used.

    With ``label_from_rating``, 1-2 stars are negative, 3 neutral and 4-5 positive. A file
    whose labels include no neutral is treated as two-class data.
    """
    columns, table = _read_table(path)
    text_name = _pick(columns, text_col, TEXT_COLUMNS, "text", path)
    label_name = _pick(
        columns, label_col, RATING_COLUMNS if label_from_rating else LABEL_COLUMNS, "label", path
    )
    if text_name is None or label_name is None:
        missing = "text" if text_name is None else ("rating" if label_from_rating else "label")
        raise TrainingDataError(
            explain(
                f"{path.name} has no {missing} column",
                expected=f"one of {', '.join(TEXT_COLUMNS if missing == 'text' else RATING_COLUMNS if label_from_rating else LABEL_COLUMNS)}",
                found="columns " + ", ".join(columns),
                fix=f"name it with --{'text' if missing == 'text' else 'label'}-col"
                + (
                    ", or use --label-from-rating for its star ratings."
                    if missing == "label" and _pick(columns, None, RATING_COLUMNS, "", path)
                    else "."
                ),
            )
        )
    t, lab = columns.index(text_name), columns.index(label_name)
    raw_labels = {str(row[lab]).strip() for row in table if row[lab] is not None}
    numeric = NUMERIC_LABELS.get(frozenset(raw_labels)) if not label_from_rating else None

    skipped: dict[str, int] = {}
    pairs: list[tuple[str, str]] = []
    for row in table:
        text = "" if row[t] is None else str(row[t]).strip()
        raw = None if row[lab] is None else str(row[lab]).strip()
        if not text:
            skipped["empty text"] = skipped.get("empty text", 0) + 1
            continue
        if label_from_rating:
            label = rating_label(raw)
        else:
            label = numeric.get(raw) if numeric and raw is not None else normalise_label(raw or "")
        if label is None:
            reason = f"unknown {'rating' if label_from_rating else 'label'}"
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        pairs.append((text, label))
    if not pairs:
        raise TrainingDataError(
            explain(
                f"{path.name} has no usable labeled rows",
                expected="labels negative/neutral/positive (or 0/1, 0/1/2), or 1-5 star ratings",
                found=f"label values {sorted(raw_labels)[:8]}",
                fix="check --label-col, or use --label-from-rating for star ratings.",
            )
        )
    two_class = not any(label == NEUTRAL for _, label in pairs)
    return LabeledData(
        [Example(text, label, two_class) for text, label in pairs], str(path), skipped
    )


def split_holdout(
    examples: Sequence[Example], fraction: float, seed: int
) -> tuple[list[Example], list[Example]]:
    """A seeded, per-label (stratified) split into (train, held out)."""
    rng = random.Random(seed)
    train, held = [], []
    for label in LABELS:
        group = [e for e in examples if e.label == label]
        rng.shuffle(group)
        cut = int(round(len(group) * fraction))
        held += group[:cut]
        train += group[cut:]
    return train, held


def sample_examples(examples: Sequence[Example], limit: int, seed: int = 13) -> list[Example]:
    """At most ``limit`` examples, drawn with a seed, keeping each label's share."""
    if len(examples) <= limit:
        return list(examples)
    _, kept = split_holdout(examples, limit / len(examples), seed)
    return kept


def _batches(
    examples: list[Example], lengths: list[int], size: int, rng: random.Random
) -> list[list[int]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    pool = size * 50
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches += [chunk[i : i + size] for i in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _class_weight(examples: Sequence[Example]) -> Any:
    """Inverse class frequency over the three-class examples (all ones when there are none)."""
    import torch

    three = [e.label for e in examples if not e.two_class]
    counts = torch.tensor([max(1, three.count(label)) for label in LABELS], dtype=torch.float)
    return (counts.sum() / (len(LABELS) * counts)) if three else torch.ones(len(LABELS))


def _total_steps(count: int, config: TrainingConfig) -> int:
    steps_per_epoch = math.ceil(count / config.batch_size)
    total = max(1, int(steps_per_epoch * config.epochs))
    return min(total, config.max_steps) if config.max_steps else total


def _optimizer(net: Any, config: TrainingConfig, total: int) -> tuple[Any, Any]:
    """AdamW without weight decay on biases and norms, and a linear warm-up then decay."""
    import torch

    def no_decay(name: str) -> bool:
        return any(k in name for k in ("bias", "LayerNorm", "norm"))

    optimizer = torch.optim.AdamW(
        [
            {
                "params": [p for n, p in net.named_parameters() if not no_decay(n)],
                "weight_decay": config.weight_decay,
            },
            {
                "params": [p for n, p in net.named_parameters() if no_decay(n)],
                "weight_decay": 0.0,
            },
        ],
        lr=config.learning_rate,
    )
    warmup = max(1, int(total * config.warmup_fraction))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    return optimizer, scheduler


def _batch_loss(logits: Any, y: Any, binary: Any, class_weight: Any, label_smoothing: float) -> Any:
    """Weighted three-class cross-entropy, or over the two polar logits for two-class rows."""
    import torch

    polar = torch.tensor([LABEL_INDEX[NEGATIVE], LABEL_INDEX[POSITIVE]])
    polar_target = torch.zeros(len(LABELS), dtype=torch.long)
    polar_target[LABEL_INDEX[POSITIVE]] = 1
    loss_three = torch.nn.functional.cross_entropy(
        logits, y, weight=class_weight, reduction="none", label_smoothing=label_smoothing
    )
    loss_two = torch.nn.functional.cross_entropy(
        logits[:, polar], polar_target[y], reduction="none", label_smoothing=label_smoothing
    )
    return torch.where(binary, loss_two, loss_three).mean()


def _starting_classifier(base: str, start_from: Path | None) -> tuple[Any, Any]:
    """(tokenizer, net): a fresh head on ``base``, or a Brandpulse model's encoder and head."""
    from analysis.sentiment.model import is_brandpulse_model, load_model, new_classifier

    if start_from is None:
        return new_classifier(base)
    if not is_brandpulse_model(Path(start_from)):
        raise ModelError(
            explain(
                f"Cannot continue training from {start_from}",
                expected="a Brandpulse model directory (head.safetensors and brandpulse_model.json)",
                fix="start from a model Brandpulse trained, e.g. the offline default.",
            )
        )
    loaded = load_model(start_from)
    if list(loaded.output_labels) != list(LABELS):  # the head's rows must be our label order
        raise ModelError(f"{start_from} has outputs {loaded.output_labels}; expected {LABELS}.")
    return loaded.tokenizer, loaded.net


def fine_tune(
    examples: Sequence[Example],
    base: str,
    config: TrainingConfig = TrainingConfig(),
    progress: Progress | None = None,
    *,
    start_from: Path | None = None,
) -> tuple[Any, Any, dict[str, Any]]:
    """Fine-tune a classifier; returns (net, tokenizer, training log).

    By default the classifier is a fresh head on the encoder of ``base``. With
    ``start_from`` (a Brandpulse model directory) training continues from that model's
    encoder and head, e.g. to adapt the offline default without forgetting what it knows.
    """
    import torch

    if not examples:
        raise TrainingDataError("No training examples. Fix: pass a --data file with labeled rows.")
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    examples = list(examples)
    tokenizer, net = _starting_classifier(base, start_from)
    texts = [prepare_text(e.text) for e in examples]
    encoded = tokenizer(texts, truncation=True, max_length=config.max_length)["input_ids"]
    lengths = [len(ids) for ids in encoded]
    targets = torch.tensor([LABEL_INDEX[e.label] for e in examples])
    two_class = torch.tensor([e.two_class for e in examples])
    class_weight = _class_weight(examples)
    total = _total_steps(len(examples), config)
    optimizer, scheduler = _optimizer(net, config, total)
    net.train()
    step, started, losses = 0, time.monotonic(), []
    while step < total:
        for batch in _batches(examples, lengths, config.batch_size, rng):
            if step >= total:
                break
            features = tokenizer.pad(
                [{"input_ids": encoded[i]} for i in batch], return_tensors="pt"
            )
            logits = net(**dict(features))
            loss = _batch_loss(
                logits, targets[batch], two_class[batch], class_weight, config.label_smoothing
            )
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            step += 1
            if progress:
                progress("training", step, total)
    net.eval()
    log = {
        "steps": step,
        "seconds": round(time.monotonic() - started, 1),
        "final_loss": round(sum(losses[-20:]) / max(1, len(losses[-20:])), 4),
        "examples": len(examples),
        "two_class_examples": int(two_class.sum()),
        "config": asdict(config),
    }
    return net, tokenizer, log


def evaluate(model: Any, examples: Sequence[Example], batch_size: int = 64) -> dict[str, Any]:
    """Figures for a loaded model on labeled examples.

    Two-class data is scored positive vs negative (whichever of the two is likelier);
    three-class data by the most likely of the three labels.
    """
    from analysis.sentiment.scoring import score_texts

    predictions = score_texts(model, [e.text for e in examples], batch_size=batch_size)
    if examples and all(e.two_class for e in examples):
        return classification_metrics(
            [e.label for e in examples],
            [p.binary_label() for p in predictions],
            [NEGATIVE, POSITIVE],
        )
    return classification_metrics(
        [e.label for e in examples], [p.label for p in predictions], LABELS
    )


def write_model_card(
    out_dir: Path,
    *,
    version: str,
    base: str,
    data: Sequence[str],
    log: dict[str, Any],
    metrics: dict[str, Any],
) -> None:
    """metrics.json and a short MODEL_CARD.md beside the weights."""
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    lines = [
        f"# Brandpulse sentiment model {version}",
        "",
        f"- Base encoder: `{base}` (fully fine-tuned, mean pooling, linear head to negative/neutral/positive)",
        f"- Training data: {'; '.join(data)}",
        f"- Examples: {log['examples']:,} ({log['two_class_examples']:,} two-class), steps: {log['steps']}, time: {log['seconds']} s",
        f"- Parameters: {json.dumps(log['config'])}",
        "",
        "## Evaluation",
        "",
        "| data | n | accuracy | macro recall | macro F1 |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {name} | {m['n']} | {m['accuracy']:.3f} | {m['macro_recall']:.3f} | {m['macro_f1']:.3f} |"
        for name, m in metrics.items()
    ]
    (out_dir / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
