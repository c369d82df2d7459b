"""Every reader survives any date the store can hold (issue 15, item 2).

Older databases (and any writer that bypasses ingest) hold documents dated in year 1,
year 200000, +-infinity or 9999-12-31. They are written here straight with SQL; the
readers must neither crash nor let a future placeholder date take over the defaults.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.campaigns.results import campaign_table
from analysis.filters import Filters
from analysis.insight.cards import insight_cards
from analysis.insight.facets import facet_values
from analysis.insight.kpis import period_kpis, top_movers
from analysis.insight.posts import find_posts
from analysis.insight.trend import brand_sparklines, sentiment_trend
from analysis.periods import Period, data_span, default_period, last_full_week, report_weeks
from analysis.report.content import weekly_report
from analysis.topics.spikes import detect_spikes, period_alerts
from analysis.topics.trends import emerging_topics, topic_sentiment, topics_over_time
from dashboard.cli import cli
from loaders import store
from loaders.config import Settings
from loaders.store import facts
from loaders.store.info import store_info
from tests.conftest import insert_documents

# Every kind of date DuckDB stores that Python cannot hold, or that a placeholder uses.
HOSTILE_DATES = [
    "0001-01-01",
    "200000-01-01",
    "infinity",
    "-infinity",
    "9999-12-31",
    "2999-06-01",
    "294246-12-31",  # about the last TIMESTAMPTZ there is
]
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
GOOD_DAYS = 20  # 2025-10-01 .. 2025-10-20, two documents a day


def hostile_database(settings: Settings, extra_dates: list[str] = HOSTILE_DATES) -> Path:
    """40 ordinary reviews in October 2025, plus one review for each of ``extra_dates``
    inserted with SQL as an older version would have stored it."""
    with store.session(settings=settings) as con:
        insert_documents(
            con,
            [
                (
                    f"good-{n}",
                    "review",
                    "trustpilot",
                    "Tidewell",
                    datetime(2025, 10, 1, 12, tzinfo=UTC) + timedelta(days=n % GOOD_DAYS),
                    f"The lid leaks, day {n}",
                )
                for n in range(2 * GOOD_DAYS)
            ],
        )
        for n, value in enumerate(extra_dates):
            con.execute(
                "INSERT INTO documents (doc_id, kind, source, brand, created_at, text, "
                "text_hash, ingest_run_id) VALUES (?, 'review', 'trustpilot', 'Tidewell', "
                "?::TIMESTAMPTZ, ?, ?, 1)",
                [f"odd-{n}", value, f"placeholder {value}", f"hash-{n}"],
            )
        con.execute(
            "INSERT INTO campaigns (name, brand, start_date, end_date) VALUES "
            "('Autumn', 'Tidewell', DATE '2025-10-08', DATE '2025-10-12')"
        )
        facts.refresh_if_stale(con)
    return settings.db


def give_analysis(settings: Settings) -> None:
    """Sentiment (alternating negative and positive) and one topic for every document, as
    if `brandpulse analyze` had run: the pages then draw their charts."""
    with store.session(settings=settings) as con:
        con.execute("INSERT INTO models VALUES ('m', 'test', 'x', NULL, NULL, NULL, now(), true)")
        con.execute(
            "INSERT INTO sentiment SELECT doc_id, 'm', label, 0, 0, 0, "
            "CASE label WHEN 'positive' THEN 1 ELSE -1 END, 'en', NULL, now() "
            "FROM (SELECT doc_id, CASE WHEN hash(doc_id) % 2 = 0 THEN 'negative' "
            "ELSE 'positive' END AS label FROM documents)"
        )
        con.execute("INSERT INTO topic_runs VALUES (1, now(), now(), 47, 47, 1, 0.0, 'x', '{}', 1)")
        con.execute(
            "INSERT INTO topics VALUES (1, 0, 'lid leaks', ['lid'], 47, NULL, NULL, [1.0], "
            "['odd-2', 'good-1'], 0, 0.5)"
        )
        con.execute("INSERT INTO themes VALUES (1, 0, 'product quality', ['lid'], NULL, [1.0])")
        con.execute("INSERT INTO doc_topics SELECT doc_id, 1, 0, 0.9 FROM documents")
        facts.refresh_if_stale(con)


@pytest.fixture
def hostile_db(settings: Settings) -> Path:
    return hostile_database(settings)


def test_every_reader_survives_and_ignores_unplaceable_dates(settings, hostile_db):
    with store.session(settings=settings, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM doc_facts").fetchall()[0][0] == 47
        period = default_period(con, now=NOW)
        assert period == Period(date(2025, 10, 14), date(2025, 10, 20))
        assert data_span(con, now=NOW) == Period(date(2025, 10, 1), date(2025, 10, 20))
        kpis = period_kpis(con, period)
        assert (kpis["documents"].current, kpis["documents"].previous) == (14, 14)
        assert [m.key for m in top_movers(con, "brand", period)] == ["Tidewell"]
        for grain in ("day", "week", "month"):
            trend = sentiment_trend(con, grain=grain)
            assert all(isinstance(row["period"], date) for row in trend)
            # 40 good documents and the one dated 2999 (a date, just a future one)
            assert sum(row["documents"] for row in trend) == 41
        posts = find_posts(con, order="newest", limit=100)
        assert len(posts) == 41 and posts[0]["doc_id"] == "odd-5"  # 2999-06-01
        assert all(isinstance(p["created_at"], datetime) for p in posts)
        assert find_posts(con, order="oldest")[0]["doc_id"] == "good-0"
        sparks = brand_sparklines(con)
        assert sparks[0]["documents"] == 41
        assert facet_values(con)["brand"] == [("Tidewell", 47)]  # still stored
        assert topic_sentiment(con) == [] and topics_over_time(con) == []
        assert emerging_topics(con, now=NOW) == []
        assert detect_spikes(con) == []
        assert period_alerts(con, period.start, period.end).spikes == []
        (row,) = campaign_table(con)
        assert (row["campaign"], row["raw verdict"]) == ("Autumn", "no data")
        assert row["verdict"] == "cannot tell" and row["effect"] is None
        assert insight_cards(con, period) == []


def test_the_last_full_week_and_the_default_period_ignore_rows_beyond_now(settings, hostile_db):
    with store.session(settings=settings, read_only=True) as con:
        assert last_full_week(con, now=NOW) == date(2025, 10, 13)
        assert report_weeks(con, now=NOW) == ["2025-W42", "2025-W41", "2025-W40"]
        assert weekly_report(con, now=NOW).week == "2025-W42"
        # Earlier clock: documents after it do not count either, up to the instant.
        mid_october = datetime(2025, 10, 15, 11, 0, tzinfo=UTC)  # before the noon post
        assert last_full_week(con, now=mid_october) == date(2025, 10, 6)
        assert default_period(con, now=mid_october) == Period(date(2025, 10, 8), date(2025, 10, 14))
        assert report_weeks(con, now=datetime(2025, 9, 1, tzinfo=UTC)) == []


def test_weeks_and_periods_at_the_ends_of_the_calendar(settings, hostile_db):
    assert Period(date(1, 1, 1), date(1, 1, 3)).previous() == Period(date(1, 1, 1), date(1, 1, 1))
    with store.session(settings=settings, read_only=True) as con:
        last = weekly_report(con, "9999-W52")
        assert last.period == Period(date(9999, 12, 27), date(9999, 12, 31))
        assert last.kpis["documents"].current == 0  # the 9999-12-31 row is not readable
        first = weekly_report(con, "0001-W01")
        assert first.period.start == date(1, 1, 1) and first.kpis["documents"].current == 0
        far = Filters(start=date(2999, 1, 1))
        assert find_posts(con, far)[0]["doc_id"] == "odd-5"
        assert period_alerts(con, date(1, 1, 1), date(1, 1, 20)).spikes == []


def test_report_and_db_info_commands_with_placeholder_dates(settings, hostile_db, tmp_path):
    out = tmp_path / "week.md"
    result = CliRunner().invoke(cli, ["report", "--db", str(hostile_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Report for 2025-W42 written to")
    assert "2025-W42" in out.read_text()

    result = CliRunner().invoke(cli, ["db", "info", "--db", str(hostile_db)])
    assert result.exit_code == 0, result.output
    assert "47 documents, 2025-10-01 to 2999-06-01" in result.output
    # year 1, 200000, +-infinity, 9999-12-31, 294246 are outside; five rows are in the future
    assert "6 dated before year 2 or after 9998 (no chart shows them), 5 dated after now" in (
        result.output
    )
    with store.session(settings=settings, read_only=True) as con:
        info = store_info(con)
    assert (info.outside_window, info.after_now) == (6, 5)


def test_a_database_holding_only_unplaceable_dates_has_no_default(settings):
    hostile_database(settings, ["infinity", "9999-12-31", "0001-01-01"])
    with store.session(settings=settings) as con:
        con.execute("DELETE FROM documents WHERE doc_id LIKE 'good-%'")
        facts.refresh_if_stale(con)
    with store.session(settings=settings, read_only=True) as con:
        assert default_period(con, now=NOW) is None
        assert report_weeks(con, now=NOW) == []
        assert store_info(con).first is None
    result = CliRunner().invoke(cli, ["report", "--db", str(settings.db), "--out", "x.md"])
    assert result.exit_code == 1
    assert "There is nothing to report" in result.output
