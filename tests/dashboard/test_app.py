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


EXPLORE = str(REPO / "dashboard" / "views" / "explore.py")


def run_explore(monkeypatch, db, sql: str | None = None) -> AppTest:
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    app = AppTest.from_file(EXPLORE, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    if sql is not None:
        app.text_area[0].set_value(sql)
        app.button[0].click()
        app.run()
        assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO documents (doc_id) VALUES ('x')", "only read-only queries can run here"),
        ("COPY documents TO '/tmp/out.csv'", "this is a COPY statement"),
        ("SELECT * FROM read_csv('/etc/passwd')", "files, URLs and other databases cannot be read"),
        ("ATTACH '/tmp/x.duckdb' AS x", "this is a ATTACH statement"),
    ],
)
def test_explore_refuses_writes_and_file_access(monkeypatch, sample_db, sql, message):
    app = run_explore(monkeypatch, sample_db, sql)
    assert message.lower() in app.error[0].value.lower()
    assert not app.dataframe


def test_explore_runs_a_query(monkeypatch, sample_db):
    app = run_explore(
        monkeypatch,
        sample_db,
        "SELECT kind, count(*) AS n FROM documents GROUP BY kind ORDER BY kind",
    )
    frame = app.dataframe[0].value
    assert list(frame["kind"]) == ["review", "social"]
    assert frame["n"].sum() == scalar(sample_db, "SELECT count(*) FROM documents")


def test_explore_on_empty_database(monkeypatch, tmp_path):
    app = run_explore(monkeypatch, tmp_path / "none.duckdb")
    assert "No data yet" in app.info[0].value
