"""A rule on the sample data through the real channels: the lid-leak week writes the outbox
files and posts a Slack-shaped message to a real local webhook; a failing webhook is recorded
and the outbox still gets its files."""

from __future__ import annotations

import json
from dataclasses import replace

from analysis.rules.engine import check_rules
from analysis.rules.store import add_rule
from loaders import store
from tests.analysis.rules.test_engine import SURGE, at
from tests.conftest import QuietHandler, local_server, rows


class Webhook(QuietHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        length = int(self.headers["Content-Length"])
        Webhook.received.append(json.loads(self.rfile.read(length)))
        self.reply(Webhook.status, b"ok")


def check_with_webhook(settings, address: str, outbox, **values):
    """The Negative surge rule of test_engine, stored, checked at the lid-leak week."""
    settings = replace(
        settings, webhooks=f"team=http://{address}/hooks/SECRET", alert_outbox=outbox, **values
    )
    with store.session(settings=settings) as con:
        add_rule(con, SURGE)
    return settings, check_rules(settings, now=at(9))


def test_the_lid_leak_week_reaches_the_outbox_and_the_team_channel(sample_settings, tmp_path):
    Webhook.received, Webhook.status = [], 200
    with local_server(Webhook) as address:
        settings, result = check_with_webhook(
            sample_settings,
            address,
            tmp_path / "alerts",
            dashboard_url="http://brandpulse.local:8501",
        )
    assert [f.window for f in result.fired] == ["2025-W41"] and result.delivered == 2
    [body] = Webhook.received
    assert "Negative posts about Tidewell rose to 65%" in json.dumps(body)
    assert "http://brandpulse.local:8501" in json.dumps(body)
    written = sorted(p.suffix for p in (tmp_path / "alerts").iterdir())
    assert written == [".json", ".md"]
    saved = json.loads(next((tmp_path / "alerts").glob("*.json")).read_text())
    assert saved["window"] == "2025-W41" and saved["figures"]["negative_share"] > 0.6
    details = rows(settings.db, "SELECT detail FROM rule_deliveries ORDER BY action_index")
    assert not any("SECRET" in d for (d,) in details)


def test_a_failing_webhook_is_recorded_and_the_file_still_written(sample_settings, tmp_path):
    Webhook.received, Webhook.status = [], 500
    with local_server(Webhook) as address:
        settings, result = check_with_webhook(sample_settings, address, tmp_path / "alerts")
    assert result.delivered == 1 and result.failed == 1
    assert len(list((tmp_path / "alerts").glob("*.md"))) == 1
    (file_ok, _), (hook_ok, hook_detail) = rows(
        settings.db, "SELECT ok, detail FROM rule_deliveries ORDER BY action_index"
    )
    assert file_ok and not hook_ok and "HTTP 500" in hook_detail and "SECRET" not in hook_detail
