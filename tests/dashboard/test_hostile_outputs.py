"""The CLI and the Data page against hostile file names, headers and settings: terminal
output keeps one line per row and no live escape sequence, messages show user data as plain
text, and no secret is printed."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from dashboard.cli import cli, format_table
from tests.conftest import REPO

RENDERER = MarkdownIt("commonmark", {"html": True})
# What must never reach a terminal raw: C0 controls but newline, DEL, C1, bidi controls.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)
PIXEL = "![px](http://host/p.png)"


def hostile_export(folder: Path) -> Path:
    """A small valid export whose file name and a header carry escapes, bidi and an image."""
    name = "week\x1b[2J\u202egnp.\nreport.csv"  # clears the screen; reads as "report.png"
    path = folder / name
    path.write_text(
        f"text,date,extra\x1b]0;owned\x07,{PIXEL}\n"
        "Great bottle \x1b[31mred\x1b[0m,2025-10-01,a,b\n"
        "Leaky lid \u202eevil,2025-10-02,a,b\n",
        encoding="utf-8",
    )
    return path


def test_format_table_keeps_one_line_per_row():
    table = format_table(("file", "rows"), [("a\nb\x1b[2J\u202ec.csv", 3), ("ok.csv", 1234)])
    lines = table.splitlines()
    assert lines[2] == "a\\nb\\x1b[2J<U+202E>c.csv      3"  # 24 characters, then the count
    assert lines[3] == "ok.csv" + " " * 18 + "  1,234"
    assert len(lines) == 4 and len({len(line) for line in lines}) == 1  # still aligned


def test_ingest_prints_no_raw_control_characters(tmp_path):
    path = hostile_export(tmp_path)
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.output), repr(result.output)
    lines = result.output.splitlines()
    assert lines[2].startswith("week\\x1b[2J<U+202E>gnp.\\nreport.csv  ")
    assert len(lines) == 3 or all(line.startswith("note: ") for line in lines[3:])


def test_the_main_error_handler_shows_escapes_not_controls(tmp_path):
    missing = tmp_path / "gone\x1b[2J\u202e.csv"
    result = CliRunner().invoke(
        cli, ["campaigns", "import", str(missing), "--db", str(tmp_path / "x.duckdb")]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path}/gone\\x1b[2J<U+202E>.csv does not exist.\n"


def test_ingest_errors_name_the_file_with_escapes(tmp_path):
    path = tmp_path / "no\x1b[2Jtext\u202e.csv"
    path.write_text("words\x1b[31m,date\nhello,2025-10-01\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(path), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert not RAW_CONTROL.search(result.output)
    assert "Could not find the text column in no\\x1b[2Jtext<U+202E>.csv." in result.output
    assert "Found columns words\\x1b[31m, date." in result.output


def test_config_hides_the_key_and_url_credentials(monkeypatch):
    key = "sk-live-0123456789abcdef"
    monkeypatch.setenv("BRANDPULSE_GENERATOR_API_KEY", key)
    monkeypatch.setenv("BRANDPULSE_GENERATOR_BASE_URL", f"https://me:pa55@host/v1?api_key={key}")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    assert key not in result.output and "pa55" not in result.output
    assert "generator_api_key = •••• (set, hidden)\n" in result.output
    assert "generator_base_url = https://host/v1?api_key=••••\n" in result.output


def test_config_shows_an_unset_key_as_empty(monkeypatch):
    monkeypatch.delenv("BRANDPULSE_GENERATOR_API_KEY", raising=False)
    result = CliRunner().invoke(cli, ["config"])
    assert "generator_api_key = \n" in result.output


@pytest.mark.parametrize("suffix", [".csv", ".md"])
def test_suggestions_export_command_writes_safe_files(tmp_path, suffix):
    from datetime import date

    from analysis.insight.cards import Card
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.review import review_suggestion, save_suggestions
    from analysis.suggestions.writer import suggest_for_cards
    from loaders import store
    from loaders.config import Settings

    settings = Settings(db=tmp_path / "s.duckdb", lock_timeout_s=30)
    card = Card(
        "campaign_lift", "=1+1 <script>x</script> lifted", 1.0, {"campaign": "=1+1", "posts": 3}
    )
    options = SuggestOptions(formats=("ad_headline",), variants=1, rounds=1)
    results = suggest_for_cards([card], None, options, [], brand="@SUM(A1)")
    with store.session(settings=settings) as con:
        [sid] = save_suggestions(con, results, date(2025, 1, 6), date(2025, 1, 12), options, "t")
        review_suggestion(con, sid, status="approved", edited_text="+cmd <img src=x>")
    out = tmp_path / f"approved{suffix}"
    result = CliRunner().invoke(
        cli, ["suggestions", "export", "--out", str(out), "--db", str(settings.db)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if suffix == ".csv":
        [row] = list(csv.DictReader(io.StringIO(text)))
        assert (row["insight"], row["brand"], row["text"]) == (
            "'=1+1 <script>x</script> lifted",
            "'@SUM(A1)",
            "'+cmd <img src=x>",
        )
    else:
        html = RENDERER.render(text)
        assert "<script" not in html and "<img" not in html
        assert "+cmd &lt;img src=x&gt;" in html


def test_every_csv_export_goes_through_the_one_writer():
    """No module but loaders/safe_text.py writes CSV for users: each export and download
    calls csv_text (the sample-data generator writes its own input files)."""
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("analysis", "dashboard", "loaders")
        for path in sorted((REPO / folder).rglob("*.py"))
        if writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["loaders/demo_data/files.py", "loaders/safe_text.py"]
    downloads = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "dashboard").rglob("*.py"))
        if "text/csv" in path.read_text(encoding="utf-8")
    ]
    assert downloads == [
        "dashboard/ui.py",
        "dashboard/views/replies.py",
        "dashboard/views/suggestions.py",
    ]
    assert "csv_text(frame)" in (REPO / "dashboard" / "ui.py").read_text(encoding="utf-8")


# --- the Data page --------------------------------------------------------------------------------
def open_data_page(monkeypatch, db: Path) -> AppTest:
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    app = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120)
    app.run()
    app.switch_page("views/data.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown_html(markdown: str) -> str:
    return RENDERER.render(markdown)


def test_data_page_shows_header_and_file_names_as_text(monkeypatch, tmp_path):
    app = open_data_page(monkeypatch, tmp_path / "page.duckdb")
    name = "![q](http:host.example_q.png) <img src=x>.csv"
    app.file_uploader[0].upload(name, f"body,{PIXEL}\nhello,x\n".encode(), "text/csv")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    # The mapping's problem, and (issue #21) that no column names a brand.
    [warning, brand] = [w.value for w in app.warning]
    assert brand.startswith("No column is mapped to brand") and "<img" not in shown_html(brand)
    assert "Could not find the date column in" in warning
    assert "!\\[px\\](http\\://host/p.png)" in warning and PIXEL not in warning
    html = shown_html(warning)
    assert "<img" not in html and "<a " not in html
    assert "Found columns body, ![px](http://host/p.png)." in html  # read as the header was

    # A file that loads: the outcome line names it as text.
    app.file_uploader[0].upload(
        name, f"text,date,{PIXEL}\nhello there,2025-10-01,x\n".encode(), "text/csv"
    )
    app.run()
    next(b for b in app.button if b.label == "Ingest").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    success = app.success[0].value
    assert success.startswith("!\\[q\\](http:host.example\\_q.png) &lt;img src=x&gt;.csv: read 1 ")
    assert "<img" not in shown_html(success) and "<a " not in shown_html(success)


def test_a_crafted_link_shows_its_ignored_values_as_text(monkeypatch, tmp_path):
    from loaders import store
    from tests.conftest import insert_documents

    db = tmp_path / "link.duckdb"
    with store.session(db) as con:
        insert_documents(con, [("d1", "review", "x", "Tidewell", "2025-10-01 12:00", "ok")])
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    app = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120)
    app.query_params.update({"brand": f"{PIXEL} <script>x</script>"})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    [note] = [c.value for c in app.sidebar.caption if c.value.startswith("Ignored from the link")]
    assert note == (
        "Ignored from the link: brand=!\\[px\\](http\\://host/p.png) "
        "&lt;script&gt;x&lt;/script&gt; (not in the data)"
    )
    html = shown_html(note)
    assert "<img" not in html and "<script" not in html and "<a " not in html


def test_suggestions_saved_with_credentials_in_the_generator_name_show_none(
    monkeypatch, tmp_path, demo_run
):
    """Rows saved before generator names were redacted still hold user:pass@ and ?api_key=:
    the page redacts them as it shows them."""
    from datetime import date

    from analysis.insight.cards import Card
    from analysis.suggestions.plays import SuggestOptions
    from analysis.suggestions.review import save_suggestions
    from analysis.suggestions.writer import suggest_for_cards
    from loaders import store

    db = tmp_path / "old.duckdb"
    shutil.copy(demo_run[0], db)  # analyzed sample data: the page needs sentiment and topics
    stored_name = "m at http://me:pa55word@llm.example:8080/v1?api_key=sk-live-0123456789abcdef"
    card = Card("campaign_lift", "Spring lifted", 1.0, {"campaign": "Spring", "posts": 3})
    options = SuggestOptions(formats=("ad_headline",), variants=1, rounds=1)
    results = suggest_for_cards([card], None, options, [], brand="Tidewell")
    with store.session(db) as con:
        [sid] = save_suggestions(
            con, results, date(2025, 10, 6), date(2025, 10, 12), options, stored_name
        )
        con.execute(
            "UPDATE suggestions SET source = 'model', generator = ? WHERE id = ?",
            [stored_name, sid],
        )
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    monkeypatch.setenv("BRANDPULSE_GENERATOR", "template")
    app = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120)
    app.query_params.update({"from": "2025-10-06", "to": "2025-10-12"})
    app.run()
    app.switch_page("views/suggestions.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    [caption] = [c.value for c in app.caption if c.value.startswith(f"#{sid} ·")]
    assert "pa55word" not in caption and "me:" not in caption and "0123456789" not in caption
    assert caption.endswith(" · m at http\\://llm.example:8080/v1?api\\_key=••••")


# --- st.dataframe's own toolbar download (it writes =formulas as they are) ---------------------
EXPORT_OPTION = "client.disableDataExport"


def test_the_served_dashboard_turns_table_export_off_before_the_first_page():
    from dashboard.server import streamlit_config
    from loaders.config import Settings

    assert streamlit_config(Settings(), 8501)[EXPORT_OPTION] is True


@pytest.mark.parametrize(
    "page",
    [
        "views/overview.py",
        "views/sentiment.py",
        "views/topics.py",
        "views/campaigns.py",
        "views/suggestions.py",
        "views/report.py",
        "views/explore.py",
        "views/data.py",
        "views/labeling.py",
    ],
)
def test_every_page_turns_the_tables_own_csv_download_off(monkeypatch, tmp_path, page):
    """Whichever page a session opens, the app sets the option (e.g. under `streamlit run`)."""
    import streamlit as st

    monkeypatch.setenv("BRANDPULSE_DB", str(tmp_path / "pages.duckdb"))
    app = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120)
    app.run()
    st.set_option(EXPORT_OPTION, False)  # as a fresh process starts
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert st.get_option(EXPORT_OPTION) is True
