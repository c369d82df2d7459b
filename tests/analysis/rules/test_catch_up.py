"""The window a check catches up on (the one that closed since the last check): it counts the
posts of the day's last second, a day window catches up over an empty weekend, a failure
while recording keeps it for the next check, and a theme or topic the topic model no
longer has is reported instead of watched."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pandas as pd

from analysis.rules import engine
from analysis.rules.engine import check_rules
from analysis.rules.model import Action, Rule
from loaders import store
from tests.analysis.rules.test_engine import SURGE, Recorder, add, at
from tests.conftest import insert_documents, rows

# Above half negative, over at least two labelled posts a day.
LATE = Rule(
    "Late posts",
    "negative_share",
    {"above": 0.5, "min_posts": 2, "window": "day"},
    {"brand": "A"},
    (Action("file"),),
)


def moment(day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2025, 10, day, hour, minute, second, micro, tzinfo=UTC)


def put_posts(settings, posts: list[tuple[datetime, str]]) -> None:
    """Posts of brand A at those moments with those labels (the active model's)."""
    documents = [
        (f"p{i:03d}", "social", "twitter", "A", created, f"post {i}")
        for i, (created, _) in enumerate(posts)
    ]
    labels = pd.DataFrame(
        [(f"p{i:03d}", label) for i, (_, label) in enumerate(posts)], columns=["doc_id", "label"]
    )
    with store.session(settings=settings) as con:
        insert_documents(con, documents)
        con.execute(
            "INSERT INTO models VALUES ('m', 'test', 'test', NULL, NULL, NULL, now(), true)"
        )
        con.register("labels_frame", labels)
        con.execute(
            "INSERT INTO sentiment SELECT doc_id, 'm', label, 0, 0, 0, "
            "CASE label WHEN 'negative' THEN -1 ELSE 1 END, 'en', NULL, now() FROM labels_frame"
        )


def checked_last(settings, rule: Rule, when: datetime) -> None:
    with store.session(settings=settings) as con:
        con.execute(
            "UPDATE rules SET created_at = ?, checked_at = ? WHERE rule_id = ?",
            [moment(1, 0), when, rule.rule_id],
        )


def test_the_caught_up_day_counts_its_last_second(settings):
    # Sunday's second negative post came at 23:59:59.5; the export brought it on Monday.
    put_posts(
        settings,
        [
            (moment(12, 10), "negative"),
            (moment(12, 23, 59, 59, 500_000), "negative"),
            (moment(13, 9), "positive"),
        ],
    )
    checked_last(settings, add(settings, LATE), moment(12, 20))
    [firing] = check_rules(settings, now=moment(13, 12), deliver=Recorder()).fired
    assert firing.window == "2025-10-12"
    assert (firing.figures["labeled"], firing.figures["negative"]) == (2, 2)


def test_a_day_window_catches_up_over_an_empty_weekend_a_week_window_does_not(settings):
    # Friday 3 October: two negative posts, checked at 18:00; nothing more until Monday 13th.
    put_posts(
        settings,
        [(moment(3, 10), "negative"), (moment(3, 16), "negative"), (moment(13, 9), "positive")],
    )
    day = add(settings, LATE)
    week = add(settings, Rule("Weekly", "negative_share", {**LATE.params, "window": "week"}))
    for rule in (day, week):
        checked_last(settings, rule, moment(3, 18))
    result = check_rules(settings, now=moment(13, 12), deliver=Recorder())
    # Friday ended after the last check: decided now. Week 40 is two weeks back: history.
    assert [(f.rule, f.window) for f in result.fired] == [("Late posts", "2025-10-03")]
    again = check_rules(settings, now=moment(13, 13), deliver=Recorder())
    assert again.fired == [] and again.skipped_already_fired == 0


def test_a_failure_while_recording_keeps_the_window_for_the_next_check(
    sample_settings, monkeypatch
):
    rule = add(sample_settings, SURGE)
    other = add(sample_settings, Rule("Rating drop", "rating_below", {"below": 3.0}, {}))
    for each in (rule, other):
        with store.session(settings=sample_settings) as con:
            con.execute(
                "UPDATE rules SET created_at = ?, checked_at = NULL WHERE rule_id = ?",
                [at(1), each.rule_id],
            )
    real = engine._record

    def record(con, rule, candidate, now):
        if rule.name == SURGE.name:
            raise OSError("disk full")
        return real(con, rule, candidate, now)

    monkeypatch.setattr(engine, "_record", record)
    monday_noon = at(13, hour=12)
    failed = check_rules(sample_settings, now=monday_noon, deliver=Recorder())
    # The other rule was checked and recorded; the broken one is one line, not checked.
    assert failed.problems == ["Negative surge: disk full"]
    assert [f.rule for f in failed.fired] == ["Rating drop"]
    query = "SELECT name, checked_at FROM rules ORDER BY name"
    assert rows(sample_settings.db, query) == [
        ("Negative surge", None),
        ("Rating drop", monday_noon),
    ]
    monkeypatch.setattr(engine, "_record", real)
    [firing] = check_rules(sample_settings, now=at(13, hour=13), deliver=Recorder()).fired
    assert (firing.rule, firing.window) == ("Negative surge", "2025-W41")


def test_a_theme_the_topic_model_lost_is_reported_and_a_known_one_named(settings):
    from tests.analysis.topics.test_trends import LAST_WEEK, build

    build(settings)  # themes 0 'daily use' and 1 'product quality' (all negative)
    quality = Rule("Quality", "negative_share", {"above": 0.5}, {"theme": 1})
    add(settings, quality)
    add(settings, Rule("Stale", "negative_share", {"above": 0.5}, {"theme": 3}))
    add(settings, Rule("Stale topic", "volume_spike", {}, {"brand": "A", "topic": 7}))
    now = datetime.combine(LAST_WEEK + timedelta(days=6), time(23), UTC)  # its Sunday
    result = check_rules(settings, now=now, deliver=Recorder())
    assert result.problems == [
        "Stale: scope theme 3 is not in the current topic model: edit the rule",
        "Stale topic: scope topic 7 is not in the current topic model: edit the rule",
    ]
    [firing] = result.fired
    assert firing.why.startswith("Negative posts about theme: product quality rose to 100%")
