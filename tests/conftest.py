from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from analysis.report.pdf import find_browser
from loaders import store
from loaders.config import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE = REPO / "sample_data"

needs_shared = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="../shared/data is absent (a fresh clone has no shared data)"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "test.duckdb", lock_timeout_s=30, model_dir=tmp_path / "models")


@pytest.fixture
def db(settings: Settings) -> Path:
    return settings.db


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler for a test's local endpoint: logs nothing, answers in one call."""

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def reply(self, status: int, body: bytes, content_type: str | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """``handler`` served from a thread on a free port of 127.0.0.1: yields 'host:port'."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def served(handler: type[BaseHTTPRequestHandler]) -> Any:
    """A module-scoped fixture serving ``handler`` (see local_server): its value is 'host:port'."""

    @pytest.fixture(scope="module")
    def address() -> Iterator[str]:
        with local_server(handler) as found:
            yield found

    return address


def scalar(db: Path, sql: str, params: list | None = None):
    with store.session(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()[0][0]


def insert_documents(con, documents: list[tuple]) -> None:
    """Insert (doc_id, kind, source, brand, created_at, text) rows straight into documents."""
    import pandas as pd

    frame = pd.DataFrame(
        [(*row, row[5], 1) for row in documents],
        columns=["doc_id", "kind", "source", "brand", "created_at", "text", "text_hash", "run"],
    )
    con.register("new_documents", frame)
    con.execute(
        "INSERT INTO documents (doc_id, kind, source, brand, created_at, text, text_hash, "
        "ingest_run_id) SELECT * FROM new_documents"
    )
    con.unregister("new_documents")


def insert_labels(con, labels: dict[str, str]) -> None:
    """An active model 'm' whose sentiment label of each document is ``labels[doc_id]``."""
    con.execute("INSERT INTO models VALUES ('m', 'test', 'test', NULL, NULL, NULL, now(), true)")
    con.executemany(
        "INSERT INTO sentiment VALUES (?, 'm', ?, 0, 0, 0, 0, 'en', NULL, now())",
        list(labels.items()),
    )


def score_with_ground_truth(settings: Settings) -> None:
    """Give the ingested sample data its intended sentiment (ground_truth.csv) as the
    active model's labels: tests of insight then check the statistics, not a model."""
    from loaders import demo_data as sample

    truth = str(SAMPLE / sample.TRUTH_FILE)
    with store.session(settings=settings) as con:
        con.execute(
            "INSERT INTO models VALUES ('ground-truth', 'test', ?, NULL, NULL, NULL, now(), true)",
            [truth],
        )
        con.execute(
            """
            INSERT INTO sentiment
            SELECT d.doc_id, 'ground-truth', g.sentiment, 0, 0, 0,
                   CASE g.sentiment WHEN 'positive' THEN 1 WHEN 'negative' THEN -1 ELSE 0 END,
                   g.language, NULL, now()
            FROM documents d JOIN read_csv(?) g ON g.doc_id = d.external_id
            """,
            [truth],
        )


def rows(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with store.session(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# A dozen labeled examples: enough for a tiny model to run a few training steps.
TINY_EXAMPLES = [
    ("I love this bottle, it is perfect", "positive"),
    ("Great service and friendly staff", "positive"),
    ("Absolutely wonderful, highly recommend", "positive"),
    ("Best purchase this year", "positive"),
    ("The lid leaks and it broke in a week", "negative"),
    ("Terrible support, never again", "negative"),
    ("Awful quality, total waste of money", "negative"),
    ("I hate it, returning it today", "negative"),
    ("The store opens at 9 on Saturday", "neutral"),
    ("Does it come in blue?", "neutral"),
    ("Ordered the medium size yesterday", "neutral"),
    ("The update ships next week", "neutral"),
]


@pytest.fixture(autouse=True)
def _models_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never write models into the user's cache folder, nor read a sentiment_model setting."""
    monkeypatch.setenv("BRANDPULSE_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "models"))
    monkeypatch.delenv("BRANDPULSE_SENTIMENT_MODEL", raising=False)


TINY_SIZES = {
    "hidden_size": 32,
    "intermediate_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
}


def save_tiny_model(
    folder: Path, tokenizer: Any, config_class: Any, model_class: Any, **config: Any
) -> Path:
    """A randomly initialised (seed 0) 2-layer, 32-wide ``model_class`` saved with ``tokenizer``
    in ``folder``: it loads and runs in seconds. ``config`` adds to or overrides the sizes."""
    import torch

    torch.manual_seed(0)
    model = model_class(config_class(vocab_size=tokenizer.vocab_size, **TINY_SIZES | config))
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer BERT with MiniLM's tokenizer: a base that trains in seconds."""
    from transformers import AutoTokenizer, BertConfig, BertModel

    from analysis.sentiment.model import default_backbone

    tokenizer = AutoTokenizer.from_pretrained(default_backbone())
    folder = tmp_path_factory.mktemp("tiny-base")
    return save_tiny_model(folder, tokenizer, BertConfig, BertModel, max_position_embeddings=64)


@pytest.fixture(scope="session")
def tiny_model(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Brandpulse model directory fine-tuned from ``tiny_base`` for a few steps."""
    from analysis.sentiment.model import save_classifier
    from analysis.sentiment.training import Example, TrainingConfig, fine_tune

    examples = [Example(text, label) for text, label in TINY_EXAMPLES]
    net, tokenizer, _ = fine_tune(
        examples, str(tiny_base), TrainingConfig(max_steps=8, batch_size=4, learning_rate=1e-3)
    )
    folder = tmp_path_factory.mktemp("tiny-model")
    save_classifier(net, tokenizer, folder, {"version": "tiny", "base": str(tiny_base)})
    return folder


@pytest.fixture(scope="session")
def demo_run(
    tmp_path_factory: pytest.TempPathFactory, tiny_model: Path, tiny_base: Path
) -> tuple[Path, str]:
    """`brandpulse demo --no-serve` on the sample data, once per session: (database, output).

    Sentiment comes from ``tiny_model`` and topic embeddings from ``tiny_base``, so the whole
    pipeline runs in seconds; the real models have their own (slow) tests. Read-only users.
    """
    from click.testing import CliRunner

    from dashboard.cli import cli

    db = tmp_path_factory.mktemp("demo") / "sample.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BRANDPULSE_MODEL_DIR", str(tmp_path_factory.getbasetemp() / "models"))
        patch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
        patch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
        result = CliRunner().invoke(cli, ["demo", "--db", str(db), "--no-serve"])
    assert result.exit_code == 0, result.output
    return db, result.output


# The PDF report's pages, read back with poppler as a reader would see them.
needs_renderer = pytest.mark.skipif(
    not (find_browser() and shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="needs Chromium and poppler-utils (`.ci/run` and `python3 make.py test` install them)",
)


def pdf_page_images(pdf: Path, folder: Path) -> list[tuple[int, int, bytes]]:
    """Each page as (width, height, RGB bytes), rendered by pdftoppm at 30 dpi."""
    subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(folder / "page")], check=True)
    pages = []
    for image in sorted(folder.glob("page-*.ppm")):
        data = image.read_bytes()
        header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)  # binary RGB, 8 bits
        assert header, data[:20]
        pages.append((int(header[1]), int(header[2]), data[header.end() :]))
    return pages


def pixels_like(pixels: bytes, color: str, tolerance: int = 8) -> int:
    """How many RGB pixels are within ``tolerance`` of ``color`` ('#rrggbb') per channel."""
    target = bytes.fromhex(color.lstrip("#"))
    return sum(
        all(abs(pixels[i + c] - target[c]) <= tolerance for c in range(3))
        for i in range(0, len(pixels) - 2, 3)
    )


def pdf_page_text(pdf: Path, page: int) -> str:
    """The text of one page (1-based), as pdftotext extracts it."""
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
