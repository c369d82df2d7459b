"""The Rules page under AppTest: a template's backtest equals SQL, saving creates the rule, a
test notification writes to the alerts folder, and rules are enabled, disabled and deleted."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import rows
from tests.dashboard.test_app import button, check, open_page

# The sample's weekly negative share of its biggest brand where a week has 30 labelled posts,
# as a check at the week's end reads it (the template: above 50%, at least 30 posts).
WEEKLY_SHARE = """
WITH biggest AS (
    SELECT brand FROM documents WHERE brand IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1
)
SELECT strftime(day - (isodow(day) - 1)::INTEGER, '%G-W%V') AS week,
       count(*) FILTER (WHERE label = 'negative') / count(label) AS share
FROM doc_facts WHERE brand = (SELECT brand FROM biggest) AND label IS NOT NULL
GROUP BY 1 HAVING count(label) >= 30 ORDER BY 1
"""


def table_with(app, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


@pytest.fixture
def sample_db(demo_run):
    return demo_run[0]


@pytest.fixture
def writable_db(sample_db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, copy)
    return copy


def test_negative_surge_backtest_equals_sql(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "rules")
    assert app.selectbox(key="rule-template").value == "Negative surge"
    weekly = rows(sample_db, WEEKLY_SHARE)
    # The chart: every week's share against the threshold line (50%).
    import plotly.io

    chart = plotly.io.from_json(app.get("plotly_chart")[0].proto.spec)
    assert list(chart.data[0].x) == [w for w, _ in weekly]
    assert chart.layout.shapes[0].y0 == 0.5
    # The tiny test model calls almost nothing negative: tune the threshold down until it fires.
    for percent in (0.3, 0.5):
        app.number_input(key="rule-Negative surge-above").set_value(percent)
        check(app.run())
        fired = [(w, s) for w, s in weekly if s > percent / 100]
        assert fired, "some weeks are above the threshold"
        table = app.dataframe[0].value
        assert list(table["window"]) == [w for w, _ in fired]
        assert list(table["figure"]) == pytest.approx([s for _, s in fired])


def test_save_test_notify_disable_enable_delete(monkeypatch, writable_db, tmp_path):
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("BRANDPULSE_ALERT_OUTBOX", str(outbox))
    app = open_page(monkeypatch, writable_db, "rules")
    button(app, "Save the rule").click()
    check(app.run())
    assert app.success[0].value.startswith("Rule 'Negative surge' saved")
    [(name, condition, enabled)] = rows(writable_db, "SELECT name, condition, enabled FROM rules")
    assert (name, condition, enabled) == ("Negative surge", "negative_share", True)
    assert table_with(app, "name")["name"].tolist() == ["Negative surge"]
    # Saving the same name again is one line of error, not a traceback.
    button(app, "Save the rule").click()
    app.run()
    assert not app.exception and len(app.error) == 1 and "\n" not in app.error[0].value
    # Editing: another cooldown for the same name updates the stored rule.
    next(n for n in app.number_input if "ooldown" in n.label).set_value(48)
    check(app.run())
    button(app, "Update the rule 'Negative surge' with these settings").click()
    check(app.run())
    assert rows(writable_db, "SELECT cooldown_hours FROM rules") == [(48.0,)]

    button(app, "Send a test notification").click()
    check(app.run())
    [sent] = [s.value for s in app.success if s.value.startswith("Test file: sent")]
    assert str(outbox) not in sent  # the server's folders are not shown
    written = sorted(p.suffix for p in outbox.iterdir())
    assert written == [".json", ".md"]
    assert "TEST" in next(outbox.glob("*.md")).read_text(encoding="utf-8")
    assert rows(writable_db, "SELECT count(*) FROM rule_firings") == [(0,)]  # only a test

    button(app, "Disable").click()
    check(app.run())
    assert rows(writable_db, "SELECT enabled FROM rules") == [(False,)]
    button(app, "Enable").click()
    check(app.run())
    assert rows(writable_db, "SELECT enabled FROM rules") == [(True,)]
    # Deleting asks for a tick first.
    assert button(app, "Delete the rule and its firings").disabled
    app.checkbox(key="rule-delete-Negative surge").check()
    check(app.run())
    button(app, "Delete the rule and its firings").click()
    check(app.run())
    assert rows(writable_db, "SELECT count(*) FROM rules") == [(0,)]
    assert any("No rules yet" in c.value for c in app.caption)


def test_competitor_template_scopes_the_next_brand(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "rules")
    app.selectbox(key="rule-template").set_value("Competitor's bad week")
    check(app.run())
    [(second,)] = rows(
        sample_db,
        "SELECT brand FROM documents WHERE brand IS NOT NULL GROUP BY 1 "
        "ORDER BY count(*) DESC, brand LIMIT 1 OFFSET 1",
    )
    assert app.selectbox(key="rule-Competitor's bad week-brand").value == second
    # Every template backtests on the sample without an error.
    for template in ("Crisis words", "Emerging complaint", "Rating drop", "Volume spike"):
        app.selectbox(key="rule-template").set_value(template)
        check(app.run())
    # The campaign template offers the stored campaigns and backtests its uplift.
    app.selectbox(key="rule-template").set_value("Campaign turning negative")
    check(app.run())
    campaigns = app.selectbox(key="rule-Campaign turning negative-campaign")
    assert "Holiday Gift Guide" in campaigns.options
    # Tag and draft actions are offered next to the channels.
    app.text_input(key="rule-tag").set_value("gift-guide")
    app.checkbox(key="rule-draft").check()
    check(app.run())


def test_firing_log_lists_what_fired_with_links(monkeypatch, writable_db, tmp_path):
    from analysis.rules.engine import check_rules
    from loaders.config import load_settings

    monkeypatch.setenv("BRANDPULSE_ALERT_OUTBOX", str(tmp_path / "outbox"))
    app = open_page(monkeypatch, writable_db, "rules")
    app.number_input(key="rule-Negative surge-above").set_value(0.5)
    check(app.run())
    expected = list(app.dataframe[0].value["window"])  # the backtest
    button(app, "Save the rule").click()
    check(app.run())
    settings = load_settings({"db": writable_db})
    [(first, last)] = rows(writable_db, "SELECT min(day), max(day) FROM doc_facts")
    from analysis.rules.backtest import check_moments

    for moment in check_moments(first, last, "week"):
        check_rules(settings, now=moment)
    app.run()  # the database changed: the page reads it again
    check(app)
    log = table_with(app, "link")
    assert sorted(log["window"]) == sorted(expected)
    assert all("brand=" in link for link in log["link"])
    assert set(log["delivery"]) == {"1 sent"}
    assert table_with(app, "name")["last window"].tolist() == [expected[-1]]


def test_webhooks_are_offered_by_name_never_by_address(monkeypatch, writable_db):
    monkeypatch.setenv("BRANDPULSE_WEBHOOKS", "team=https://hooks.example/T0/secret-token")
    app = open_page(monkeypatch, writable_db, "rules")
    hook = app.multiselect(key="rule-webhook")
    assert hook.options == ["team"]
    hook.select("team")
    check(app.run())
    button(app, "Save the rule").click()
    check(app.run())
    [(actions,)] = rows(writable_db, "SELECT actions FROM rules")
    assert '"team"' in actions and "secret-token" not in actions
    shown = " ".join(str(e.value) for e in [*app.caption, *app.markdown, *app.success])
    shown += " ".join(d.value.to_csv() for d in app.dataframe)
    assert "secret-token" not in shown and "hooks.example" not in shown


def test_a_crisis_word_in_an_uploaded_file_fires_at_ingest(monkeypatch, writable_db, tmp_path):
    from analysis.rules.model import Action, Rule
    from analysis.rules.store import add_rule
    from loaders import store

    monkeypatch.setenv("BRANDPULSE_ALERT_OUTBOX", str(tmp_path / "alerts"))
    with store.session(writable_db) as con:
        add_rule(
            con,
            Rule("Crisis words", "keywords", {"words": ["recall"]}, {}, (Action("file"),)),
        )
    app = open_page(monkeypatch, writable_db, "data")
    upload = "date,review,brand\n2025-12-20,Is there a recall on the lids?,Tidewell\n"
    app.file_uploader[0].upload("new.csv", upload.encode(), "text/csv")
    check(app.run())
    button(app, "Ingest").click()
    check(app.run())
    note = next(i.value for i in app.info if "Rules fired" in i.value)
    assert "1 new post about all brands mentions 'recall'" in note
    assert rows(writable_db, "SELECT count(*) FROM rule_firings") == [(1,)]
    assert len(list((tmp_path / "alerts").glob("*.md"))) == 1


def test_edit_puts_a_saved_rule_in_the_form_and_update_keeps_it(monkeypatch, writable_db):
    """A rule made with the CLI (two emails, two webhooks, a theme in its scope) comes back
    into the form whole, so updating one threshold keeps everything else."""
    from analysis.rules.model import Action, Rule
    from analysis.rules.store import add_rule, get_rule
    from loaders import store

    monkeypatch.setenv(
        "BRANDPULSE_WEBHOOKS", "team=https://hooks.example/a,ops=https://hooks.example/b"
    )
    [(theme,)] = rows(writable_db, "SELECT min(theme) FROM doc_facts")
    actions = (
        Action("email", "a@example.com"),
        Action("email", "b@example.com"),
        Action("webhook", "team", "teams"),
        Action("webhook", "ops", "teams"),
        Action("tag", "spike"),
    )
    rule = Rule(
        "Tidewell spikes",
        "volume_spike",
        {"times": 3.0, "baseline_weeks": 6},
        {"brand": "Tidewell", "theme": theme, "sentiment": "negative"},
        actions,
        cooldown_hours=12,
    )
    with store.session(writable_db) as con:
        stored = add_rule(con, rule)
    app = open_page(monkeypatch, writable_db, "rules")
    button(app, "Edit in the form above").click()
    check(app.run())
    assert app.selectbox(key="rule-template").value == "Volume spike"
    assert app.text_input(key="rule-Volume spike-name").value == "Tidewell spikes"
    assert app.number_input(key="rule-Volume spike-times").value == 3.0
    assert app.number_input(key="rule-Volume spike-baseline_weeks").value == 6
    assert app.selectbox(key="rule-Volume spike-theme").value == theme
    assert app.selectbox(key="rule-Volume spike-sentiment").value == "negative"
    assert app.text_input(key="rule-email").value == "a@example.com, b@example.com"
    assert app.multiselect(key="rule-webhook").value == ["team", "ops"]
    assert app.checkbox(key="rule-file").value is False
    app.number_input(key="rule-Volume spike-times").set_value(2.5)
    check(app.run())
    button(app, "Update the rule 'Tidewell spikes' with these settings").click()
    check(app.run())
    with store.session(writable_db, read_only=True) as con:
        updated = get_rule(con, "Tidewell spikes")
    assert updated.params["times"] == 2.5 and updated.params["baseline_weeks"] == 6
    assert (updated.scope, updated.actions, updated.cooldown_hours) == (
        stored.scope,
        stored.actions,
        12.0,
    )


def _store_rules(db, *rules) -> None:
    from analysis.rules.store import add_rule
    from loaders import store

    with store.session(db) as con:
        for rule in rules:
            add_rule(con, rule)


def _edit(app, name: str):
    app.selectbox(key="rule-chosen").set_value(name)
    check(app.run())
    button(app, "Edit in the form above").click()
    return check(app.run())


def test_a_rule_the_form_cannot_hold_is_refused_with_what_and_the_cli(monkeypatch, writable_db):
    """Values outside a widget's range or options, and actions the widgets cannot hold, are
    not loaded (Update would save other values): the note names them and the CLI."""
    from analysis.rules.model import Action, Rule

    monkeypatch.setenv(
        "BRANDPULSE_WEBHOOKS", "team=https://hooks.example/a,ops=https://hooks.example/b"
    )
    file = (Action("file"),)
    refused = {
        "Tiny share": (
            Rule("Tiny share", "negative_share", {"above": 0.0005}, {}, file),
            "above=0.0005 (the form takes 0.1% to 99.9%)",
        ),
        # 26 weeks fit the widened baseline (2 to 52); 1.0 times is below the widget's 1.1.
        "Any rise": (
            Rule("Any rise", "volume_spike", {"times": 1.0, "baseline_weeks": 26}, {}, file),
            "times=1.0 (the form takes 1.1 to 20.0)",
        ),
        "Long cooldown": (
            Rule("Long cooldown", "rating_below", {"below": 3.0}, {}, file, cooldown_hours=5000),
            "cooldown 5000 hours (the form takes 0 to 2160)",
        ),
        "Gone campaign": (
            Rule("Gone campaign", "campaign_negative", {"campaign": "Gone"}, {}, file),
            "campaign Gone (not among the campaigns)",
        ),
        "Old theme": (
            Rule("Old theme", "rating_below", {"below": 3.0}, {"theme": 99}, file),
            "scope theme=99",
        ),
        "Mixed actions": (
            Rule(
                "Mixed actions",
                "rating_below",
                {"below": 3.0},
                {},
                (
                    Action("webhook", "team", "slack"),
                    Action("webhook", "ops", "teams"),
                    Action("tag", "a1"),
                    Action("tag", "b2"),
                ),
            ),
            "webhooks with different styles; more than one tag",
        ),
        "Twice": (
            Rule("Twice", "rating_below", {"below": 3.0}, {}, (Action("file"), Action("file"))),
            "actions the form cannot show",
        ),
    }
    _store_rules(writable_db, *(rule for rule, _ in refused.values()))
    app = open_page(monkeypatch, writable_db, "rules")
    for name, (_, problem) in refused.items():
        _edit(app, name)
        assert [w.value for w in app.warning] == [
            f"Rule '{name}' cannot be edited on this page: {problem}. "
            "Use \\`brandpulse rules edit\\` instead."
        ]
        # The form is left as it was: no rule of that name to update from it.
        assert app.text_input(key="rule-Negative surge-name").value == "Negative surge"
        assert not [b for b in app.button if b.label.startswith("Update the rule")]


def test_update_keeps_what_the_form_does_not_show(monkeypatch, writable_db):
    """A spike's z (no widget) survives an Update, a half-hour cooldown stays half an hour,
    and a parameter the rule leaves out shows the engine's default, not the template's."""
    from analysis.rules.model import Action, Rule
    from analysis.rules.store import get_rule
    from loaders import store

    spike = Rule("Spike", "volume_spike", {"times": 3.0, "z": 2.0}, {}, (Action("file"),), 0.5)
    share = Rule("Share", "negative_share", {"above": 0.4}, {}, (Action("file"),))
    _store_rules(writable_db, spike, share)
    app = _edit(open_page(monkeypatch, writable_db, "rules"), "Spike")
    assert app.number_input(key="rule-cooldown").value == 0.5
    assert app.number_input(key="rule-Volume spike-baseline_weeks").value == 4  # the engine's
    app.number_input(key="rule-Volume spike-times").set_value(2.5)
    check(app.run())
    button(app, "Update the rule 'Spike' with these settings").click()
    check(app.run())
    _edit(app, "Share")
    # The template asks for 30 posts; the rule runs with the engine's 20.
    assert app.number_input(key="rule-Negative surge-min_posts").value == 20
    with store.session(writable_db, read_only=True) as con:
        updated = get_rule(con, "Spike")
    assert updated.params == {"times": 2.5, "z": 2.0, "baseline_weeks": 4}
    assert updated.cooldown_hours == 0.5


def test_a_negative_share_rule_is_not_scoped_by_sentiment(monkeypatch, sample_db):
    # The filter bar's sentiment would make the share 100%: not offered, not carried over.
    app = open_page(monkeypatch, sample_db, "rules", query={"sentiment": "negative"})
    keys = [s.key for s in app.selectbox]
    assert "rule-Negative surge-brand" in keys and "rule-Negative surge-sentiment" not in keys
    assert not app.error
    app.selectbox(key="rule-template").set_value("Rating drop")
    check(app.run())
    assert app.selectbox(key="rule-Rating drop-sentiment").value == "negative"
