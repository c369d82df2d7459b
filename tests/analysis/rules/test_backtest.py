"""The backtest lists exactly the windows the engine fires for when checked at the end of every
week, cooldown included, writes nothing, and its window figures equal SQL."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from analysis.rules.backtest import backtest, check_moments, window_figures
from analysis.rules.engine import check_rules
from analysis.rules.model import Action, Delivery, Rule
from analysis.rules.store import add_rule
from loaders import store
from tests.conftest import rows

SURGE = Rule(
    "Negative surge",
    "negative_share",
    {"above": 0.5, "min_posts": 30, "window": "week"},
    {"brand": "Tidewell"},
    (Action("file"),),
)
WEEKLY_SHARE = """
SELECT strftime(day - (isodow(day) - 1)::INTEGER, '%G-W%V') AS week,
       count(*) FILTER (WHERE label = 'negative') / count(label) AS share
FROM doc_facts WHERE brand = 'Tidewell' AND label IS NOT NULL
GROUP BY 1 HAVING count(label) >= 30 ORDER BY 1
"""


def replayed(settings, rule: Rule) -> tuple[list[str], list]:
    """The windows check_rules fires for, checking at the end of every week with data."""
    with store.session(settings=settings) as con:
        add_rule(con, rule)
        [(first, last)] = con.execute("SELECT min(day), max(day) FROM doc_facts").fetchall()
    calls = []

    def deliver(firing, action, _settings):
        calls.append(firing.window)
        return Delivery(action, True, "recorded")

    windows, moments = [], []
    for moment in check_moments(first, last, "week"):
        for firing in check_rules(settings, now=moment, deliver=deliver).fired:
            windows.append(firing.window)
            moments.append(firing.fired_at)
    assert calls == windows  # each firing delivered once
    return windows, moments


@pytest.fixture
def fresh_copy(sample_settings, tmp_path):
    """A second database with the same data, for the engine to write to."""
    copy = tmp_path / "engine.duckdb"
    shutil.copy(sample_settings.db, copy)
    return replace(sample_settings, db=copy)


@pytest.mark.parametrize("cooldown", [24.0, 24.0 * 35])
def test_backtest_lists_the_windows_the_engine_fires(sample_settings, fresh_copy, cooldown):
    rule = replace(SURGE, cooldown_hours=cooldown)
    with store.session(sample_settings.db, read_only=True, settings=sample_settings) as con:
        hits = backtest(con, rule, sample_settings)
    windows, moments = replayed(fresh_copy, rule)
    assert [h.window for h in hits] == windows
    assert [h.fired_at for h in hits] == moments
    assert "2025-W41" in windows
    if cooldown == 24.0:  # weekly checks never meet a day's cooldown: every bad week fires
        bad = [w for w, share in rows(sample_settings.db, WEEKLY_SHARE) if share > 0.5]
        assert windows == bad and len(bad) > 1
    else:  # 2025-W44, three weeks after the lid leaks, was bad but not worse: held back
        assert windows == ["2025-W41", "2025-W49"]
    # Nothing was written: the read-only connection would have refused it anyway.
    assert rows(sample_settings.db, "SELECT count(*) FROM rules") == [(0,)]


def backtest_at(settings, rule: Rule) -> list:
    with store.session(settings.db, read_only=True, settings=settings) as con:
        return backtest(con, rule, settings)


def test_window_figures_equal_sql(sample_settings):
    with store.session(sample_settings.db, read_only=True, settings=sample_settings) as con:
        hits = backtest(con, SURGE, sample_settings)
        figures = window_figures(con, SURGE, hits)
    expected = dict(rows(sample_settings.db, WEEKLY_SHARE))
    shown = {f.window: f.value for f in figures if f.value is not None}
    assert shown == pytest.approx(expected)
    assert {f.window for f in figures if f.fired} == {h.window for h in hits}
    assert all((f.value or 0) > 0.5 for f in figures if f.fired)
    for hit in hits:
        assert hit.figures["negative_share"] == pytest.approx(expected[hit.window])
        assert hit.value == hit.figures["negative_share"]


def test_keywords_replay_per_ingest_run(sample_settings):
    rule = Rule("Crisis words", "keywords", {"words": ["leak", "leaking"]}, {"brand": "Tidewell"})
    hits = backtest_at(sample_settings, rule)
    assert hits, "the sample's lid leaks mention leaks"
    runs = [int(h.window.split(":")[1]) for h in hits]
    assert runs == sorted(set(runs))
    total = rows(
        sample_settings.db,
        "SELECT count(*) FROM documents WHERE brand = 'Tidewell' "
        "AND regexp_matches(text, '\\b(leak|leaking)\\b', 'i')",
    )[0][0]
    assert sum(h.figures["posts"] for h in hits) == total


def test_day_windows_with_a_cooldown_match_daily_checks(sample_settings, fresh_copy):
    rule = replace(
        SURGE, params={"above": 0.5, "min_posts": 8, "window": "day"}, cooldown_hours=72.0
    )
    hits = backtest_at(sample_settings, rule)
    with store.session(settings=fresh_copy) as con:
        add_rule(con, rule)
        [(first, last)] = con.execute("SELECT min(day), max(day) FROM doc_facts").fetchall()
    fired = []
    for moment in check_moments(first, last, "day"):
        result = check_rules(fresh_copy, now=moment, deliver=lambda f, a, s: Delivery(a, True))
        fired += [(f.window, f.fired_at) for f in result.fired]
    assert [(h.window, h.fired_at) for h in hits] == fired
    assert len(fired) > 1


def test_sample_firing_is_marked_as_a_test(sample_settings):
    from datetime import UTC, datetime

    from analysis.rules.backtest import sample_firing

    now = datetime(2026, 1, 1, tzinfo=UTC)
    hits = backtest_at(sample_settings, SURGE)
    firing = sample_firing(SURGE, hits, now)
    assert firing.why.startswith("TEST: ") and firing.window == hits[-1].window
    assert firing.fired_at == now and firing.posts == hits[-1].firing.posts
    never = sample_firing(SURGE, [], now)
    assert never.why.startswith("TEST notification") and never.window == "test"
