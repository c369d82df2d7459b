"""engine='local' vs engine='ray' on N synthetic texts, and the Ray driver's memory at two sizes.

Run by hand (not in CI), e.g. ``nice -n 10 python benchmarks/bench_scale.py --texts 10000``.

1. Timing: the same N distinct texts scored for sentiment by the local engine and by the Ray
   engine with ``--workers`` actors (a Ray started on this machine), each in its own process:
   seconds, texts/s, the ratio ray/local, the Ray path's own overhead (export + load seconds,
   and Ray start-up) and each driver's peak memory (ru_maxrss).
2. Driver memory: the Ray path with the model replaced by a constant (``StubSentimentWorker``)
   on ``--memory-sizes`` texts: the driver's peak memory should not grow with the corpus
   (texts stream from DuckDB into shards, results stream back shard by shard).

The sentiment model is a randomly initialised 2-layer, 32-wide BERT with MiniLM's tokenizer
(the tests' tiny model, built here in seconds; ``--model`` takes a real one): the figures
measure the engines' own costs far more than a model's. Writes (merges into)
benchmarks/results/bench_scale.json: timing per --texts, driver memory per size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results" / "bench_scale.json"
WORDS = ["lid", "leaks", "great", "service", "bottle", "blue", "refund", "late", "love", "cold"]


def make_corpus(db: Path, n: int) -> None:
    """``n`` distinct synthetic posts, written with one SQL statement."""
    from loaders import store
    from loaders.config import Settings

    words = "[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
    text = (
        f"'The ' || {words}[1 + i % 10] || ' is ' || {words}[1 + (i // 10) % 10] || ' and ' || "
        f"{words}[1 + (i // 100) % 10] || ', order ' || i"
    )
    with store.session(settings=Settings(db=db)) as con:
        insert = f"""
            INSERT INTO documents (doc_id, kind, source, brand, created_at, text, text_hash,
                                   ingest_run_id)
            SELECT 'd' || i, 'social', 'x', 'Glacio',
                   TIMESTAMPTZ '2026-11-01 00:00:00+00' + to_minutes(i % 40000),
                   {text}, md5({text}), 1
            FROM range(?) t(i)
        """  # noqa: S608 - fixed fragments, the size is a parameter
        con.execute(insert, [n])


def tiny_model(folder: Path) -> Path:
    """The tests' tiny sentiment model: a random 2-layer BERT head over MiniLM's tokenizer."""
    import torch
    from transformers import AutoTokenizer, BertConfig

    from analysis.sentiment.model import default_backbone, new_classifier, save_classifier

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(default_backbone())
    base = folder.parent / "tiny-base"
    from transformers import BertModel

    BertModel(
        BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            max_position_embeddings=64,
        )
    ).save_pretrained(base)
    tokenizer.save_pretrained(base)
    tokenizer, net = new_classifier(str(base))
    save_classifier(net, tokenizer, folder, {"version": "bench-tiny", "base": str(base)})
    return folder


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def phase_local(db: Path, model: str, workdir: Path) -> dict:
    from analysis.sentiment.scoring_run import analyze
    from loaders.config import Settings

    settings = Settings(db=db, model_dir=workdir / "models", sentiment_model=model)
    started = time.monotonic()
    result = analyze(settings)
    return {"seconds": time.monotonic() - started, "texts": result.unique_texts}


def phase_ray(db: Path, model: str, workdir: Path, workers: int) -> dict:
    from analysis.scale.engine import analyze_ray
    from loaders.config import Settings

    settings = Settings(
        db=db,
        model_dir=workdir / "models",
        sentiment_model=model,
        engine="ray",
        ray_workers=workers,
    )
    started = time.monotonic()
    result = analyze_ray(settings, topics=False)
    run = result.ray
    return {
        "seconds": time.monotonic() - started,
        "texts": run.texts,
        "shards": run.shards,
        "export_seconds": run.export_seconds,
        "load_seconds": run.load_seconds,
        "ray_pipeline_seconds": run.ray_seconds,
        "actors": len(run.pids),
    }


def phase_memory(db: Path, workdir: Path, workers: int) -> dict:
    """The Ray path with the constant model: the driver's own memory."""
    from analysis.scale.cluster import connected
    from analysis.scale.engine import RayRun, _score, sentiment_task
    from analysis.sentiment.scoring_run import AnalysisResult
    from loaders.config import Settings

    settings = Settings(db=db, model_dir=workdir / "models", engine="ray", ray_workers=workers)
    record = SimpleNamespace(version="stub-constant", source="", label_map=None)
    result, run = AnalysisResult(model_version=record.version), RayRun()
    started = time.monotonic()
    with connected(settings) as ray:
        task = sentiment_task(settings, record, stub=True)
        _score(lambda: ray, settings, record, result, run, None, task=task)
    return {"seconds": time.monotonic() - started, "texts": run.texts, "scored": result.scored}


def run_phase(args: list[str]) -> dict:
    """One phase in a fresh interpreter, so that its peak memory is its own."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONPATH=str(REPO))
    out = subprocess.run(
        [sys.executable, __file__, "--phase", *args], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", help="sentiment model folder (default: a tiny random one)")
    parser.add_argument("--memory-sizes", default="100000,1000000", help="'' skips the check")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        kind, db, workdir, *rest = args.phase
        if kind == "local":
            figures = phase_local(Path(db), rest[0], Path(workdir))
        elif kind == "ray":
            figures = phase_ray(Path(db), rest[0], Path(workdir), int(rest[1]))
        else:
            figures = phase_memory(Path(db), Path(workdir), int(rest[0]))
        print(json.dumps(figures | {"peak_driver_mb": round(peak_mb(), 1)}))
        return

    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        model = args.model or str(tiny_model(work / "tiny-model"))
        for name in ("local", "ray"):
            make_corpus(work / f"{name}.duckdb", args.texts)
        local = run_phase(["local", str(work / "local.duckdb"), str(work), model])
        ray = run_phase(["ray", str(work / "ray.duckdb"), str(work), model, str(args.workers)])
        for figures in (local, ray):
            figures["texts_per_s"] = round(figures["texts"] / figures["seconds"], 1)
        report = {
            "texts": args.texts,
            "workers": args.workers,
            "model": args.model or "tiny random 2-layer BERT (tests' tiny model)",
            "cpus": os.cpu_count(),
            "local": local,
            "ray": ray,
            "ratio_ray_over_local_seconds": round(ray["seconds"] / local["seconds"], 2),
            "ray_overhead_export_plus_load_seconds": round(
                ray["export_seconds"] + ray["load_seconds"], 2
            ),
            "ray_startup_and_model_seconds": round(
                ray["seconds"]
                - ray["export_seconds"]
                - ray["load_seconds"]
                - ray["ray_pipeline_seconds"],
                2,
            ),
            "driver_memory": {},
        }
        for size in filter(None, args.memory_sizes.split(",")):
            db = work / f"memory-{size}.duckdb"
            make_corpus(db, int(size))
            report["driver_memory"][size] = run_phase(
                ["memory", str(db), str(work), str(args.workers)]
            )
            db.unlink()
    # Runs at several sizes share the file: each size's timing and memory figures are kept.
    saved = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    memory = {**saved.get("driver_memory", {}), **report.pop("driver_memory")}
    timing = {**saved.get("timing", {}), str(args.texts): report}
    report = {"timing": timing, "driver_memory": memory}
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
