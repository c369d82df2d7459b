"""The Overview under AppTest on the hand-built six weeks of test_trends (brands A and B):
my brand's first-run prompt and sidebar box, the brand rows, and one period in one place."""

from __future__ import annotations

from datetime import date

import pytest

from loaders.workspace import save_my_brand
from tests.analysis.topics.test_trends import build
from tests.conftest import scalar
from tests.dashboard.test_app import check, metric, open_page

STORED = "SELECT value FROM workspace WHERE key = 'my_brand'"


@pytest.fixture
def built(settings, monkeypatch):
    build(settings)
    monkeypatch.delenv("BRANDPULSE_MY_BRAND", raising=False)
    return settings


def captions(app, where=None) -> str:
    return " ".join(c.value for c in (where or app).caption)


def test_the_first_run_asks_which_brand_is_mine_and_stores_it(monkeypatch, built):
    app = open_page(monkeypatch, built.db)
    assert "My brand: not chosen yet" in captions(app, app.sidebar)
    prompt = next(s for s in app.selectbox if s.label == "Which brand is yours?")
    assert prompt.options == ["A", "B"]
    prompt.set_value("B")
    next(b for b in app.button if b.label == "Save").click()
    check(app.run())
    assert scalar(built.db, STORED) == "B"
    assert not [s for s in app.selectbox if s.label == "Which brand is yours?"]
    assert "My brand: B" in captions(app, app.sidebar)
    rows = app.dataframe[0].value
    assert list(rows["brand"]) == ["B", "A"] and list(rows["mine"]) == [True, False]


def test_a_stored_brand_comes_first_with_its_complaints(monkeypatch, built):
    save_my_brand(built, "A")
    app = open_page(monkeypatch, built.db)
    assert not [s for s in app.selectbox if s.label == "Which brand is yours?"]
    assert "My brand: A" in captions(app, app.sidebar)
    brands = app.dataframe[0].value
    assert list(brands["brand"]) == ["A", "B"]
    assert list(brands["documents"]) == [90, 50]
    assert brands["share_of_voice"].sum() == pytest.approx(1.0)
    assert "My brand's top complaints" in [s.value for s in app.subheader]
    complaints = app.dataframe[1].value
    assert list(complaints["topic"]) == ["lid leaks", "everyday talk"]
    assert list(complaints["negative posts"]) == [40, 10]
    # The sidebar box changes it.
    next(s for s in app.sidebar.selectbox if s.label == "Change my brand").set_value("B")
    check(app.run())
    assert scalar(built.db, STORED) == "B"
    assert list(app.dataframe[0].value["brand"]) == ["B", "A"]


def test_the_setting_names_my_brand_and_offers_no_change(monkeypatch, built):
    monkeypatch.setenv("BRANDPULSE_MY_BRAND", "B")
    app = open_page(monkeypatch, built.db)
    assert "My brand: B (from the my_brand setting)" in captions(app, app.sidebar)
    assert not [s for s in app.sidebar.selectbox if s.label == "Change my brand"]
    assert not [s for s in app.selectbox if s.label == "Which brand is yours?"]
    assert list(app.dataframe[0].value["brand"]) == ["B", "A"]


def test_the_sidebar_dates_are_the_period_the_figures_use(monkeypatch, built):
    app = open_page(monkeypatch, built.db)
    dates = next(d for d in app.sidebar.date_input if d.label == "Dates")
    assert dates.value == (date(2025, 10, 6), date(2025, 10, 12))  # the last 7 days with data
    assert "from" not in app.query_params and "to" not in app.query_params  # a short link
    assert metric(app, "Volume") == "140"
    assert "06 Oct 2025 to 12 Oct 2025" in captions(app)
    assert "compare against little" not in captions(app)
    dates.set_value((date(2025, 9, 29), date(2025, 10, 12)))
    check(app.run())
    assert metric(app, "Volume") == "242"  # 102 + 140
    assert (app.query_params["from"], app.query_params["to"]) == ("2025-09-29", "2025-10-12")


def test_a_thin_comparison_and_a_partial_week_are_flagged(monkeypatch, built):
    app = open_page(monkeypatch, built.db, query={"from": "2025-09-01", "to": "2025-09-07"})
    assert metric(app, "Volume") == "102"
    assert (
        "The week before (25 Aug to 31 Aug) has no data: the changes compare against little."
        in captions(app)
    )
    app = open_page(monkeypatch, built.db, query={"from": "2025-10-01", "to": "2025-10-08"})
    assert "Partial weeks are left out of the lines" in captions(app)
    assert "2025-W41 (3 of 7 days)" in captions(app)


def test_clear_filters_returns_to_the_default_period(monkeypatch, built):
    app = open_page(monkeypatch, built.db, query={"from": "2025-09-01", "brand": "A"})
    assert metric(app, "Volume") != "140"
    next(b for b in app.sidebar.button if b.label == "Clear filters").click()
    check(app.run())
    dates = next(d for d in app.sidebar.date_input if d.label == "Dates")
    assert dates.value == (date(2025, 10, 6), date(2025, 10, 12))
    assert dict(app.query_params) == {}
    assert metric(app, "Volume") == "140"
