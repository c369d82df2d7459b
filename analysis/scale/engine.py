"""engine='ray': export pending texts, run the Ray Data pipeline, load results (single writer).

For each task (sentiment with the active model version, then embeddings for topics):

1. result shards a killed earlier run finished are loaded (they are not computed again);
2. the texts still pending are exported from DuckDB as content-named Parquet shards;
3. ``read_parquet(...).map_batches(<worker actor>, concurrency=ray_workers, ...)`` computes
   them; the driver gathers each shard's rows and writes its result shard;
4. every LOAD_EVERY result shards are inserted in one transaction, then removed.

Only this process writes to DuckDB; the actors read and write Parquet. The topic stage that
follows (``update_topics``) finds every vector in the embedding cache.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.scale import shards, sql
from analysis.scale.workers import SOURCE_COLUMN
from analysis.sentiment.scoring_run import EMPTY_TEXT, AnalysisResult, StageProgress
from loaders import store
from loaders.config import Settings

LOAD_EVERY = 8  # result shards inserted per transaction
READ_ROWS = 50_000  # rows per record batch read from DuckDB while exporting
RAY_BATCH = 1024  # texts per map_batches call
ACTOR_START_S = 600  # the longest wait for the pool's actors to load their models
# Test hook: the driver stops (sleeps) after writing this many result shards, before loading
# them, so a test can kill it half-way. Never set in normal use.
PAUSE_ENV = "BRANDPULSE_RAY_PAUSE_AFTER_SHARDS"


@dataclass
class RayRun:
    """What the Ray engine did in one analysis pass, per task and in all."""

    shards: int = 0  # result shards computed on Ray now
    resumed_shards: int = 0  # finished result shards of an earlier run, loaded, not recomputed
    texts: int = 0  # texts computed on Ray now
    embedded: int = 0  # of ``texts``, embedded for topics
    export_seconds: float = 0.0
    ray_seconds: float = 0.0
    load_seconds: float = 0.0
    nodes: set[str] = field(default_factory=set)  # Ray node ids that computed results
    pids: set[int] = field(default_factory=set)  # actor processes that computed results


@dataclass
class _Task:
    name: str  # 'sentiment' or 'embeddings'
    key: str  # model version (sentiment) or embedding model name: checked on every result row
    load_sql: str
    worker: type
    worker_args: dict[str, Any]


def analyze_ray(
    settings: Settings, *, topics: bool = True, progress: StageProgress | None = None
) -> AnalysisResult:
    """The Ray engine's counterpart of ``scoring_run.analyze`` (and of the topic stage's
    embedding); ``result.ray`` holds the :class:`RayRun`."""
    from analysis.scale.cluster import check_reachable, connected, import_ray
    from analysis.sentiment.scoring_run import resolve_model
    from loaders.store.sql import ANY_DOCUMENT

    started = time.monotonic()
    ray = import_ray()  # a missing Ray or an unreachable cluster fails before any model is built
    if settings.ray_address and not ray.is_initialized():
        check_reachable(settings.ray_address)
    with store.session(settings=settings, read_only=True) as con:
        if not store.scalar(con, ANY_DOCUMENT):
            return AnalysisResult(model_version="", seconds=time.monotonic() - started)
    resolving = time.monotonic()
    record, built = resolve_model(settings, progress)
    result = AnalysisResult(
        model_version=record.version,
        model_built=built,
        build_seconds=time.monotonic() - resolving if built else 0.0,
    )
    run = RayRun()
    with contextlib.ExitStack() as stack:
        # Connected on first use: a pass with nothing pending starts (or reaches) no Ray.
        cluster = functools.cache(lambda: stack.enter_context(connected(settings)))
        _score(cluster, settings, record, result, run, progress)
        # As the local engine's: the sentiment stage (a model build included), not embedding.
        result.seconds = time.monotonic() - started
        if topics:
            _embed(cluster, settings, run, progress)
    result.ray = run
    return result


def sentiment_task(settings: Settings, record: Any, *, stub: bool = False) -> _Task:
    """The sentiment task of ``record`` (a registry.ModelRecord); ``stub`` swaps the model for a
    constant one (benchmarks of the driver's own memory only)."""
    from analysis.scale.workers import SentimentWorker, StubSentimentWorker

    args = {
        "source": record.source,
        "label_map": record.label_map,
        "quantize": settings.sentiment_quantize,
        "version": record.version,
    }
    worker = StubSentimentWorker if stub else SentimentWorker
    return _Task("sentiment", record.version, sql.LOAD_SENTIMENT_SHARDS, worker, args)


def _score(
    cluster: Callable[[], Any],
    settings: Settings,
    record: Any,
    result: AnalysisResult,
    run: RayRun,
    progress: StageProgress | None,
    task: _Task | None = None,
) -> None:
    task = task or sentiment_task(settings, record)
    with store.session(settings=settings) as con:
        since = con.execute("SELECT now()").fetchall()[0][0]
        with store.transaction(con):
            params = [record.version, EMPTY_TEXT, record.version]
            skipped = con.execute(sql.INSERT_BLANK_SKIPPED, params)
            blank = skipped.fetchall()[0][0]
    if blank:
        result.skipped[EMPTY_TEXT] = blank

    def pending() -> Iterator[Any]:
        with store.session(settings=settings, read_only=True) as con:
            # A relation's reader streams (a DB-API result's would copy every row first).
            relation = con.sql(sql.PENDING_SENTIMENT_TEXTS, params=[record.version])
            yield from relation.to_arrow_reader(READ_ROWS)

    before = run.texts
    _run_task(cluster, settings, task, pending, run, progress, "scoring sentiment on Ray")
    result.unique_texts = run.texts - before
    with store.session(settings=settings, read_only=True) as con:
        languages = con.execute(sql.SCORED_LANGUAGES, [record.version, since]).fetchall()
    result.languages = dict(languages)
    result.scored = sum(result.languages.values())


def _embed(
    cluster: Callable[[], Any], settings: Settings, run: RayRun, progress: StageProgress | None
) -> None:
    from analysis.scale.workers import EmbeddingWorker
    from analysis.topics.embeddings import embedding_model_name, model_source

    name = embedding_model_name(settings)
    args = {"source": model_source(settings), "model_name": name}
    task = _Task("embeddings", name, sql.LOAD_EMBEDDING_SHARDS, EmbeddingWorker, args)
    before = run.texts
    _run_task(
        cluster,
        settings,
        task,
        lambda: _uncached_texts(settings, name),
        run,
        progress,
        "embedding texts on Ray",
    )
    run.embedded += run.texts - before


def _uncached_texts(settings: Settings, model_name: str) -> Iterator[Any]:
    """(text_hash, text) of every distinct topic text the cache lacks, in hash order."""
    import pyarrow as pa

    from analysis.topics.text import text_hash, topic_text

    seen: set[str] = set()
    pending: list[tuple[str, str]] = []
    with store.session(settings=settings, read_only=True) as con:
        cursor = con.cursor()  # the cache lookups run beside the streaming read
        for batch in con.sql(sql.ALL_TEXTS).to_arrow_reader(READ_ROWS):
            fresh: dict[str, str] = {}
            for text in batch.column("text").to_pylist():
                cleaned = topic_text(text)
                key = text_hash(cleaned) if cleaned else None
                if key and key not in seen:
                    seen.add(key)
                    fresh[key] = cleaned
            if not fresh:
                continue
            cursor.register("candidate_hashes", pa.table({"text_hash": list(fresh)}))
            try:
                missing = cursor.execute(sql.UNCACHED_HASHES, [model_name]).fetchall()
            finally:
                cursor.unregister("candidate_hashes")
            pending.extend((key, fresh[key]) for (key,) in missing)
        cursor.close()
    pending.sort()
    if pending:
        yield pa.RecordBatch.from_pydict(
            {"text_hash": [h for h, _ in pending], "text": [t for _, t in pending]}
        )


def _run_task(
    cluster: Callable[[], Any],
    settings: Settings,
    task: _Task,
    pending: Callable[[], Iterator[Any]],
    run: RayRun,
    progress: StageProgress | None,
    stage: str,
) -> None:
    folder = shards.job_folder(settings, task.name, task.key)
    resumed = shards.finished(folder)
    if resumed:
        _load(settings, task, resumed, run)
        run.resumed_shards += len(resumed)
    started = time.monotonic()
    if progress:
        progress(f"exporting texts for {task.name}", 0, 1)
    plan = shards.export(folder, task.name, task.key, pending(), settings.ray_shard_texts)
    run.export_seconds += time.monotonic() - started
    if progress:
        progress(f"exporting texts for {task.name}", 1, 1)
    if plan.shards:
        _compute(cluster(), settings, task, plan, run, progress, stage)
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _compute(
    ray: Any,
    settings: Settings,
    task: _Task,
    plan: shards.Plan,
    run: RayRun,
    progress: StageProgress | None,
    stage: str,
) -> None:
    """Run the plan's shards through Ray; write and load each result shard as it completes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    started = time.monotonic()
    pause_after = int(os.environ.get(PAUSE_ENV) or 0)
    by_name = {p.name: p for p in plan.shards}
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.verbose_progress = False
    # Start the whole actor pool (each loads its model) before the first block is handed
    # out; otherwise the first actor up can take every shard while the others still load.
    context.wait_for_min_actors_s = ACTOR_START_S
    # The CLI's own progress lines report the stage; Ray Data's per-dataset INFO lines would
    # interleave with them (set after ray.data is loaded: loading it configures its loggers).
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    gpus = {"num_gpus": settings.ray_gpus_per_worker} if settings.ray_gpus_per_worker else {}
    files = [str(p) for p in plan.shards]
    rows = min(RAY_BATCH, settings.ray_shard_texts)
    dataset = ray.data.read_parquet(files, include_paths=True)
    # Small files are read as one block, and one block goes to one actor: cut it up
    # (streaming, no shuffle) so that every actor gets work.
    dataset = dataset.repartition(target_num_rows_per_block=rows)
    dataset = dataset.map_batches(
        task.worker,
        fn_constructor_kwargs=task.worker_args,
        compute=ray.data.ActorPoolStrategy(size=settings.ray_workers),
        batch_size=rows,
        batch_format="pyarrow",
        num_cpus=1,
        **gpus,
    )
    held: dict[str, list[Any]] = {}
    counts: dict[str, int] = {}
    ready: list[Path] = []
    done = 0
    if progress:
        progress(stage, 0, plan.texts)
    for batch in _quiet(dataset.iter_batches(batch_size=None, batch_format="pyarrow")):
        for source in pc.unique(batch.column(SOURCE_COLUMN)).to_pylist():
            name = Path(source).name
            part = batch.filter(pc.equal(batch.column(SOURCE_COLUMN), source))
            held.setdefault(name, []).append(part)
            counts[name] = counts.get(name, 0) + part.num_rows
            if counts[name] < plan.rows[name]:
                continue
            table = pa.concat_tables(held.pop(name)).drop_columns([SOURCE_COLUMN])
            out = shards.result_path(by_name[name])
            shards.write_atomically(table, out)
            run.shards += 1
            run.texts += table.num_rows
            run.nodes.update(pc.unique(table.column("node_id")).to_pylist())
            run.pids.update(pc.unique(table.column("pid")).to_pylist())
            done += table.num_rows
            ready.append(out)
            if pause_after and run.shards == pause_after:
                time.sleep(3600)  # the test hook: wait here to be killed
            if len(ready) >= LOAD_EVERY:
                run.ray_seconds -= _load(settings, task, ready, run)
                ready = []
            if progress:
                progress(stage, done, plan.texts)
    if ready:
        run.ray_seconds -= _load(settings, task, ready, run)
    run.ray_seconds += time.monotonic() - started


def _quiet(batches: Iterator[Any]) -> Iterator[Any]:
    """``batches`` without Ray Data's warning that a small backlog has fewer blocks than
    actors: expected, not a misconfiguration."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The minimum number of concurrent actors")
        yield from batches


def _load(settings: Settings, task: _Task, outs: list[Path], run: RayRun) -> float:
    """Insert result shards in one transaction, then remove them; returns the seconds taken."""
    started = time.monotonic()
    with store.session(settings=settings) as con, store.transaction(con):
        con.execute(task.load_sql, [[str(p) for p in outs], task.key])
    shards.remove(outs)
    seconds = time.monotonic() - started
    run.load_seconds += seconds
    return seconds
