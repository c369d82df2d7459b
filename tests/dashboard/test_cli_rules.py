"""`brandpulse rules` end to end on the sample data: each invocation is its own session, so
the cooldown and idempotence shown here hold across processes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from loaders import demo_data as sample
from loaders.ingest.files import ingest_file
from tests.conftest import SAMPLE, rows, score_with_ground_truth


@pytest.fixture
def sample_db(settings):
    for name in sample.DOCUMENT_FILES:
        ingest_file(SAMPLE / name, settings=settings)
    score_with_ground_truth(settings)
    return settings.db


def run(db, *args: str):
    return CliRunner().invoke(cli, ["rules", *args, "--db", str(db)])


def test_cooldown_holds_across_invocations_unless_the_share_worsens(sample_db):
    # Tidewell's daily negative share: 64% on 2025-10-07, 63% on 10-09, 69% on 10-10.
    added = run(
        sample_db,
        "add",
        "--name",
        "Daily surge",
        "--condition",
        "negative_share",
        "--param",
        "above=0.6",
        "--param",
        "min_posts=20",
        "--param",
        "window=day",
        "--scope",
        "brand=Tidewell",
        "--cooldown-hours",
        "72",
    )
    assert added.exit_code == 0, added.output
    first = run(sample_db, "check", "--now", "2025-10-07T23:00+00:00")
    assert (
        "Fired Daily surge [2025-10-07]: Negative posts about Tidewell rose to 64%" in first.output
    )
    again = run(sample_db, "check", "--now", "2025-10-07T23:30+00:00")
    assert "0 fired, 1 already fired, 0 in cooldown" in again.output
    # Two days later: the day in between, never checked, is decided now; it is worse (72%),
    # so it fires through the cooldown; the calmer newest day is held back.
    later = run(sample_db, "check", "--now", "2025-10-09T23:00+00:00")
    assert (
        "Fired Daily surge [2025-10-08]: Negative posts about Tidewell rose to 72%" in later.output
    )
    assert "1 fired, 0 already fired, 1 in cooldown" in later.output
    # 10-09, checked before it ended, is decided on its whole day; neither it nor 10-10 (69%)
    # is worse than 72%.
    calmer = run(sample_db, "check", "--now", "2025-10-10T23:00+00:00")
    assert "0 fired, 0 already fired, 2 in cooldown" in calmer.output
    assert rows(sample_db, 'SELECT "window" FROM rule_firings ORDER BY 1') == [
        ("2025-10-07",),
        ("2025-10-08",),
    ]
    log = run(sample_db, "log", "Daily surge")
    assert log.exit_code == 0 and "2025-10-08" in log.output and "2025-10-07" in log.output


def test_manage_export_import_and_errors(sample_db, tmp_path):
    assert run(sample_db, "list").output.startswith("No rules yet")
    added = run(
        sample_db,
        "add",
        "--name",
        "Crisis words",
        "--condition",
        "keywords",
        "--param",
        "words=recall,lawsuit",
        "--scope",
        "brand=Tidewell",
        "--action",
        "email:pr@example.com",
        "--action",
        "webhook:team:slack",
        "--action",
        "file",
    )
    assert added.exit_code == 0, added.output
    listed = run(sample_db, "list").output
    assert "Crisis words" in listed and "email:pr@example.com, webhook:team, file" in listed
    assert run(sample_db, "disable", "Crisis words").exit_code == 0
    assert rows(sample_db, "SELECT enabled FROM rules") == [(False,)]
    out = tmp_path / "rules.toml"
    assert run(sample_db, "export", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert '"words" = ["recall", "lawsuit"]' in text and "enabled = false" in text
    assert run(sample_db, "delete", "Crisis words").exit_code == 0
    imported = run(sample_db, "import", str(out))
    assert imported.exit_code == 0, imported.output
    assert rows(sample_db, "SELECT name, enabled FROM rules") == [("Crisis words", False)]
    bad = run(sample_db, "add", "--name", "x", "--condition", "sunspots")
    assert bad.exit_code == 1 and "Unknown condition 'sunspots'" in bad.output
    assert "Traceback" not in bad.output and len(bad.output.strip().splitlines()) == 1
    secret = run(
        sample_db,
        "add",
        "--name",
        "y",
        "--condition",
        "volume_spike",
        "--action",
        "webhook:https://hooks.example.com/T000",
    )
    assert secret.exit_code == 1 and "names a webhook of the settings" in secret.output
    assert "hooks.example.com" not in secret.output
    assert "Error: No rule named 'nope'" in run(sample_db, "enable", "nope").output


def test_rules_test_sends_a_marked_notification_and_records_nothing(sample_db, tmp_path):
    outbox = tmp_path / "outbox"
    added = run(
        sample_db,
        "add",
        "--name",
        "Lid leaks",
        "--condition",
        "keywords",
        "--param",
        "words=leak",
        "--action",
        "file",
        "--action",
        "tag:leaks",
    )
    assert added.exit_code == 0, added.output
    env = {"BRANDPULSE_ALERT_OUTBOX": str(outbox)}
    result = CliRunner().invoke(
        cli, ["rules", "test", "Lid leaks", "--db", str(sample_db)], env=env
    )
    assert result.exit_code == 0, result.output
    [json_file] = sorted(outbox.glob("*.json"))
    [md_file] = sorted(outbox.glob("*.md"))
    assert f"file: ok: {json_file}" in result.output
    assert "tag: ok: tag: not run in a test" in result.output
    assert md_file.read_text(encoding="utf-8").startswith("# \\[test\\] Lid leaks fired for test")
    assert "[test] A test notification" in json_file.read_text(encoding="utf-8")
    assert rows(sample_db, "SELECT count(*) FROM rule_firings") == [(0,)]
    assert rows(sample_db, "SELECT count(*) FROM rule_deliveries") == [(0,)]
    assert rows(sample_db, "SELECT count(*) FROM doc_tags") == [(0,)]
    # Only the second action: nothing more is written.
    only = CliRunner().invoke(
        cli, ["rules", "test", "Lid leaks", "--action", "2", "--db", str(sample_db)], env=env
    )
    assert only.exit_code == 0 and "file:" not in only.output and len(list(outbox.glob("*"))) == 2
    missing = run(sample_db, "test", "Lid leaks", "--action", "3")
    assert missing.exit_code != 0 and "there is no action 3" in missing.output


def add_surge(db, *extra: str) -> None:
    """A weekly Tidewell surge rule above 60% that writes to the outbox."""
    args = ["--name", "Surge", "--condition", "negative_share", "--param", "above=0.6"]
    run(db, "add", *args, *extra, "--scope", "brand=Tidewell", "--action", "file")


def test_edit_changes_only_what_is_given(sample_db):
    add_surge(sample_db)
    edited = run(sample_db, "edit", "Surge", "--param", "above=0.5", "--cooldown-hours", "48")
    assert edited.exit_code == 0, edited.output
    exported = run(sample_db, "export").output
    assert 'params = { "above" = 0.5 }' in exported
    assert 'scope = { "brand" = "Tidewell" }' in exported
    assert "cooldown_hours = 48.0" in exported and 'kind = "file"' in exported
    missing = run(sample_db, "edit", "Nope", "--param", "above=0.5")
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_two_processes_checking_the_same_week_fire_once(sample_db):
    """Two real `brandpulse rules check` processes at the same moment: one firing, one file."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    outbox = sample_db.parent / "alerts"
    add_surge(sample_db, "--param", "min_posts=50")
    env = {**os.environ, "PYTHONPATH": str(REPO), "BRANDPULSE_ALERT_OUTBOX": str(outbox)}
    command = [sys.executable, "-m", "dashboard.cli", "rules", "check", "--db", str(sample_db)]
    command += ["--now", "2025-10-09T23:00:00+00:00"]
    processes = [subprocess.Popen(command, env=env, cwd=REPO) for _ in range(2)]
    assert [p.wait(timeout=300) for p in processes] == [0, 0]
    assert rows(sample_db, 'SELECT "window" FROM rule_firings') == [("2025-W41",)]
    assert len(list(outbox.glob("*.json"))) == 1
