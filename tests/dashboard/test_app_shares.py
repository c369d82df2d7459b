"""Corrected shares on the Overview, the Sentiment page and the report equal the function's output."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from analysis.filters import Filters
from analysis.periods import default_period
from analysis.report.content import weekly_report
from analysis.report.markdown import render_markdown
from analysis.sentiment.shares import sentiment_shares, shares_summary
from loaders import store
from tests.conftest import SAMPLE
from tests.dashboard.test_app import metric, open_page, whole_range


@pytest.fixture
def writable_db(demo_run, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_run[0], copy)
    return copy


@pytest.fixture
def labelled_db(writable_db):
    """The sample database with every third post's intended sentiment imported as a human label."""
    with store.session(writable_db) as con:
        con.execute(
            """
            INSERT INTO labels (doc_id, label, labeled_at, note, origin)
            SELECT d.doc_id, g.sentiment, now(), 'ground truth', 'import'
            FROM documents d JOIN read_csv(?) g ON g.doc_id = d.external_id
            WHERE hash(d.doc_id) % 3 = 0
            """,
            [str(SAMPLE / "ground_truth.csv")],
        )
    return writable_db


def test_corrected_shares_on_the_pages_equal_the_function(monkeypatch, labelled_db):
    with store.session(labelled_db, read_only=True) as con:
        everything = sentiment_shares(con, Filters(), min_labels=100)
        period = default_period(con)
        in_period = sentiment_shares(
            con, replace(Filters(), start=period.start, end=period.end), min_labels=100
        )
    assert everything.corrected and everything.n_labels > 100

    overview = open_page(monkeypatch, labelled_db)
    assert metric(overview, "% negative, corrected") == f"{in_period.corrected['negative'][0]:.1%}"
    assert metric(overview, "Net sentiment, corrected") == f"{in_period.corrected_net[0]:+.2f}"
    assert shares_summary(in_period) in [c.value for c in overview.caption]

    # One period, one place: the Sentiment page opens on the Overview's period.
    page = open_page(monkeypatch, labelled_db, "sentiment")
    assert shares_summary(in_period) in [c.value for c in page.caption]
    page = open_page(monkeypatch, labelled_db, "sentiment", whole_range(labelled_db))
    assert shares_summary(everything) in [c.value for c in page.caption]


def test_report_states_the_corrected_shares(labelled_db):
    with store.session(labelled_db, read_only=True) as con:
        report = weekly_report(con)
        week = replace(Filters(), start=report.period.start, end=report.period.end)
        expected = sentiment_shares(con, week, min_labels=100)
    assert report.shares == expected
    assert shares_summary(expected) in render_markdown(report)


def test_without_fair_labels_the_pages_say_how_many_to_label(monkeypatch, writable_db):
    page = open_page(monkeypatch, writable_db, "sentiment")
    note = next(c.value for c in page.caption if "not corrected" in c.value)
    assert "Label 100 more posts from the random queue" in note


@pytest.mark.slow
def test_labeling_page_adapts_the_model_to_the_users_posts(monkeypatch, labelled_db, tiny_model):
    from analysis.sentiment import adaptation

    monkeypatch.setattr(adaptation, "start_model", lambda settings, progress=None: tiny_model)
    app = open_page(monkeypatch, labelled_db, "labeling")
    adapt = next(b for b in app.button if b.label == "Adapt to my posts")
    assert not adapt.disabled
    adapt.click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    with store.session(labelled_db, read_only=True) as con:
        adapted = con.execute(
            "SELECT version FROM models WHERE version LIKE 'adapted-%'"
        ).fetchall()
        trained = con.execute("SELECT count(*) FROM model_training_docs").fetchall()[0][0]
    assert len(adapted) == 1 and trained > 30
    # The page says how it compared, and the new version is measured on the labels it held out.
    flash = [m.value for m in app.success]
    assert any(adapted[0][0] in m and "on your held-out labels against" in m for m in flash), flash
