from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO, scalar

APP = str(REPO / "dashboard" / "app.py")


@pytest.fixture
def sample_db(demo_run):
    return demo_run[0]


def run_app(monkeypatch, db) -> AppTest:
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_overview_on_sample_data(monkeypatch, sample_db):
    app = run_app(monkeypatch, sample_db)
    stored = scalar(sample_db, "SELECT count(*) FROM documents")
    assert app.metric[0].value == f"{stored:,}"
    assert [m.value for m in app.metric[1:]] == ["2025-08-25", "2025-12-14"]


def test_overview_on_empty_database(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb")
    assert "No data yet" in app.info[0].value
