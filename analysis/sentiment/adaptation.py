"""Adaptation to the user's own posts (``brandpulse train --adapt``, the Labeling page).

The offline default knows general sentiment from the team's seed corpus; it has never seen
the user's brand, vocabulary or channels. Adaptation continues training the default's
weights (encoder and head) on what this database holds:

* the user's labels (the training part, each counted :data:`USER_LABEL_WEIGHT` times),
* star ratings of reviews as weak labels,
* confident pseudo-labels of unlabelled posts, from the baseline model (self-training),
* a sample of the seed corpus, so the model does not forget what it knew.

A deterministic share of the user's labels (fair ones first) is held out; the new model
and the baseline (the model analysis scores with now) are compared on it, and the new
version becomes active only when its macro recall is higher, unless the user decides.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.sentiment import registry
from analysis.sentiment.corrections import UserLabel, user_labels
from analysis.sentiment.evaluation import UserEvaluation, evaluate_confusion
from analysis.sentiment.labels import LABELS
from analysis.sentiment.scoring_run import StageProgress, resolve_model
from analysis.sentiment.sql import MODEL_TRAINING_DOCS, UNLABELLED_POSTS
from analysis.sentiment.training import Example, TrainingConfig, sample_examples
from loaders import store
from loaders.config import Settings
from loaders.errors import BrandpulseError, explain

# Fewer labels than this cannot tell two models apart (a held-out part of ~10 documents).
MIN_LABELS = 30
MIN_HELD_OUT = 10
HOLDOUT_FRACTION = 0.3
# A few hundred labels must outweigh a thousand seed sentences: counted 8 times (and half the
# seed sample, a rate of 5e-5) did better than 4 times (2,000 seeds, 3e-5) on the user's
# held-out labels and on unseen posts (benchmarks/results/eval_adaptation.json).
USER_LABEL_WEIGHT = 8
SEED_SAMPLE = 1_000
# One pass over the mix, at the default model's own learning rate.
ADAPT_CONFIG = TrainingConfig(epochs=1.0, batch_size=32, learning_rate=5e-5, max_length=96)
VERSION_PREFIX = "adapted"


@dataclass(frozen=True)
class AdaptOptions:
    """What goes into the training data (the benchmark compares variants of these)."""

    pseudo_labels: bool = True
    pseudo_threshold: float = 0.8  # top probability under the baseline
    pseudo_per_class: int = 300
    pseudo_pool: int = 20_000  # unlabelled posts considered (scored when not stored)
    weak_per_class: int = 300
    seed_sample: int = SEED_SAMPLE
    user_weight: int = USER_LABEL_WEIGHT
    keep_fair: int = 100  # fair labels never trained on (adapt_model: corrected_shares_min_labels)


@dataclass
class AdaptedModel:
    version: str
    path: Path
    activated: bool
    reason: str  # one plain sentence: why it is (not) the active model
    new: UserEvaluation
    baseline: UserEvaluation
    baseline_version: str
    counts: dict[str, int]  # source -> training examples (before weighting)
    log: dict[str, Any] = field(default_factory=dict)


def _hash(doc_id: str) -> str:
    return hashlib.md5(doc_id.encode("utf-8")).hexdigest()  # noqa: S324 - an order, not security


def split_user_labels(
    labels: Sequence[UserLabel],
    fraction: float = HOLDOUT_FRACTION,
    avoid: Collection[str] = (),
    keep_fair: int = 0,
) -> tuple[list[UserLabel], list[UserLabel]]:
    """(training, held out): a deterministic split of the user's labels.

    The held-out part takes fair labels (random queue, imports) first, as they measure the
    model on the data as it is, and avoids ``avoid`` (documents the baseline was trained
    on, which could not measure it); within each group the order is the md5 of the doc id.
    At least ``keep_fair`` fair labels are held out: a model never measured on them leaves
    them to correct the sentiment shares (which need labels the model did not learn).
    Training leaves out labels whose text is also held out (reposts would leak the answer).
    """
    ranked = sorted(labels, key=lambda u: (u.doc_id in avoid, not u.fair, _hash(u.doc_id)))
    fair = sum(1 for u in labels if u.fair and u.doc_id not in avoid)
    cut = max(MIN_HELD_OUT, round(len(ranked) * fraction), min(keep_fair, fair))
    held = ranked[:cut]
    held_texts = {u.text for u in held}
    train = [u for u in ranked[cut:] if u.text not in held_texts]
    return sorted(train, key=lambda u: u.doc_id), sorted(held, key=lambda u: u.doc_id)


def pseudo_label_examples(
    rows: Sequence[tuple[str, float, float, float]], threshold: float, per_class: int
) -> list[Example]:
    """Confident predictions as examples: (text, p_negative, p_neutral, p_positive) rows.

    A row counts when its top probability reaches ``threshold``. Every class gets the same
    number (its most confident rows, at most ``per_class``), set by the rarest class that
    has any: a baseline that is sure of positives more often must not tilt the model.
    """
    confident: dict[str, list[tuple[float, str]]] = {label: [] for label in LABELS}
    for text, *probabilities in rows:
        top = max(range(len(LABELS)), key=lambda i: probabilities[i])
        if probabilities[top] >= threshold:
            confident[LABELS[top]].append((probabilities[top], text))
    sizes = [len(found) for found in confident.values() if found]
    take = min([per_class, *sizes]) if sizes else 0
    return [
        Example(text, label)
        for label, found in confident.items()
        for _, text in sorted(found, key=lambda pair: (-pair[0], pair[1]))[:take]
    ]


def activation_decision(
    new: UserEvaluation, baseline: UserEvaluation, baseline_version: str, activate: bool | None
) -> tuple[bool, str]:
    """Whether the adapted model becomes active, and one sentence why.

    ``activate`` True or False is the user's decision; None activates it only when its
    macro recall on the held-out labels is higher than the baseline's on the same labels.
    """
    figures = (
        f"macro recall {new.macro_recall:.3f} vs {baseline.macro_recall:.3f} for "
        f"{baseline_version} on {new.n} held-out labels"
    )
    if activate is True:
        return True, f"Active because you asked for it ({figures})."
    if activate is False:
        return False, f"Not active because you asked so ({figures})."
    if new.macro_recall > baseline.macro_recall:
        return True, f"Active because it beats the model in use: {figures}."
    return False, f"Not active because it does not beat the model in use: {figures}."


def start_model(settings: Settings, progress: StageProgress | None = None) -> Path:
    """The weights adaptation starts from: the offline default (built when not cached)."""
    from analysis.sentiment.default_model import ensure_default_model

    _, path, _ = ensure_default_model(settings.model_dir, progress)
    return path


def _user_evaluation(
    version: str, labels: Sequence[UserLabel], predicted: Sequence[str]
) -> tuple[UserEvaluation, dict[str, Any]]:
    """(UserEvaluation, the classification figures of the model card) of one model."""
    from analysis.sentiment.metrics import classification_metrics

    figures = classification_metrics([u.label for u in labels], list(predicted), LABELS)
    return evaluate_confusion(version, figures["confusion"]), figures


def _predict(
    model: Any, texts: Sequence[str], progress: StageProgress | None = None, stage: str = ""
) -> list[Any]:
    from analysis.sentiment.scoring import score_texts

    def report(done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    return score_texts(model, list(texts), progress=report) if texts else []


def _pseudo_rows(
    con: Any,
    baseline: Any,
    record: registry.ModelRecord,
    pool: int,
    exclude: set[str],
    progress: StageProgress | None,
) -> list[tuple[str, float, float, float]]:
    """Unlabelled posts with the baseline's probabilities: stored ones, else scored now."""
    rows = con.execute(UNLABELLED_POSTS, [record.version, pool]).fetchall()
    unique: dict[str, Any] = {}  # one row per text (reposts would count twice), none held out
    for row in rows:
        if row[1] not in exclude:
            unique.setdefault(row[1], row)
    rows = list(unique.values())
    missing = [text for _, text, p, *_ in rows if p is None]
    predictions = _predict(baseline(), missing, progress, "scoring posts") if missing else []
    scored = dict(zip(missing, predictions, strict=True))
    out = []
    for _, text, *stored in rows:
        if stored[0] is None:
            p = scored[text]
            stored = [p.p_negative, p.p_neutral, p.p_positive]
        out.append((text, *stored))
    return out


@dataclass
class _TrainingSet:
    examples: list[Example]
    counts: dict[str, int]
    sources: list[str]
    train: list[UserLabel]
    held: list[UserLabel]


def _too_few(found: str) -> BrandpulseError:
    return BrandpulseError(
        explain(
            "Too few labelled posts to adapt the model",
            expected=f"at least {MIN_LABELS} labelled posts, {MIN_HELD_OUT} of them not "
            "trained on by the model in use",
            found=found,
            fix=f"label at least {MIN_LABELS} posts first (the random queue is best).",
        )
    )


def _gather(
    con: Any,
    baseline: Any,
    record: registry.ModelRecord,
    options: AdaptOptions,
    progress: StageProgress | None,
) -> _TrainingSet:
    """The training examples by source, and the user's labels split into train and held out."""
    from analysis.sentiment.default_model import seed_examples, weak_label_examples

    labels = [u for u in user_labels(con) if u.text and u.text.strip()]  # nothing to learn
    if len(labels) < MIN_LABELS:
        raise _too_few(f"{len(labels)} labelled posts")
    trained_on = {row[0] for row in con.execute(MODEL_TRAINING_DOCS, [record.version]).fetchall()}
    train, held = split_user_labels(labels, HOLDOUT_FRACTION, trained_on, options.keep_fair)
    held = [u for u in held if u.doc_id not in trained_on]  # neither model learned these
    if len(held) < MIN_HELD_OUT:
        raise _too_few(f"{len(held)} labelled posts that {record.version} was not trained on")
    held_texts = {u.text for u in held}
    parts = {
        "your labels": [Example(u.text, u.label) for u in train],
        "star ratings": [
            e for e in weak_label_examples(con, options.weak_per_class) if e.text not in held_texts
        ],
        "pseudo-labels": pseudo_label_examples(
            _pseudo_rows(con, baseline, record, options.pseudo_pool, held_texts, progress),
            options.pseudo_threshold,
            options.pseudo_per_class,
        )
        if options.pseudo_labels
        else [],
        "seed corpus": sample_examples(seed_examples(), options.seed_sample),
    }
    examples = [e for e in parts["your labels"] for _ in range(options.user_weight)]
    examples += [e for name, part in parts.items() if name != "your labels" for e in part]
    sources = [
        f"{len(train):,} of your labels (each counted {options.user_weight} times)",
        f"{len(parts['star ratings']):,} weak labels from star-rated reviews",
        f"{len(parts['pseudo-labels']):,} confident pseudo-labels of your unlabelled posts "
        f"(by {record.version}, top probability >= {options.pseudo_threshold})",
        f"{len(parts['seed corpus']):,} examples of the Brandpulse seed corpus",
    ]
    counts = {name: len(part) for name, part in parts.items()} | {"held out": len(held)}
    return _TrainingSet(examples, counts, sources, train, held)


def _train_and_save(
    data: _TrainingSet,
    start: Path,
    target: Path,
    config: TrainingConfig,
    progress: StageProgress | None,
) -> tuple[Any, dict[str, Any]]:
    """Fine-tune from ``start``, save into ``target``'s building folder; (loaded model, log)."""
    from analysis.sentiment.model import default_backbone, load_model, save_classifier
    from analysis.sentiment.training import fine_tune

    base = default_backbone()
    net, tokenizer, log = fine_tune(data.examples, base, config, progress, start_from=start)
    building = target.with_name(target.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    meta = {"version": target.name, "base": base, "adapted_from": str(start)}
    save_classifier(net, tokenizer, building, meta)
    return load_model(building), log


def _finish(
    settings: Settings,
    target: Path,
    data: _TrainingSet,
    evaluations: dict[str, Any],
    log: dict[str, Any],
    activate: bool,
) -> None:
    """Model card beside the weights, then register it with the documents it trained on."""
    from analysis.sentiment.model import default_backbone
    from analysis.sentiment.training import write_model_card

    version, building = target.name, target.with_name(target.name + ".building")
    card = {name: figures for name, (_, figures) in evaluations.items()}
    base = default_backbone()
    write_model_card(building, version=version, base=base, data=data.sources, log=log, metrics=card)
    building.rename(target)
    own = dict(list(card.items())[:1])  # the registry keeps the model's own figure only
    with store.session(settings=settings) as con:
        registry.register_built(
            con, target, version=version, base=base, metrics=own, activate=activate
        )
        registry.record_training_docs(con, version, [u.doc_id for u in data.train])


def _free_version(settings: Settings) -> str:
    """adapted-<UTC time>, with a counter when one was made in the same second."""
    version = registry.new_version(VERSION_PREFIX)
    candidates = [version] + [f"{version}-{n}" for n in range(2, 100)]
    taken = registry.model_path(settings.model_dir, version).parent
    return next(
        v for v in candidates if not (taken / v).exists() and not (taken / f"{v}.building").exists()
    )


def adapt_model(
    settings: Settings,
    *,
    activate: bool | None = None,
    config: TrainingConfig | None = None,
    progress: StageProgress | None = None,
    options: AdaptOptions | None = None,
) -> AdaptedModel:
    """Adapt the default model to this database; register it, active only if better.

    ``activate`` None activates the new version only when it beats the baseline (the model
    analysis scores with now) on the held-out labels; True or False decides regardless.
    """
    from analysis.sentiment.model import load_model

    options = options or AdaptOptions(keep_fair=settings.corrected_shares_min_labels)
    record, _ = resolve_model(settings, progress)
    loaded: list[Any] = []

    def baseline() -> Any:  # loaded once, and only when needed
        if not loaded:
            loaded.append(load_model(record.source, label_map=record.label_map))
        return loaded[0]

    if progress:
        progress("gathering examples", 0, 1)
    with store.session(settings=settings, read_only=True) as con:
        data = _gather(con, baseline, record, options, progress)
    version = _free_version(settings)
    target = registry.model_path(settings.model_dir, version)
    model, log = _train_and_save(
        data, start_model(settings, progress), target, config or ADAPT_CONFIG, progress
    )
    if progress:
        progress("evaluating", 0, 2)
    texts = [u.text for u in data.held]
    held_name = f"your held-out labels ({len(texts)}, not trained on)"
    evaluations = {
        held_name: _user_evaluation(version, data.held, [p.label for p in _predict(model, texts)]),
        f"{record.version} (model in use) on the same labels": _user_evaluation(
            record.version, data.held, [p.label for p in _predict(baseline(), texts)]
        ),
    }
    (new, _), (old, _) = evaluations.values()
    active, reason = activation_decision(new, old, record.version, activate)
    log |= {"counts": data.counts}
    _finish(settings, target, data, evaluations, log, active)
    return AdaptedModel(version, target, active, reason, new, old, record.version, data.counts, log)
