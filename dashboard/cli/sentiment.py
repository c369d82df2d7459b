"""Sentiment commands: ``analyze`` (score and assign topics), ``train`` a model, ``models``
(list, use, add) and ``labels`` (human corrections, the queue to label first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from dashboard.cli.common import db_option, format_table, open_store, settings_for
from dashboard.cli.progress import Reporter, run_analysis


@click.command()
@db_option()
@click.option(
    "--quantize/--no-quantize", default=None, help="int8 dynamic quantization (faster on CPU)."
)
@click.option("--batch-size", type=int, help="Texts per batch (default 64).")
@click.option(
    "--refit-topics", is_flag=True, help="Fit a new topic model instead of assigning new documents."
)
@click.option("--no-topics", is_flag=True, help="Only score sentiment.")
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    help="Score and embed here (local) or on a Ray cluster (ray); default: the engine setting.",
)
@click.option("--address", help="Ray head address for --engine ray (default: a local Ray).")
@click.option("--workers", type=int, help="Ray actors for --engine ray (default 2).")
@click.option("--gpus-per-worker", type=float, help="GPUs per Ray actor (default 0).")
def analyze(
    db: Path | None,
    quantize: bool | None,
    batch_size: int | None,
    refit_topics: bool,
    no_topics: bool,
    engine: str | None,
    address: str | None,
    workers: int | None,
    gpus_per_worker: float | None,
) -> None:
    """Score sentiment and assign topics for documents not analyzed yet.

    The first run fits the topic model; later runs give new documents the nearest
    current topic without refitting, until --refit-topics.
    """
    settings = settings_for(
        db,
        sentiment_quantize=quantize,
        sentiment_batch_size=batch_size,
        engine=engine,
        ray_address=address,
        ray_workers=workers,
        ray_gpus_per_worker=gpus_per_worker,
    )
    run_analysis(settings, refit_topics=refit_topics, topics=not no_topics)


@click.command()
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Labeled CSV/TSV/Parquet/JSON Lines file; repeat to mix files.",
)
@click.option(
    "--adapt",
    is_flag=True,
    help="Adapt the default model to this database (your labels, ratings, posts); no --data.",
)
@click.option(
    "--activate/--no-activate",
    default=None,
    help="With --adapt: activate regardless of / never (default: only if it beats the model in use).",
)
@click.option("--text-col", help="Text column (default: text, review, content, ...).")
@click.option(
    "--label-col", help="Label column (default: label, sentiment, ...; or the rating column)."
)
@click.option(
    "--label-from-rating",
    is_flag=True,
    help="Labels from 1-5 stars: 1-2 negative, 3 neutral, 4-5 positive.",
)
@click.option(
    "--base", help="Encoder to fine-tune: Hugging Face id or folder (default all-MiniLM-L6-v2)."
)
@click.option("--epochs", type=float, default=3.0, show_default=True)
@click.option("--batch-size", type=int, default=32, show_default=True)
@click.option("--learning-rate", type=float, default=8e-5, show_default=True)
@click.option("--max-steps", type=int, help="Stop after this many steps (quick trials).")
@click.option(
    "--sample",
    "sample_rows",
    type=int,
    help="Use at most this many rows of each --data file (seeded, per label).",
)
@click.option(
    "--eval",
    "eval_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Labeled file to evaluate on; repeatable (default: 10% held out).",
)
@click.option(
    "--include-corrections", is_flag=True, help="Add the human corrections from the database."
)
@click.option("--version", "version_name", help="Version name (default trained-<UTC time>).")
@click.option(
    "--use/--no-use", default=True, show_default=True, help="Make the new model the active one."
)
@db_option()
@click.pass_context
def train(
    ctx: click.Context,
    data_files: tuple[Path, ...],
    adapt: bool,
    activate: bool | None,
    text_col: str | None,
    label_col: str | None,
    label_from_rating: bool,
    base: str | None,
    epochs: float,
    batch_size: int,
    learning_rate: float,
    max_steps: int | None,
    sample_rows: int | None,
    eval_files: tuple[Path, ...],
    include_corrections: bool,
    version_name: str | None,
    use: bool,
    db: Path | None,
) -> None:
    """Fine-tune a sentiment model on labeled data and register it.

    With --adapt, continue training the offline default on this database's own labels,
    star ratings and posts; it becomes active only if it beats the model in use on your
    held-out labels (unless --activate or --no-activate says otherwise).
    """
    from analysis.sentiment.trainer import train_and_register
    from analysis.sentiment.training import TrainingConfig, read_labeled_file, sample_examples

    settings = settings_for(db)
    if adapt:
        _adapt(ctx, settings, activate)
        return
    if not data_files:
        raise click.UsageError("Pass --data FILE (labeled data), or --adapt.")
    options = {"text_col": text_col, "label_col": label_col, "label_from_rating": label_from_rating}
    data = [read_labeled_file(path, **options) for path in data_files]
    if sample_rows:
        for d in data:
            d.examples = sample_examples(d.examples, sample_rows)
    evals = {path.name: read_labeled_file(path, text_col=text_col).examples for path in eval_files}
    for d in data:
        kind = "two-class" if d.examples[0].two_class else "three-class"
        click.echo(f"{Path(d.source).name}: {len(d.examples):,} {kind} examples")
        for reason, count in d.skipped.items():
            click.echo(f"note: {Path(d.source).name}: {count:,} rows not used ({reason})")
    config = TrainingConfig(
        epochs=epochs, batch_size=batch_size, learning_rate=learning_rate, max_steps=max_steps
    )
    with Reporter() as bars:
        trained = train_and_register(
            settings,
            data,
            base=base,
            config=config,
            eval_sets=evals,
            include_corrections=include_corrections,
            activate=use,
            version=version_name,
            progress=bars,
        )
    click.echo(
        f"Model {trained.version} written to {trained.path} ({trained.log['steps']} steps, {trained.log['seconds']:.0f}s)"
    )
    for name, m in trained.metrics.items():
        click.echo(
            f"  {name}: accuracy {m['accuracy']:.3f}, macro recall {m['macro_recall']:.3f}, macro F1 {m['macro_f1']:.3f} (n={m['n']:,})"
        )
    if use:
        click.echo(
            "It is now the active model; `brandpulse analyze` re-scores the documents with it."
        )


def _adapt(ctx: click.Context, settings: Any, activate: bool | None) -> None:
    """`train --adapt`: adapt, then one line on the comparison and one on the outcome."""
    from dataclasses import replace

    from analysis.sentiment.adaptation import ADAPT_CONFIG, adapt_model

    if ctx.params["data_files"]:
        raise click.UsageError("--adapt trains on the database; leave out --data.")
    # Adaptation has its own defaults; only the training options typed on the command line count.
    overrides = {
        name: ctx.params[name]
        for name in ("epochs", "batch_size", "learning_rate", "max_steps")
        if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
    }
    with Reporter() as bars:
        adapted = adapt_model(
            settings, activate=activate, config=replace(ADAPT_CONFIG, **overrides), progress=bars
        )
    new, old = adapted.new, adapted.baseline
    counts = ", ".join(f"{n:,} {name}" for name, n in adapted.counts.items())
    click.echo(
        f"Model {adapted.version} ({counts}): on your held-out labels macro recall "
        f"{new.macro_recall:.3f}, accuracy {new.accuracy:.3f}; {adapted.baseline_version}: "
        f"{old.macro_recall:.3f}, {old.accuracy:.3f} (n={new.n})."
    )
    click.echo(
        adapted.reason
        + (" `brandpulse analyze` re-scores the documents with it." if adapted.activated else "")
    )


@click.group()
def models() -> None:
    """List, add and switch sentiment models."""


@models.command("list")
@db_option()
def models_list(db: Path | None) -> None:
    """Registered sentiment models; * marks the active one."""
    from analysis.sentiment import registry
    from analysis.sentiment.evaluation import quotable_evaluations

    with open_store(db, read_only=True) as con:
        found = registry.list_models(con)
        quoted = quotable_evaluations(con)
    on_yours = {v: e for v, (e, _) in quoted.items()}
    if not found:
        click.echo(
            "No models yet: `brandpulse analyze` builds the offline default, `brandpulse train` adds one."
        )
        return

    def yours(version: str) -> str:
        e = on_yours.get(version)
        if e is None:
            return "-"
        low, high = e.macro_recall_interval
        return (
            f"macro recall {e.macro_recall:.3f} ({low:.2f}-{high:.2f}), accuracy "
            f"{e.accuracy:.3f} ({e.accuracy_interval[0]:.2f}-{e.accuracy_interval[1]:.2f}), n={e.n:,}"
        )

    def stored(metrics: dict[str, Any]) -> str:
        return "; ".join(
            f"{name[:24]}: macro recall {m['macro_recall']:.3f}" for name, m in metrics.items()
        )

    rows = [
        (
            "*" if m.active else "",
            m.version,
            m.kind,
            m.created_at,
            m.scored,
            yours(m.version),
            stored(m.metrics),
        )
        for m in found
    ]
    click.echo(
        format_table(
            (
                "",
                "version",
                "kind",
                "created",
                "scored",
                "on your labels (95% interval; random and imported ones from 30)",
                "own evaluation",
            ),
            rows,
        )
    )
    active = next((m for m in found if m.active), None)
    if active and active.version in on_yours:
        e = on_yours[active.version]
        click.echo(
            f"Active model {active.version} on {quoted[active.version][1]}, {e.n:,} posts "
            "(rows: yours, columns: model):"
        )
        click.echo(
            format_table(
                ("", "negative", "neutral", "positive"),
                [
                    (f"you: {label}", *row)
                    for label, row in zip(
                        ("negative", "neutral", "positive"), e.confusion, strict=True
                    )
                ],
            )
        )
    if not on_yours:
        click.echo(
            "No labels of yours yet: `brandpulse labels queue --random` and `labels add --random`, "
            "or ingest with --map label=COLUMN, to measure the models on your posts."
        )
    click.echo(
        "'own evaluation' is each model's figure on its own held-out training data, not yours."
    )


@models.command("use")
@click.argument("version")
@db_option()
def models_use(version: str, db: Path | None) -> None:
    """Make VERSION the active model (the next `analyze` scores with it)."""
    from analysis.sentiment import registry

    with open_store(db) as con:
        record = registry.use(con, version)
    click.echo(
        f"Active model: {record.version}. Run `brandpulse analyze` to score documents with it."
    )


@models.command("add")
@click.argument("source")
@click.option(
    "--label-map",
    help="Class names to ours, e.g. LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive.",
)
@click.option("--use/--no-use", default=False, show_default=True)
@db_option()
def models_add(source: str, label_map: str | None, use: bool, db: Path | None) -> None:
    """Register a ready classifier: Hugging Face id or folder (checked by loading it)."""
    from analysis.sentiment import registry
    from analysis.sentiment.labels import parse_label_map
    from analysis.sentiment.model import load_model

    mapping = parse_label_map(label_map)
    loaded = load_model(source, label_map=mapping)
    version = registry.hub_version(source)
    with open_store(db) as con:
        registry.register(
            con,
            version=version,
            kind=loaded.kind,
            source=source,
            label_map=mapping or None,
            activate=use,
        )
    click.echo(
        f"Registered {version} (outputs: {', '.join(loaded.output_labels)})"
        + (" and made it active" if use else "")
    )


@click.group()
def labels() -> None:
    """Human corrections of sentiment labels."""


@labels.command("add")
@click.argument("doc_id")
@click.argument("label", type=click.Choice(["negative", "neutral", "positive"]))
@click.option("--note")
@click.option(
    "--random",
    "at_random",
    is_flag=True,
    help="DOC_ID came from `labels queue --random`: the label is part of the fair sample.",
)
@db_option()
def labels_add(doc_id: str, label: str, note: str | None, at_random: bool, db: Path | None) -> None:
    """Correct DOC_ID's sentiment; the human label wins in every aggregate."""
    from analysis.sentiment.corrections import add_correction

    add_correction(
        settings_for(db), doc_id, label, note, origin="random" if at_random else "correction"
    )
    click.echo(f"{doc_id} is now {label}")


@labels.command("queue")
@click.option("-n", "limit", default=20, show_default=True)
@click.option(
    "--random",
    "at_random",
    is_flag=True,
    help="A random sample instead of the least certain: the labels that make corrected "
    "shares and accuracy fair (label them with `labels add --random`).",
)
@db_option()
def labels_queue(limit: int, at_random: bool, db: Path | None) -> None:
    """The documents to label next: those the active model is least sure about, or a random sample."""
    from analysis.sentiment.corrections import least_certain, random_sample

    with open_store(db, read_only=True) as con:
        queue = (random_sample if at_random else least_certain)(con, limit)
    rows = [(d.doc_id, d.label, f"{d.margin:.2f}", d.text[:70].replace("\n", " ")) for d in queue]
    click.echo(
        format_table(("doc_id", "model says", "margin", "text"), rows)
        if rows
        else "Nothing to label: score documents first."
    )


@click.group("sentiment")
def sentiment_group() -> None:
    """Sentiment figures of the scored documents."""


@sentiment_group.command("shares")
@click.option("--brand")
@click.option("--kind", type=click.Choice(["review", "social"]))
@click.option("--source")
@click.option("--channel")
@click.option("--product")
@click.option("--campaign")
@click.option("--language", help="ISO code, e.g. en.")
@click.option("--topic", type=int, help="A topic number of the current topic model.")
@click.option("--theme", type=int, help="A theme number of the current topic model.")
@click.option("--start", help="First day, YYYY-MM-DD.")
@click.option("--end", help="Last day, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, shares as fractions.")
@db_option()
def sentiment_shares_command(
    as_json: bool, db: Path | None, start: str | None, end: str | None, **filters: Any
) -> None:
    """Negative/neutral/positive shares as counted, and corrected for the model's bias."""
    import json
    from datetime import date

    from analysis.filters import Filters
    from analysis.sentiment.shares import sentiment_shares
    from loaders.errors import BrandpulseError, explain

    try:
        days = {
            k: date.fromisoformat(v) if v else None for k, v in (("start", start), ("end", end))
        }
    except ValueError as error:
        raise BrandpulseError(
            explain("A date is not valid", expected="YYYY-MM-DD", found=str(error))
        ) from None
    settings = settings_for(db)
    with open_store(settings, read_only=True) as con:
        shares = sentiment_shares(
            con, Filters(**days, **filters), min_labels=settings.corrected_shares_min_labels
        )
    if as_json:
        click.echo(json.dumps(shares.as_json()))
        return
    click.echo(describe_shares(shares))


def describe_shares(shares: Any) -> str:
    """The shares as a small table and a line on how far to trust them."""
    if not shares.n_documents:
        return "No scored documents match these filters."
    rows = []
    for label in ("negative", "neutral", "positive"):
        fixed = shares.corrected[label] if shares.corrected else None
        rows.append(
            (
                label,
                f"{shares.raw[label]:.1%}",
                f"{fixed[0]:.1%} ({fixed[1]:.1%} to {fixed[2]:.1%})" if fixed else "-",
            )
        )
    net = shares.corrected_net
    rows.append(
        (
            "net sentiment",
            f"{shares.raw_net:+.2f}",
            f"{net[0]:+.2f} ({net[1]:+.2f} to {net[2]:+.2f})" if net else "-",
        )
    )
    table = format_table(("", "as counted", "corrected (95% interval)"), rows)
    if shares.corrected:
        note = f"{shares.n_documents:,} documents; corrected by {shares.method}."
    else:
        from analysis.sentiment.shares import shares_summary

        note = f"{shares.n_documents:,} documents. " + shares_summary(shares)
    return table + "\n" + note
