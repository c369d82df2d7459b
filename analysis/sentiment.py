"""Sentiment over the database: incremental scoring, human corrections, the labeling queue.

``analyze`` scores every document the active model version has not scored yet. The
database is only locked while a scored chunk is written, so the dashboard keeps
working during a long analysis, and an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from analysis import queries, registry
from analysis.labels import LABELS
from analysis.training import Example
from loaders import facts, store
from loaders.errors import BrandpulseError, explain
from loaders.settings import Settings

StageProgress = Callable[[str, int, int], None]  # (stage, done, total)
EMPTY_TEXT = "empty text"
WRITE_EVERY = 4096  # unique texts scored between two writes


@dataclass
class AnalysisResult:
    model_version: str
    scored: int = 0  # documents that got a label
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> documents without a label
    unique_texts: int = 0
    seconds: float = 0.0
    model_built: bool = False
    languages: dict[str, int] = field(default_factory=dict)


def _register_configured(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> registry.ModelRecord:
    from analysis.labels import parse_label_map
    from analysis.model import is_brandpulse_model

    source = settings.sentiment_model
    path = settings.model_dir.expanduser() / source
    local = path if path.is_dir() else None
    if local is None and registry.get(con, source) is not None:  # a registered version name
        return registry.use(con, source)
    kind = "brandpulse" if is_brandpulse_model(local or Path(source)) else "sequence-classification"
    version = registry.hub_version(source)
    registry.register(
        con,
        version=version,
        kind=kind,
        source=str(local or source),
        label_map=parse_label_map(settings.sentiment_label_map) or None,
        activate=True,
    )
    return registry.active(con)  # type: ignore[return-value]


def resolve_model(
    settings: Settings, progress: StageProgress | None = None
) -> tuple[registry.ModelRecord, bool]:
    """The model to score with, and whether it was built now.

    ``settings.sentiment_model`` wins; then the active registered model; with neither, the
    offline default is built (or loaded from its cache) from the seed corpus plus weak
    labels from this database's star ratings, registered and made active.
    """
    from analysis.default_model import ensure_default_model, weak_label_examples

    if settings.sentiment_model:
        with store.session(settings=settings) as con:
            return _register_configured(con, settings), False
    with store.session(settings=settings, read_only=True) as con:
        current = registry.active(con)
        weak = [] if current else weak_label_examples(con)
    if current:
        return current, False
    version, path, built = ensure_default_model(settings.model_dir, weak, progress)
    from analysis.model import default_backbone

    metrics = _read_metrics(path)
    with store.session(settings=settings) as con:
        registry.register(
            con,
            version=version,
            kind="brandpulse",
            source=str(path),
            base=default_backbone(),
            metrics=metrics,
            activate=True,
        )
        return registry.active(con), built  # type: ignore[return-value]


def _read_metrics(path: Any) -> dict[str, Any] | None:
    import json

    metrics = Path(path) / "metrics.json"
    return json.loads(metrics.read_text(encoding="utf-8")) if metrics.is_file() else None


def analyze(
    settings: Settings,
    *,
    progress: StageProgress | None = None,
) -> AnalysisResult:
    """Score the documents not yet scored by the active model version; returns the counts."""
    import pandas as pd

    from analysis.language import detect_language
    from analysis.model import load_model
    from analysis.scoring import score_texts

    started = time.monotonic()
    with store.session(settings=settings, read_only=True) as con:
        if not con.execute(queries.ANY_DOCUMENT).fetchall()[0][0]:
            # Nothing to score: do not build (or download) a model for an empty database.
            return AnalysisResult(model_version="", seconds=time.monotonic() - started)
    record, built = resolve_model(settings, progress)
    result = AnalysisResult(model_version=record.version, model_built=built)
    with store.session(settings=settings, read_only=True) as con:
        pending = con.execute(queries.UNSCORED_DOCUMENTS, [record.version]).fetchall()
    if not pending:
        result.seconds = time.monotonic() - started
        return result

    if progress:
        progress("loading model", 0, 1)
    model = load_model(
        record.source, label_map=record.label_map, quantize=settings.sentiment_quantize
    )
    docs_by_text: dict[str, list[tuple[str, str | None]]] = {}
    skipped_rows = []
    for doc_id, text, source_language in pending:
        if text is None or not text.strip():
            skipped_rows.append((doc_id, None, None, None, None, None, source_language, EMPTY_TEXT))
        else:
            docs_by_text.setdefault(text, []).append((doc_id, source_language))
    texts = list(docs_by_text)
    result.unique_texts = len(texts)
    languages: Counter[str] = Counter()

    def write(rows: list[tuple[Any, ...]]) -> None:
        frame = pd.DataFrame(
            rows,
            columns=[
                "doc_id",
                "label",
                "p_negative",
                "p_neutral",
                "p_positive",
                "score",
                "language",
                "skip_reason",
            ],
        ).astype({"label": "object", "language": "object", "skip_reason": "object"})
        frame.insert(1, "model_version", record.version)
        with store.session(settings=settings) as con:
            con.register("scored_batch", frame)
            con.execute(queries.INSERT_SENTIMENT)
            con.unregister("scored_batch")

    if skipped_rows:
        write(skipped_rows)
        result.skipped[EMPTY_TEXT] = len(skipped_rows)
    for start in range(0, len(texts), WRITE_EVERY):
        chunk = texts[start : start + WRITE_EVERY]

        def chunk_progress(
            done: int, total: int, start: int = start, size: int = len(chunk)
        ) -> None:
            if progress:
                progress("scoring", start + int(size * done / max(1, total)), len(texts))

        predictions = score_texts(
            model, chunk, batch_size=settings.sentiment_batch_size, progress=chunk_progress
        )
        rows = []
        for text, prediction in zip(chunk, predictions, strict=True):
            detected = detect_language(text)
            for doc_id, source_language in docs_by_text[text]:
                language = detected or source_language
                languages[language or "unknown"] += 1
                rows.append(
                    (
                        doc_id,
                        prediction.label,
                        prediction.p_negative,
                        prediction.p_neutral,
                        prediction.p_positive,
                        prediction.score,
                        language,
                        None,
                    )
                )
        write(rows)
        result.scored += len(rows)
    if progress:
        progress("scoring", len(texts), len(texts))
    result.languages = dict(languages.most_common())
    result.seconds = time.monotonic() - started
    return result


# --- human corrections -----------------------------------------------------------------------


def add_correction(settings: Settings, doc_id: str, label: str, note: str | None = None) -> None:
    """Record a human label for a document; it overrides every model in every aggregate."""
    if label not in LABELS:
        raise BrandpulseError(
            explain(
                f"'{label}' is not a sentiment label",
                expected=", ".join(LABELS),
                fix="use one of those.",
            )
        )
    with store.session(settings=settings) as con:
        if not con.execute(queries.DOCUMENT_EXISTS, [doc_id]).fetchall()[0][0]:
            raise BrandpulseError(
                explain(
                    f"No document with id '{doc_id}'",
                    fix="copy the id from the labeling queue or a drill-down.",
                )
            )
        con.execute("BEGIN TRANSACTION")
        try:
            was_current = facts.is_current(con)
            con.execute(queries.INSERT_LABEL, [doc_id, label, note])
            if was_current:  # one row changes: no need to rebuild the read model for a click
                facts.apply_correction(con, doc_id, label)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def corrections(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The current human label of each corrected document, newest first."""
    return store.records(con, queries.CORRECTIONS)


def correction_examples(con: duckdb.DuckDBPyConnection) -> list[Example]:
    """Corrections as three-class training examples (``brandpulse train --include-corrections``)."""
    return [Example(c["text"], c["label"]) for c in corrections(con)]


@dataclass(frozen=True)
class UncertainDocument:
    doc_id: str
    text: str
    label: str
    p_negative: float
    p_neutral: float
    p_positive: float
    margin: float  # top probability minus the runner-up


def least_certain(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[UncertainDocument]:
    """The ``limit`` uncorrected documents the active model is least sure about."""
    rows = con.execute(queries.LEAST_CERTAIN, [limit]).fetchall()
    return [
        UncertainDocument(doc_id, text, label, neg, neu, pos, ranked[0] - ranked[1])
        for doc_id, text, label, neg, neu, pos, ranked in rows
    ]


def sentiment_summary(
    con: duckdb.DuckDBPyConnection, *, brand: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """Counts per label and the mean score, with human corrections applied."""
    return store.records(con, queries.SENTIMENT_SUMMARY, [brand, brand, kind, kind])[0]


def weekly_sentiment(
    con: duckdb.DuckDBPyConnection, *, brand: str | None = None
) -> list[dict[str, Any]]:
    """Per week and brand: labeled documents, mean score, positive and negative shares."""
    return store.records(con, queries.WEEKLY_SENTIMENT, [brand, brand])


# --- training ----------------------------------------------------------------------------------


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
) -> TrainedModel:
    """Fine-tune on labeled files (plus human corrections), evaluate, save, register.

    ``data`` holds :class:`analysis.training.LabeledData`. Without ``eval_sets``, 10% of
    the training rows are held out (per label) and the model is evaluated on them.
    """
    import shutil

    from analysis.model import default_backbone, load_model, save_classifier
    from analysis.training import (
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
    if include_corrections:
        with store.session(settings=settings, read_only=True) as con:
            fixed = correction_examples(con)
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
        registry.register(
            con,
            version=version,
            kind="brandpulse",
            source=str(target),
            base=base,
            metrics=metrics,
            activate=activate,
        )
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
    from analysis.default_model import DEFAULT_CONFIG, seed_examples, weak_label_examples
    from analysis.training import LabeledData

    with store.session(settings=settings, read_only=True) as con:
        weak = weak_label_examples(con)
        fixed = correction_examples(con)
    if not fixed:
        raise BrandpulseError(
            "No corrections yet. Fix: label some posts in the queue first, then retrain."
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
    )


def active_model_metrics(con: duckdb.DuckDBPyConnection) -> tuple[str | None, dict[str, Any]]:
    """The active model's version and its stored evaluation (evaluation set -> figures)."""
    record = registry.active(con)
    if record is None:
        return None, {}
    metrics = record.metrics
    if not metrics and record.source:
        # The offline default keeps its evaluation next to the weights.
        metrics = _read_metrics(record.source) or {}
    return record.version, metrics
