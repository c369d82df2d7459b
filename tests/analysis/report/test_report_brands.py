"""The report leads with one brand beside its competitors, in words and figures, and says
when a week has too little data; on hand-built databases with known figures."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from analysis.report.content import weekly_report
from analysis.report.html import trend_labels
from analysis.report.markdown import render_markdown
from loaders import store
from tests.analysis.topics.test_trends import LAST_WEEK, build
from tests.conftest import insert_documents, insert_labels


@pytest.fixture
def hand_built(settings):
    build(settings)  # brand A: 40 extra negative posts about lid leaks in the last week
    return settings


def test_the_report_leads_with_my_brand_beside_its_competitors(hand_built):
    with store.session(settings=hand_built, read_only=True) as con:
        report = weekly_report(con, LAST_WEEK, "A", my_brand="A")
    assert [row["brand"] for row in report.brands] == ["A", "B"]
    assert report.summary == [
        # 12 of 52 negative the week before, 50 of 90 now.
        "Negative posts about A more than doubled to 56%, driven by lid leaks.",
        "B was flat.",
    ]
    markdown = render_markdown(report)
    assert markdown.startswith("# Weekly report for A: ")
    assert "Negative posts about A more than doubled to 56%, driven by lid leaks. B was flat." in (
        markdown
    )
    table = markdown.split("## A and its competitors")[1].split("##")[0]
    assert "| A (my brand) | 64% (+13.3 pts) | 90 (+38) | -0.11 (-0.65) | 56% (+32.5 pts) |" in (
        table
    )
    assert "| B | 36% (-13.3 pts) | 50 (+0) | +0.60 (+0.00) | 20% (+0.0 pts) |" in table
    assert "The week before has" not in markdown  # seven days of data: nothing to flag
    # Spike drivers are shares of the spike's posts: none above 100%.
    spikes = markdown.split("## Spikes")[1].split("##")[0]
    assert "lid leaks (product quality) 44% of posts (4% before)" in spikes
    assert "lid leaks (product quality) 80% of negative posts (17% before)" in spikes
    assert max(int(p) for p in re.findall(r"(\d+)%", spikes)) <= 100
    stands_out = markdown.split("## What stands out")[1].split("##")[0]
    assert "(week:" not in stands_out and "; metric:" not in stands_out


def test_another_brand_leads_and_my_brand_is_still_marked(hand_built):
    with store.session(settings=hand_built, read_only=True) as con:
        report = weekly_report(con, LAST_WEEK, "B", my_brand="A")
    assert [row["brand"] for row in report.brands] == ["B", "A"]
    assert report.summary == [
        "B held steady at 50 posts and 20% negative.",
        "Negative posts about A more than doubled to 56%.",
    ]
    markdown = render_markdown(report)
    assert "| B (this report) |" in markdown and "| A (my brand) |" in markdown


def test_without_a_brand_the_report_says_so_and_covers_all_brands(hand_built):
    with store.session(settings=hand_built, read_only=True) as con:
        report = weekly_report(con, LAST_WEEK)
    assert report.kpis["documents"].current == 140  # both brands together, as before
    markdown = render_markdown(report)
    assert markdown.startswith("# Weekly report: ")
    assert "\nNo brand is set as yours, so this report covers all brands together" in markdown
    assert "## Brands\n" in markdown and "| A | 64% (+13.3 pts) |" in markdown


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def test_partial_weeks_and_a_thin_week_before_are_flagged(settings):
    monday = date(2025, 10, 6)  # 2025-W41: a post every day
    days = [monday + timedelta(days=n) for n in range(7)]
    days += [date(2025, 10, 4)] * 3  # the week before: three posts on its Saturday
    days += [date(2025, 9, 26), date(2025, 9, 27)]  # 2025-W39: its last two days
    documents = [
        (f"d{n}", "social", "twitter", "A", _at(day), f"post {n}") for n, day in enumerate(days)
    ]
    with store.session(settings=settings) as con:
        insert_documents(con, documents)
        insert_labels(
            con, {doc[0]: "negative" if n % 3 else "positive" for n, doc in enumerate(documents)}
        )
    with store.session(settings=settings, read_only=True) as con:
        report = weekly_report(con, "2025-W41", "A", my_brand="A")
    assert report.previous_days == 1
    # W39 is cut by the data's first day (26 September); W40's one day of posts is a quiet
    # week inside the data, not a partial one.
    assert [(row["week"], row["days"], row["partial"]) for row in report.trend] == [
        ("2025-W39", 3, True),
        ("2025-W40", 7, False),
        ("2025-W41", 7, False),
    ]
    assert trend_labels(report) == ["W39*", "W40", "W41"]
    markdown = render_markdown(report)
    assert "The week before has 1 day of data, so the changes against it are unreliable." in (
        markdown
    )
    assert "| 2025-W39 \\* (3 days) | 2 |" in markdown
    assert "| 2025-W40 | 3 |" in markdown
    assert "| 2025-W41 | 7 |" in markdown
    assert "Weeks marked \\* are cut by the start or end of the data" in markdown
    # Against one day of data the volume is not compared ("rose 2-fold" would be an artefact).
    assert (
        report.summary[0].startswith("A had 7 posts")
        or "Negative posts about A" in (report.summary[0])
    )
    assert report.summary[1] == "There are no competitors in the data to compare with."
