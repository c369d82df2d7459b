"""The dashboard's long actions show staged progress: the bar's text names the work, the
stage and the share done (issue #21)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from loaders import store


def draw_bars() -> None:
    from dashboard import ui

    ui.StageProgress("Analysis")("scoring sentiment", 4_000, 10_000)
    ui.StageProgress("Analysis")("clustering (HDBSCAN)", 0, 1)
    ui.StageProgress("Analysis")("saving topics", 1, 1)
    ui.StageProgress("Ingesting posts.csv").fraction("checking", 0.55)


def test_bars_name_the_stage_and_the_share_done():
    app = AppTest.from_function(draw_bars, default_timeout=60).run()
    assert not app.exception
    bars = [(bar.proto.value, bar.proto.text) for bar in app.get("progress")]
    assert bars == [
        (40, "Analysis: scoring sentiment, 40% (4,000 of 10,000)"),
        (0, "Analysis: clustering (HDBSCAN) ..."),
        (100, "Analysis: saving topics, done"),
        (55, "Ingesting posts.csv: checking, 55%"),
    ]


class Recorder:
    """Stands in for the st.progress element: keeps each (value, text) it is given."""

    def __init__(self) -> None:
        self.shown: list[tuple[float, str]] = []

    def progress(self, value: float, text: str) -> None:
        self.shown.append((value, text))


def test_a_real_analysis_reports_each_stage(settings, tiny_model, monkeypatch):
    from analysis.jobs.analysis_pass import analyze_all
    from dashboard.ui import StageProgress
    from loaders.config import Settings
    from tests.conftest import insert_documents

    with store.session(settings=settings) as con:
        insert_documents(
            con,
            [
                (f"d{i}", "review", "shop", "Tidewell", "2025-10-06", f"the lid leaks {i}")
                for i in range(5)
            ],
        )
    chosen = Settings(
        db=settings.db,
        model_dir=settings.model_dir,
        sentiment_model=str(tiny_model),
        sentiment_batch_size=2,
    )
    bar = StageProgress("Analysis")  # outside a Streamlit run the element draws nothing
    bar.bar = Recorder()
    analyze_all(chosen, topics=False, progress=bar)
    texts = [text for _, text in bar.bar.shown]
    assert texts[0] == "Analysis: loading the sentiment model ..."
    # Five texts in batches of two.
    assert texts[1:] == [
        "Analysis: scoring sentiment, 40% (2 of 5)",
        "Analysis: scoring sentiment, 80% (4 of 5)",
        "Analysis: scoring sentiment, 100% (5 of 5)",
        "Analysis: scoring sentiment, 100% (5 of 5)",
    ]
