"""Delivery channels against real local servers: SMTP (aiosmtpd), HTTP, and the file system."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from analysis.rules.delivery import deliver, message
from analysis.rules.model import Action, Firing, Post
from loaders.config import Settings, load_settings
from loaders.errors import ConfigError
from loaders.safe_text import shown_setting
from tests.conftest import QuietHandler, served

HOSTILE = "Lid broke <script>alert(1)</script>\nsecond line & *bold* [x](http://evil.example)"
TOKEN = "T000/B000/XXXXsecrettoken42"


@pytest.fixture
def firing() -> Firing:
    posts = (
        Post("d1", HOSTILE, "negative", "https://social.example/p/1", datetime(2025, 10, 9, 8)),
        Post("d2", "Bell\x07 and \x1b[31mred\u202e reversed", "negative", None, None),
        Post("d3", "x" * 1000, "neutral", None, datetime(2025, 10, 8, tzinfo=UTC)),
        Post("d4", "a fourth post is never sent", "negative", None, None),
    )
    return Firing(
        rule="Tidewell negativity",
        window="2025-W41",
        fired_at=datetime(2025, 10, 13, 7, 30, 5, tzinfo=UTC),
        why="Negative share rose to 56% (was 29%) on 120 posts.",
        figures={"negative_share": 0.56, "negative_share_was": 0.29, "posts": 120},
        documents=67,
        posts=posts,
        link="http://dash.example:8501/?brand=Tidewell&sentiment=negative",
        firing_id=7,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_settings(tmp_path: Path, **values) -> Settings:
    return Settings(db=tmp_path / "t.duckdb", **values)


# --- message -------------------------------------------------------------------------------------
def test_message_is_plain_text_with_figures_posts_and_link(firing):
    subject, body = message(firing)
    assert subject == "[Brandpulse] Tidewell negativity: " + firing.why
    assert "negative share: 56% (was 29%)" in body
    assert "posts: 120" in body and "Matched posts: 67" in body
    assert "second line" in body
    post_lines = [line for line in body.splitlines() if line.startswith("  - ")]
    assert len(post_lines) == 3  # at most three posts
    assert "<script>alert(1)</script> second line" in post_lines[0]  # one line, as text
    assert "\x07" not in body and "\x1b" not in body and "\u202e" not in body
    assert len(post_lines[2]) < 320 and post_lines[2].endswith("…")
    assert "fourth post" not in body
    assert body.rstrip().endswith(firing.link)


def test_subject_is_one_line_whatever_the_rule_says(firing):
    from dataclasses import replace

    subject, _ = message(replace(firing, rule="a\r\nBcc: x@evil.example", why="b\nc"))
    assert "\n" not in subject and "\r" not in subject


# --- email ---------------------------------------------------------------------------------------
class Inbox:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_email_arrives_through_a_real_smtp_server(tmp_path, firing, smtp_server):
    inbox, port = smtp_server
    settings = make_settings(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="alerts@brandpulse.example",
    )
    result = deliver(firing, Action("email", "marketing@tidewell.example"), settings)
    assert result.ok, result.detail
    assert "marketing@tidewell.example" in result.detail
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["marketing@tidewell.example"]
    assert envelope.mail_from == "alerts@brandpulse.example"
    mail = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert mail["Subject"] == message(firing)[0]
    assert mail.get_content_type() == "text/plain"
    body = mail.get_content()
    assert "negative share: 56% (was 29%)" in body
    assert "Matched posts: 67" in body
    assert any("<script>alert(1)</script> second line" in line for line in body.splitlines())
    assert firing.link in body


def test_email_refused_connection_fails_without_the_password(tmp_path, firing):
    settings = make_settings(
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=free_port(),
        smtp_user="ops",
        smtp_password="pw-Secret-4711",
        smtp_starttls=False,
        delivery_timeout_s=2,
    )
    result = deliver(firing, Action("email", "ops@tidewell.example"), settings)
    assert not result.ok
    assert "refused" in result.detail.lower()
    assert "pw-Secret" not in result.detail and "\n" not in result.detail


@pytest.mark.parametrize(
    "target", [None, "", "not-an-address", "a@b.example\r\nBcc: c@d.example", "x@y, z@w"]
)
def test_email_to_a_bad_address_is_refused_before_connecting(tmp_path, firing, target):
    settings = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=free_port())
    result = deliver(firing, Action("email", target), settings)
    assert not result.ok and "not an email address" in result.detail


def test_a_password_is_never_sent_unencrypted_across_a_network(tmp_path, firing, smtp_server):
    inbox, port = smtp_server
    remote = make_settings(
        tmp_path,
        smtp_host="mail.example",
        smtp_port=587,
        smtp_user="ops",
        smtp_password="pw-Secret-4711",
        smtp_starttls=False,
    )
    result = deliver(firing, Action("email", "ops@tidewell.example"), remote)
    assert not result.ok and "unencrypted" in result.detail and "SMTP_STARTTLS" in result.detail
    assert "pw-Secret" not in result.detail
    # Without a login (a relay), plain SMTP is fine: the message arrives.
    relay = make_settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)
    assert deliver(firing, Action("email", "ops@tidewell.example"), relay).ok
    assert len(inbox.envelopes) == 1


def test_email_without_a_mail_server_says_which_setting(tmp_path, firing):
    result = deliver(firing, Action("email", "ops@tidewell.example"), make_settings(tmp_path))
    assert not result.ok and "BRANDPULSE_SMTP_HOST" in result.detail


# --- webhooks ------------------------------------------------------------------------------------
RECEIVED: list[tuple[str, str, dict]] = []


class Hook(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        length = int(self.headers["Content-Length"])
        body = json.loads(self.rfile.read(length))
        RECEIVED.append((self.path, self.headers["Content-Type"], body))
        if self.path.startswith("/fail"):
            self.reply(500, b"boom")
        elif self.path.startswith("/slow"):
            time.sleep(3)
            self.reply(200, b"ok")
        else:
            self.reply(200, b"ok")


hook_server = served(Hook)


def hook_settings(tmp_path: Path, address: str, **values) -> Settings:
    hooks = ",".join(f"{name}=http://{address}/{name}/{TOKEN}" for name in ("ok", "fail", "slow"))
    return make_settings(tmp_path, webhooks=hooks, **values)


def post(firing, settings, name: str, style: str):
    RECEIVED.clear()
    result = deliver(firing, Action("webhook", name, style), settings)
    assert TOKEN not in result.detail and "XXXXsecret" not in result.detail
    return result


def test_webhook_json_body(tmp_path, firing, hook_server):
    result = post(firing, hook_settings(tmp_path, hook_server), "ok", "json")
    assert result.ok and result.detail == "webhook 'ok' (127.0.0.1): HTTP 200"
    [(path, content_type, body)] = RECEIVED
    assert path == f"/ok/{TOKEN}" and content_type.startswith("application/json")
    assert body["rule"] == "Tidewell negativity" and body["window"] == "2025-W41"
    assert body["why"] == firing.why and body["documents"] == 67
    assert body["figures"] == {"negative_share": 0.56, "negative_share_was": 0.29, "posts": 120}
    assert body["fired_at"] == "2025-10-13T07:30:05+00:00"
    assert body["link"] == firing.link
    assert [p["doc_id"] for p in body["posts"]] == ["d1", "d2", "d3"]
    first = body["posts"][0]
    assert first == {
        "doc_id": "d1",
        "text": HOSTILE,
        "label": "negative",
        "url": "https://social.example/p/1",
        "created_at": "2025-10-09T08:00:00",
    }


def test_webhook_slack_body_escapes_user_text(tmp_path, firing, hook_server):
    assert post(firing, hook_settings(tmp_path, hook_server), "ok", "slack").ok
    [(_, _, body)] = RECEIVED
    assert body["text"] == f"Tidewell negativity: {firing.why}"
    texts = [block["text"]["text"] for block in body["blocks"]]
    assert all(block["text"]["type"] == "mrkdwn" for block in body["blocks"])
    assert texts[0].startswith("*Tidewell negativity* fired for 2025-W41")
    assert "*negative share*: 56% (was 29%)" in texts[1]
    quoted = [text for text in texts if text.startswith("> ")]
    assert len(quoted) == 3
    assert "Lid broke &lt;script&gt;alert(1)&lt;/script&gt; second line &amp; *bold*" in quoted[0]
    assert "<script>" not in json.dumps(body)
    assert texts[-1] == (
        "<http://dash.example:8501/?brand=Tidewell&sentiment=negative|Open the dashboard>"
    )


def test_webhook_teams_card_escapes_user_text(tmp_path, firing, hook_server):
    assert post(firing, hook_settings(tmp_path, hook_server), "ok", "teams").ok
    [(_, _, card)] = RECEIVED
    assert card["@type"] == "MessageCard"
    assert card["@context"] == "https://schema.org/extensions"
    assert card["title"] == "Tidewell negativity fired for 2025-W41"
    assert "Tidewell negativity" in card["summary"] and card["text"]
    facts = {fact["name"]: fact["value"] for fact in card["sections"][0]["facts"]}
    assert facts["negative share"] == "56% (was 29%)" and facts["matched posts"] == "67"
    posts = card["sections"][1]["text"]
    assert "&lt;script&gt;" in posts and "<script>" not in posts
    assert r"\*bold\*" in posts and r"\[x\]" in posts
    [action] = card["potentialAction"]
    assert action["@type"] == "OpenUri"
    assert action["targets"] == [{"os": "default", "uri": firing.link}]


def test_webhook_http_500_is_a_failure(tmp_path, firing, hook_server):
    result = post(firing, hook_settings(tmp_path, hook_server), "fail", "json")
    assert not result.ok and "HTTP 500" in result.detail
    assert result.detail.startswith("webhook 'fail' (127.0.0.1)")


def test_webhook_timeout_fails_quickly(tmp_path, firing, hook_server):
    settings = hook_settings(tmp_path, hook_server, delivery_timeout_s=0.3)
    started = time.monotonic()
    result = post(firing, settings, "slow", "json")
    assert time.monotonic() - started < 2
    assert not result.ok and "timed out after 0.3 s" in result.detail


def test_webhook_connection_refused(tmp_path, firing):
    url = f"http://127.0.0.1:{free_port()}/hook/{TOKEN}"
    result = post(firing, make_settings(tmp_path, webhooks=f"down={url}"), "down", "json")
    assert not result.ok and "refused" in result.detail.lower()
    assert "127.0.0.1" in result.detail and "/hook/" not in result.detail


def test_unknown_webhook_name_says_how_to_fix(tmp_path, firing, hook_server):
    result = post(firing, hook_settings(tmp_path, hook_server), "nope", "json")
    assert not result.ok
    assert "'nope'" in result.detail and "BRANDPULSE_WEBHOOKS" in result.detail
    assert "known: fail, ok, slow" in result.detail


def test_webhook_other_schemes_are_not_opened(tmp_path, firing):
    settings = make_settings(tmp_path, webhooks="local=file:///etc/passwd")
    result = deliver(firing, Action("webhook", "local", "json"), settings)
    assert not result.ok and "/etc/passwd" not in result.detail


# --- file ----------------------------------------------------------------------------------------
def test_file_writes_json_and_markdown(tmp_path, firing):
    outbox = tmp_path / "alerts" / "deep"
    result = deliver(firing, Action("file"), make_settings(tmp_path, alert_outbox=outbox))
    assert result.ok, result.detail
    stem = "20251013T073005-tidewell-negativity-2025-w41"
    assert result.detail == str(outbox / f"{stem}.json")
    assert sorted(p.name for p in outbox.iterdir()) == [f"{stem}.json", f"{stem}.md"]
    data = json.loads((outbox / f"{stem}.json").read_text(encoding="utf-8"))
    assert data["figures"] == firing.figures and data["posts"][0]["text"] == HOSTILE
    text = (outbox / f"{stem}.md").read_text(encoding="utf-8")
    assert text.startswith("# Tidewell negativity fired for 2025-W41\n")
    assert "| negative share | 56% (was 29%) |" in text
    assert (
        r"> \[negative\] 2025-10-09 Lid broke &lt;script&gt;alert(1)&lt;/script&gt; second line &amp; \*bold\* \[x\]"
        in text
    )
    assert "<script>" not in text and "\x1b" not in text
    assert f"[Open the dashboard](<{firing.link}>)" in text

    again = deliver(firing, Action("file"), make_settings(tmp_path, alert_outbox=outbox))
    assert again.ok and again.detail.endswith(f"{stem}-2.json")  # the first is kept


def test_unwritable_outbox_is_a_failure(tmp_path, firing):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = deliver(firing, Action("file"), make_settings(tmp_path, alert_outbox=blocker / "x"))
    assert not result.ok and "BRANDPULSE_ALERT_OUTBOX" in result.detail
    assert blocker.read_text() == "not a folder"


def test_unknown_action_and_a_crashing_channel_never_raise(tmp_path, firing, monkeypatch):
    assert not deliver(firing, Action("pigeon"), make_settings(tmp_path)).ok
    from analysis.rules import delivery

    def broken(*_):
        raise RuntimeError("bug holding pw-Secret-4711")

    monkeypatch.setitem(delivery._CHANNELS, "file", broken)
    result = deliver(
        firing, Action("file"), make_settings(tmp_path, smtp_password="pw-Secret-4711")
    )
    assert not result.ok and "RuntimeError" in result.detail and "pw-Secret" not in result.detail


# --- settings ------------------------------------------------------------------------------------
def test_delivery_secrets_are_hidden_and_the_password_is_environment_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no brandpulse.toml of the working directory
    assert shown_setting("webhooks", f"ops=https://hooks.example/{TOKEN}") == "•••• (set, hidden)"
    assert shown_setting("smtp_password", "pw") == "•••• (set, hidden)"
    assert "pw-Secret" not in repr(make_settings(tmp_path, smtp_password="pw-Secret-4711"))
    toml = tmp_path / "shared.toml"
    toml.write_text('smtp_password = "pw-Secret-4711"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="BRANDPULSE_SMTP_PASSWORD") as raised:
        load_settings(environ={}, config_file=toml)
    assert "pw-Secret" not in str(raised.value)
    loaded = load_settings(environ={"BRANDPULSE_SMTP_PASSWORD": "pw-Secret-4711"}, config_file=None)
    assert loaded.smtp_password == "pw-Secret-4711"
    with pytest.raises(ConfigError, match="delivery_timeout_s"):
        load_settings(environ={"BRANDPULSE_DELIVERY_TIMEOUT_S": "0"}, config_file=None)


def test_brandpulse_config_hides_webhook_urls_and_the_smtp_password(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from dashboard.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRANDPULSE_WEBHOOKS", f"ops=https://hooks.example/{TOKEN}")
    monkeypatch.setenv("BRANDPULSE_SMTP_PASSWORD", "pw-Secret-4711")
    monkeypatch.setenv("BRANDPULSE_SMTP_HOST", "mail.example")
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and "pw-Secret" not in result.output
    assert "webhooks = •••• (set, hidden)\n" in result.output
    assert "smtp_password = •••• (set, hidden)\n" in result.output
    assert "smtp_host = mail.example\n" in result.output
    assert "dashboard_url = http://localhost:8501\n" in result.output


class Redirecting(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(302)
        self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - what a followed redirect would ask
        self.reply(200, b"ok")


redirect_server = served(Redirecting)


def test_a_redirected_webhook_is_not_delivered(tmp_path, firing, redirect_server):
    # Followed, the POST would become a GET and its 200 would read as delivered.
    settings = make_settings(tmp_path, webhooks=f"team=http://{redirect_server}/hook/{TOKEN}")
    result = deliver(firing, Action("webhook", "team", "json"), settings)
    assert not result.ok and "HTTP 302" in result.detail and TOKEN not in result.detail


def test_an_unnamed_webhook_url_is_no_name(tmp_path, firing):
    settings = make_settings(tmp_path, webhooks="https://hooks.example/x?token=abc")
    result = deliver(firing, Action("webhook", "https://hooks.example/x?token", "json"), settings)
    assert not result.ok and "(known: none)" in result.detail


def test_webhook_urls_are_not_read_from_the_settings_file(tmp_path, monkeypatch):
    from loaders.config import load_settings
    from loaders.errors import ConfigError

    config = tmp_path / "brandpulse.toml"
    config.write_text('webhooks = "team=https://hooks.example/T/SECRET"\n', encoding="utf-8")
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(config))
    with pytest.raises(ConfigError, match="BRANDPULSE_WEBHOOKS") as caught:
        load_settings()
    assert "SECRET" not in str(caught.value)
