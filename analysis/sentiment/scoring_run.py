"""Sentiment over the database: incremental scoring with the model it resolves, and that
model's stored figures (corrections and the labeling queue are in :mod:`.corrections`).

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

from analysis.sentiment import registry
from analysis.sentiment.sql import INSERT_SENTIMENT, UNSCORED_DOCUMENTS
from loaders import store
from loaders.config import Settings
from loaders.store.sql import ANY_DOCUMENT

StageProgress = Callable[[str, int, int], None]  # (stage, done, total)
EMPTY_TEXT = "empty text"
WRITE_EVERY = 4096  # unique texts scored between two writes


@dataclass
class AnalysisResult:
    model_version: str
    scored: int = 0  # documents that got a label
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> documents without a label
    unique_texts: int = 0
    seconds: float = 0.0  # the whole run, a model build included
    model_built: bool = False
    build_seconds: float = 0.0  # of ``seconds``, building the default model (0 when none was built)
    languages: dict[str, int] = field(default_factory=dict)
    ray: Any = None  # analysis.scale.engine.RayRun when engine='ray' ran the pass


def _register_configured(
    con: duckdb.DuckDBPyConnection, settings: Settings
) -> registry.ModelRecord:
    from analysis.sentiment.labels import parse_label_map
    from analysis.sentiment.model import is_brandpulse_model

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
    offline default is built (or loaded from its cache) from the seed corpus only, the
    same for every database, registered and made active.
    """
    from analysis.sentiment.default_model import ensure_default_model

    if settings.sentiment_model:
        with store.session(settings=settings) as con:
            return _register_configured(con, settings), False
    with store.session(settings=settings, read_only=True) as con:
        current = registry.active(con)
    if current:
        return current, False
    version, path, built = ensure_default_model(settings.model_dir, progress)
    from analysis.sentiment.model import default_backbone

    metrics = _read_metrics(path)
    with store.session(settings=settings) as con:
        registry.register_built(
            con, path, version=version, base=default_backbone(), metrics=metrics, activate=True
        )
        return registry.active(con), built  # type: ignore[return-value]


def _read_metrics(path: Any) -> dict[str, Any] | None:
    import json

    metrics = Path(path) / "metrics.json"
    return json.loads(metrics.read_text(encoding="utf-8")) if metrics.is_file() else None


SENTIMENT_COLUMNS = [
    "doc_id",
    "label",
    "p_negative",
    "p_neutral",
    "p_positive",
    "score",
    "language",
    "skip_reason",
]
TextGroups = dict[str, list[tuple[str, str | None]]]  # text -> (doc_id, source language) each


def _write_rows(settings: Settings, version: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert scored (or skipped) rows; the write lock is held for this chunk only."""
    import pandas as pd

    frame = pd.DataFrame(rows, columns=SENTIMENT_COLUMNS).astype(
        {"label": "object", "language": "object", "skip_reason": "object"}
    )
    frame.insert(1, "model_version", version)
    with store.session(settings=settings) as con:
        con.register("scored_batch", frame)
        con.execute(INSERT_SENTIMENT)
        con.unregister("scored_batch")


def _group_by_text(pending: list[tuple[Any, ...]]) -> tuple[TextGroups, list[tuple[Any, ...]]]:
    """Documents grouped by their text (each text is scored once), and rows for the empty ones."""
    docs_by_text: TextGroups = {}
    skipped_rows = []
    for doc_id, text, source_language in pending:
        if text is None or not text.strip():
            skipped_rows.append((doc_id, None, None, None, None, None, source_language, EMPTY_TEXT))
        else:
            docs_by_text.setdefault(text, []).append((doc_id, source_language))
    return docs_by_text, skipped_rows


def _score_chunk(
    model: Any,
    chunk: list[str],
    docs_by_text: TextGroups,
    languages: Counter[str],
    batch_size: int,
    chunk_progress: Callable[[int, int], None],
) -> list[tuple[Any, ...]]:
    """One row per document whose text is in ``chunk``; counts each document's language."""
    from analysis.sentiment.language import detect_language
    from analysis.sentiment.scoring import score_texts

    predictions = score_texts(model, chunk, batch_size=batch_size, progress=chunk_progress)
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
    return rows


def _score_pending(
    settings: Settings,
    record: registry.ModelRecord,
    pending: list[tuple[Any, ...]],
    result: AnalysisResult,
    progress: StageProgress | None,
) -> None:
    """Score ``pending`` with ``record``'s model, writing every WRITE_EVERY texts."""
    from analysis.sentiment.model import load_model

    if progress:
        progress("loading the sentiment model", 0, 1)
    model = load_model(
        record.source, label_map=record.label_map, quantize=settings.sentiment_quantize
    )
    docs_by_text, skipped_rows = _group_by_text(pending)
    texts = list(docs_by_text)
    result.unique_texts = len(texts)
    languages: Counter[str] = Counter()
    if skipped_rows:
        _write_rows(settings, record.version, skipped_rows)
        result.skipped[EMPTY_TEXT] = len(skipped_rows)
    for start in range(0, len(texts), WRITE_EVERY):
        chunk = texts[start : start + WRITE_EVERY]

        def chunk_progress(
            done: int, total: int, start: int = start, size: int = len(chunk)
        ) -> None:
            if progress:
                progress("scoring sentiment", start + int(size * done / max(1, total)), len(texts))

        rows = _score_chunk(
            model, chunk, docs_by_text, languages, settings.sentiment_batch_size, chunk_progress
        )
        _write_rows(settings, record.version, rows)
        result.scored += len(rows)
    if progress:
        progress("scoring sentiment", len(texts), len(texts))
    result.languages = dict(languages.most_common())


def analyze(
    settings: Settings,
    *,
    progress: StageProgress | None = None,
) -> AnalysisResult:
    """Score the documents not yet scored by the active model version; returns the counts."""
    started = time.monotonic()
    with store.session(settings=settings, read_only=True) as con:
        if not store.scalar(con, ANY_DOCUMENT):
            # Nothing to score: do not build (or download) a model for an empty database.
            return AnalysisResult(model_version="", seconds=time.monotonic() - started)
    resolving = time.monotonic()
    record, built = resolve_model(settings, progress)
    # A one-time build (about a minute) would make the printed scoring rate look far too slow.
    build_seconds = time.monotonic() - resolving if built else 0.0
    result = AnalysisResult(
        model_version=record.version, model_built=built, build_seconds=build_seconds
    )
    with store.session(settings=settings, read_only=True) as con:
        pending = con.execute(UNSCORED_DOCUMENTS, [record.version]).fetchall()
    if pending:
        _score_pending(settings, record, pending, result, progress)
    result.seconds = time.monotonic() - started
    return result


# --- training ----------------------------------------------------------------------------------


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
