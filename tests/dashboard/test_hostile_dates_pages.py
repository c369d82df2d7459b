"""Every dashboard page on a database holding placeholder dates (year 1, 200000,
+-infinity, 9999-12-31, 2999): no exception, and the Overview stays on real data."""

from __future__ import annotations

import pytest

from loaders.config import Settings
from tests.analysis.insight.test_hostile_dates import give_analysis, hostile_database
from tests.dashboard.test_app import PAGES, open_page


@pytest.fixture
def analysed_hostile_db(tmp_path):
    settings = Settings(db=tmp_path / "hostile.duckdb", lock_timeout_s=30)
    hostile_database(settings)
    give_analysis(settings)
    return settings.db


@pytest.mark.slow
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_survives_placeholder_dates(monkeypatch, analysed_hostile_db, page):
    app = open_page(monkeypatch, analysed_hostile_db, page)  # asserts no exception or error
    if page == "overview":
        text = " ".join(str(e.value) for e in (*app.caption, *app.markdown, *app.subheader))
        assert "14 Oct 2025 to 20 Oct 2025, against the 7 days before" in text
        assert "9999" not in text, text[text.index("9999") - 200 :][:400]


@pytest.mark.slow
@pytest.mark.parametrize(
    "query", [{"to": "2025-10-10"}, {"from": "0001-01-01"}, {"from": "9998-12-25"}]
)
def test_date_filters_at_the_ends_of_the_calendar(monkeypatch, analysed_hostile_db, query):
    open_page(monkeypatch, analysed_hostile_db, "overview", query)
    open_page(monkeypatch, analysed_hostile_db, "sentiment", query)
