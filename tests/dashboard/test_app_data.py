"""The Data page and the filter bar on the airline-tweets export (issue #21): the unmapped
brand is a warning with a column to use, a run can be undone or re-mapped, and the export's
own category columns filter the posts."""

from __future__ import annotations

import csv

from loaders.config import Settings
from loaders.ingest.files import ingest_file
from tests.conftest import rows, scalar
from tests.dashboard.test_app import button, check, open_page
from tests.loaders.ingest.airline_fixture import (
    LATE_FLIGHT_IDS,
    airline_rows,
    write_airline_csv,
)


def _renamed_csv() -> bytes:
    """The export with `airline` renamed to a header no preset knows."""
    renamed = [
        {("carrier_name" if k == "airline" else k): v for k, v in r.items()} for r in airline_rows()
    ]
    lines: list[str] = []

    class Sink:
        def write(self, text: str) -> None:
            lines.append(text)

    writer = csv.DictWriter(Sink(), fieldnames=list(renamed[0]))
    writer.writeheader()
    writer.writerows(renamed)
    return "".join(lines).encode()


def _brand_box(app):
    return next(s for s in app.selectbox if (s.key or "").endswith("-brand"))


def test_unmapped_brand_warns_and_the_suggested_column_can_be_picked(monkeypatch, tmp_path):
    db = tmp_path / "data.duckdb"
    app = open_page(monkeypatch, db, "data")
    app.file_uploader[0].upload("tweets.csv", _renamed_csv(), "text/csv")
    check(app.run())
    assert _brand_box(app).value == "(not in this file)"
    warning = next(w.value for w in app.warning if "brand" in w.value)
    assert "column 'carrier\\_name' looks like it names them (5 values" in warning
    button(app, "Use column 'carrier\\_name' as brand").click()
    check(app.run())
    assert _brand_box(app).value == "carrier_name"
    assert not [w for w in app.warning if "mapped to brand" in w.value]
    button(app, "Ingest").click()
    check(app.run())
    assert rows(db, "SELECT count(DISTINCT brand), count(*) FROM documents") == [(5, 12)]

    # Undo it, once the user confirms that corrections go too: the documents go, the run
    # stays in the history as undone.
    assert any(
        "human labels, your corrections of those posts included" in c.value for c in app.caption
    )
    assert button(app, "Undo this ingest run").disabled
    app.checkbox(key="undo_confirm_1").check()
    check(app.run())
    assert not button(app, "Undo this ingest run").disabled
    button(app, "Undo this ingest run").click()
    check(app.run())
    assert scalar(db, "SELECT count(*) FROM documents") == 0
    assert "Run 1 undone: 12 documents removed." in [s.value for s in app.success]
    history = app.dataframe[0].value
    assert list(history["status"]) == ["undone"] and list(history["stored"]) == [0]


def test_remap_a_run_whose_file_is_still_there(monkeypatch, tmp_path):
    db = tmp_path / "data.duckdb"
    path = write_airline_csv(tmp_path / "Tweets.csv")
    ingest_file(path, settings=Settings(db=db), columns={"brand": ""})
    app = open_page(monkeypatch, db, "data")
    assert next(s for s in app.selectbox if s.key == "remap_field").value == "brand"
    next(s for s in app.selectbox if s.key == "remap_column").set_value("airline")
    check(app.run())
    button(app, "Re-map and re-ingest").click()
    check(app.run())
    assert rows(db, "SELECT ingest_run_id, count(DISTINCT brand) FROM documents GROUP BY 1") == [
        (2, 5)
    ]
    history = app.dataframe[0].value
    assert list(history["status"]) == ["", "undone, re-mapped as run 2"]
    assert [s.value for s in app.success][-1:] == [
        "Run 2 replaces run 1: 12 documents ingested with brand = airline; kept 0 human labels "
        "and 0 tags of the posts that came back."
    ]


def test_remap_a_run_whose_upload_is_gone_takes_the_file_again(monkeypatch, tmp_path):
    db = tmp_path / "data.duckdb"
    path = write_airline_csv(tmp_path / "Tweets.csv")
    ingest_file(path, settings=Settings(db=db), columns={"brand": ""})
    content = path.read_bytes()
    path.unlink()
    app = open_page(monkeypatch, db, "data")
    assert any("is no longer at" in c.value for c in app.caption)
    assert not [b for b in app.button if b.label == "Re-map and re-ingest"]
    again = next(u for u in app.file_uploader if u.key == "remap-upload-1")
    again.upload("Tweets.csv", content, "text/csv")
    check(app.run())
    next(s for s in app.selectbox if s.key == "remap_column").set_value("airline")
    check(app.run())
    button(app, "Re-map and re-ingest").click()
    check(app.run())
    assert scalar(db, "SELECT count(DISTINCT brand) FROM documents") == 5


def test_the_category_box_filters_the_posts(monkeypatch, tmp_path):
    db = tmp_path / "data.duckdb"
    ingest_file(write_airline_csv(tmp_path / "Tweets.csv"), settings=Settings(db=db))
    app = open_page(monkeypatch, db, "explore", query={"cat": "negativereason:Late Flight"})
    box = next(s for s in app.sidebar.selectbox if s.label == "Category")
    assert box.value == ("negativereason", "Late Flight")
    assert "negativereason: Customer Service Issue" in box.options
    posts = app.dataframe[0].value
    tweets = rows(
        db,
        "SELECT external_id FROM documents WHERE list_contains(?, doc_id)",
        [list(posts["doc_id"])],
    )
    assert {t for (t,) in tweets} == LATE_FLIGHT_IDS
    box.set_value(("airline_sentiment", "neutral"))
    check(app.run())
    assert app.query_params["cat"] == "airline_sentiment:neutral"
    assert len(app.dataframe[0].value) == 2
