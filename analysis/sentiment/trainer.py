"""Training runs: fine-tune on a labelled file and register the model; retrain with users' corrections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from analysis.sentiment import registry
from analysis.sentiment.corrections import correction_examples, trainable_corrections
from analysis.sentiment.scoring_run import StageProgress
from analysis.sentiment.training import Example
from loaders import store
from loaders.config import Settings
from loaders.errors import BrandpulseError


@dataclass
class TrainedModel:
    version: str
    path: Any
    metrics: dict[str, Any]
    log: dict[str, Any]


def train_and_register(
    settings: Settings,
    data: list[Any],
    *,
    base: str | None = None,
    config: Any = None,
    eval_sets: dict[str, list[Example]] | None = None,
    include_corrections: bool = False,
    activate: bool = True,
    version: str | None = None,
    progress: StageProgress | None = None,
    training_docs: Sequence[str] = (),
) -> TrainedModel:
    """Fine-tune on labeled files (plus human corrections), evaluate, save, register.

    ``training_docs``: documents whose human labels are in ``data``; they and the included
    corrections are recorded so the model is never measured on labels it learnt.

    ``data`` holds :class:`analysis.sentiment.training.LabeledData`. Without ``eval_sets``, 10% of
    the training rows are held out (per label) and the model is evaluated on them.
    """
    import shutil

    from analysis.sentiment.model import default_backbone, load_model, save_classifier
    from analysis.sentiment.training import (
        TrainingConfig,
        evaluate,
        fine_tune,
        split_holdout,
        write_model_card,
    )

    config = config or TrainingConfig()
    base = base or default_backbone()
    examples = [e for d in data for e in d.examples]
    sources = [
        f"{d.source} ({len(d.examples):,} rows{', two-class' if d.examples and d.examples[0].two_class else ''})"
        for d in data
    ]
    learnt_from = list(training_docs)
    if include_corrections:
        with store.session(settings=settings, read_only=True) as con:
            fixed = correction_examples(con)
            learnt_from += [c["doc_id"] for c in trainable_corrections(con)]
        examples += fixed
        sources.append(f"{len(fixed):,} human corrections")
    if not eval_sets:
        examples, held = split_holdout(examples, 0.1, config.seed)
        eval_sets = {"held-out 10% of the training data": held}
    version = version or registry.new_version()
    target = registry.model_path(settings.model_dir, version)
    if target.exists():
        raise BrandpulseError(
            f"Model version {version} already exists at {target}. Fix: choose another --version."
        )
    net, tokenizer, log = fine_tune(examples, base, config, progress)
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    save_classifier(net, tokenizer, building, {"version": version, "base": base})
    model = load_model(building)
    metrics = {}
    for name, held_out in eval_sets.items():
        if not held_out:  # too little data to hold any out
            continue
        if progress:
            progress(f"evaluating {name[:30]}", 0, 1)
        metrics[name] = evaluate(model, held_out)
    write_model_card(building, version=version, base=base, data=sources, log=log, metrics=metrics)
    building.rename(target)
    with store.session(settings=settings) as con:
        registry.register_built(
            con, target, version=version, base=base, metrics=metrics, activate=activate
        )
        registry.record_training_docs(con, version, learnt_from)
    return TrainedModel(version, target, metrics, log)


# Each correction counts this many times: a few dozen human labels must be able to move a
# model trained on thousands of seed examples.
CORRECTION_WEIGHT = 4


def retrain_with_corrections(
    settings: Settings,
    *,
    base: str | None = None,
    config: Any = None,
    progress: StageProgress | None = None,
) -> TrainedModel:
    """The Labeling page's retrain: the default model's data plus every human correction.

    The seed corpus and the star-rating weak labels (as for the offline default) are joined
    by the corrections, each repeated :data:`CORRECTION_WEIGHT` times. The new version is
    registered and made active; ``analyze`` then re-scores the documents with it.
    """
    from analysis.sentiment.default_model import DEFAULT_CONFIG, seed_examples, weak_label_examples
    from analysis.sentiment.training import LabeledData

    with store.session(settings=settings, read_only=True) as con:
        weak = weak_label_examples(con)
        fixed = correction_examples(con)
        fixed_docs = [c["doc_id"] for c in trainable_corrections(con)]
    if not fixed:
        raise BrandpulseError(
            "No corrections to learn from yet (labels from the random sample and imports are "
            "kept to measure the model). Fix: label some of the least certain posts, then retrain."
        )
    data = [
        LabeledData(seed_examples(), "Brandpulse seed corpus"),
        LabeledData(weak, "weak labels from star-rated reviews"),
        LabeledData(
            fixed * CORRECTION_WEIGHT,
            f"{len(fixed):,} human corrections (each counted {CORRECTION_WEIGHT} times)",
        ),
    ]
    return train_and_register(
        settings,
        [d for d in data if d.examples],
        base=base,
        config=config or DEFAULT_CONFIG,
        version=registry.new_version("retrained"),
        progress=progress,
        training_docs=fixed_docs,
    )
