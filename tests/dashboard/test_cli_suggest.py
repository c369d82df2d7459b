"""`brandpulse suggest` and `brandpulse suggestions`, end to end on the sample database."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from analysis.suggestions.plans import subject_of
from dashboard.cli import cli
from tests.conftest import QuietHandler, local_server, rows

# The endpoint's answers, in turn: an invented figure, a usable line, a competitor's name.
ANSWERS = [
    "Subject: 73% of you asked, so here it is!",
    "Sorry about the trouble, we are on it.",
    "Better than Pinecup, every time.",
]


class ChatHandler(QuietHandler):
    prompts: list[dict] = []

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatHandler.prompts.append(payload)
        content = ANSWERS[(len(ChatHandler.prompts) - 1) % len(ANSWERS)]
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.reply(200, body.encode(), "application/json")


@pytest.fixture
def endpoint():
    ChatHandler.prompts = []
    with local_server(ChatHandler) as address:
        yield f"http://{address}/v1"


@pytest.fixture
def db(demo_run, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_run[0], copy)
    return copy


def invoke(*args: str, env: dict | None = None):
    return CliRunner(env=env).invoke(cli, list(args), catch_exceptions=False)


def suggest_defect_week(db, env: dict, *options: str, catch_exceptions: bool = False):
    """`brandpulse suggest` for the sample's defect week 2025-W41 on ``db``, with ``options``."""
    arguments = ["suggest", "--week", "2025-W41", *options, "--db", str(db)]
    return CliRunner(env=env).invoke(cli, arguments, catch_exceptions=catch_exceptions)


def test_suggest_with_an_openai_compatible_endpoint_keeps_only_grounded_copy(db, endpoint):
    env = {
        "BRANDPULSE_GENERATOR": "openai",
        "BRANDPULSE_GENERATOR_BASE_URL": endpoint,
        "BRANDPULSE_GENERATOR_MODEL": "tiny",
    }
    result = suggest_defect_week(
        db,
        env,
        "--brand",
        "Tidewell",
        "--cards",
        "1",
        "--format",
        "social_post",
        "--variants",
        "3",
        "--tone",
        "calm",
        "--free",  # the model writes whole texts: what a larger model behind an endpoint does
    )
    assert result.exit_code == 0, result.output
    assert "Writing with tiny at http://127.0.0.1" in result.output
    assert "   Play: " in result.output
    # 3 asked, 1 passed; 2 asked again, 1 more passed but it repeats the first: dropped.
    assert len(ChatHandler.prompts) == 5
    assert result.output.count("* Sorry about the trouble, we are on it.") == 1
    assert "73%" not in result.output and "Pinecup, every" not in result.output
    prompt = ChatHandler.prompts[0]["messages"][-1]["content"]
    card_facts = rows(db, "SELECT facts FROM suggestions")[0][0]
    for key, value in json.loads(card_facts).items():
        if isinstance(value, str):
            assert f"- {key.replace('_', ' ')}: {value}" in prompt
    assert "Tone: calm." in prompt
    stored = rows(db, "SELECT format, text, source, generator, status FROM suggestions")
    assert stored == [
        (
            "social_post",
            "Sorry about the trouble, we are on it.",
            "model",
            f"tiny at {endpoint}",
            "draft",
        )
    ]


def test_suggest_falls_back_when_the_endpoint_is_down(db):
    env = {
        "BRANDPULSE_GENERATOR": "openai",
        "BRANDPULSE_GENERATOR_BASE_URL": "http://127.0.0.1:9/v1",
        "BRANDPULSE_GENERATOR_MODEL": "tiny",
    }
    result = suggest_defect_week(
        db, env, "--cards", "1", "--format", "ad_headline", "--variants", "1"
    )
    assert result.exit_code == 0, result.output
    assert (
        "Generator unavailable, fixed phrasings used: Cannot reach http://127.0.0.1:9"
        in result.output
    )
    assert "(template)" in result.output
    assert rows(db, "SELECT source, generator FROM suggestions") == [("template", "template")]


def test_review_cycle_from_the_command_line(db, tmp_path):
    env = {"BRANDPULSE_GENERATOR": "template"}
    result = suggest_defect_week(db, env, "--cards", "2", "--require", "#Tidewell")
    assert result.exit_code == 0, result.output
    assert "8 drafts stored" in result.output
    texts = [r[0] for r in rows(db, "SELECT text FROM suggestions")]
    assert len(texts) == 8 and all("#Tidewell" in t for t in texts)
    first, second = (r[0] for r in rows(db, "SELECT id FROM suggestions ORDER BY id LIMIT 2"))

    edited = invoke("suggestions", "edit", str(first), "Now 20% better!", "--db", str(db))
    assert "! the number '20%' is not in the card's facts" in edited.output
    assert "! the required keyword '#Tidewell' is missing" in edited.output
    invoke("suggestions", "approve", str(first), "--db", str(db))
    invoke("suggestions", "reject", str(second), "--db", str(db))
    assert rows(
        db,
        "SELECT status, edited_text FROM suggestions WHERE id IN (?, ?) ORDER BY id",
        [first, second],
    ) == [
        ("approved", "Now 20% better!"),
        ("rejected", None),
    ]
    listed = invoke("suggestions", "list", "--status", "approved", "--db", str(db))
    assert "Now 20% better!" in listed.output and listed.output.count("\n") == 3

    out = tmp_path / "approved.md"
    exported = invoke("suggestions", "export", "--out", str(out), "--db", str(db))
    assert exported.output.strip() == f"1 approved suggestions written to {out}"
    assert "Now 20% better!" in out.read_text()
    bad = invoke("suggestions", "export", "--out", str(tmp_path / "x.txt"), "--db", str(db))
    assert bad.exit_code != 0 and "must end in .csv or .md" in bad.output
    missing = invoke("suggestions", "approve", "999", "--db", str(db))
    assert missing.exit_code == 1 and "There is no suggestion 999" in missing.output


def test_suggest_without_a_usable_generator_still_drafts_from_the_cards(db):
    env = {"BRANDPULSE_GENERATOR": "openai", "BRANDPULSE_GENERATOR_MODEL": ""}
    result = suggest_defect_week(
        db,
        env,
        "--cards",
        "1",
        "--format",
        "email_subject",
        "--variants",
        "1",
        catch_exceptions=True,
    )
    assert result.exit_code == 0, result.output
    assert "Generator unavailable, fixed phrasings used: generator='openai' needs a model name" in (
        result.output
    )
    assert "Writing with template" in result.output
    assert rows(db, "SELECT format, source FROM suggestions") == [("email_subject", "template")]


def test_suggestions_list_sorts_ids_as_numbers_and_shows_the_brand(db):
    env = {"BRANDPULSE_GENERATOR": "template"}
    for _ in range(2):  # twice: ids pass 9, so a sort as text would put 10 before 9
        result = suggest_defect_week(
            db, env, "--cards", "3", "--brand", "Tidewell", "--variants", "1"
        )
        assert result.exit_code == 0, result.output
    ids = [r[0] for r in rows(db, "SELECT id FROM suggestions ORDER BY id")]
    assert 9 in ids and 10 in ids
    listed = invoke("suggestions", "list", "--db", str(db))
    header, _, *lines = listed.output.splitlines()  # the header, its rule, the rows
    assert header.split()[:4] == ["id", "status", "period", "brand"]
    assert [int(line.split()[0]) for line in lines] == ids
    assert all(line.split()[3] == "Tidewell" for line in lines)


def test_suggest_fills_a_plan_through_an_endpoint_and_marks_scores(db, endpoint):
    """The default plan strategy over an OpenAI-compatible endpoint: the model's slot answers
    that carry a figure or a competitor are dropped, the facts come from the card."""
    env = {
        "BRANDPULSE_GENERATOR": "openai",
        "BRANDPULSE_GENERATOR_BASE_URL": endpoint,
        "BRANDPULSE_GENERATOR_MODEL": "tiny",
    }
    result = suggest_defect_week(
        db, env, "--brand", "Tidewell", "--cards", "1", "--format", "social_post", "--seed", "1"
    )
    assert result.exit_code == 0, result.output
    asked = [p["messages"][-1]["content"] for p in ChatHandler.prompts]
    assert asked and all(a.startswith("Situation: ") for a in asked)
    assert all("%" not in a for a in asked)  # the slots never see the card's figures
    stored = rows(db, "SELECT text, source, score, needs_edit FROM suggestions ORDER BY id")
    assert 1 <= len(stored) <= 3
    texts = " ".join(r[0] for r in stored)
    assert "73%" not in texts and "Pinecup" not in texts
    subject = subject_of(json.loads(rows(db, "SELECT facts FROM suggestions")[0][0]))
    assert all(subject in r[0] for r in stored)
    assert all(r[2] is not None and 0 <= r[2] <= 1 for r in stored)
    assert "[score " in result.output
