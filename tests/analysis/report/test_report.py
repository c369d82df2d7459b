"""The weekly report's content equals the dashboard's figures; its Markdown is literal."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from analysis.periods import last_full_week
from analysis.report.content import weekly_report
from analysis.report.markdown import render_markdown
from dashboard.cli import cli
from loaders import store
from loaders.config import load_settings
from loaders.errors import BrandpulseError
from loaders.safe_text import markdown_literal as _escape
from tests.conftest import rows, scalar

WEEK_FIGURES = """
SELECT count(*),
       count(*) FILTER (WHERE label = 'negative') / count(label),
       avg(rating)
FROM doc_facts WHERE day BETWEEN ? AND ? AND brand = 'Tidewell'
"""


def test_report_figures_equal_sql(demo_run):
    db, _ = demo_run
    with store.session(settings=load_settings({"db": db}), read_only=True) as con:
        report = weekly_report(con, "2025-W41", "Tidewell")
    assert (report.week, report.period.start, report.period.end) == (
        "2025-W41",
        date(2025, 10, 6),
        date(2025, 10, 12),
    )
    [(documents, negative, rating)] = rows(
        db, WEEK_FIGURES, [date(2025, 10, 6), date(2025, 10, 12)]
    )
    assert report.kpis["documents"].current == documents
    assert report.kpis["share_negative"].current == pytest.approx(negative)
    assert report.kpis["average_rating"].current == pytest.approx(rating)
    before = scalar(
        db,
        "SELECT count(*) FROM doc_facts WHERE day BETWEEN '2025-09-29' AND '2025-10-05' "
        "AND brand = 'Tidewell'",
    )
    assert report.kpis["documents"].previous == before
    assert report.trend[-1]["week"] == "2025-W41" and report.trend[-1]["posts"] == documents
    weeks = scalar(
        db,
        "SELECT count(DISTINCT week) FROM doc_facts WHERE brand = 'Tidewell' "
        "AND day BETWEEN DATE '2025-10-12' - 83 AND DATE '2025-10-12'",
    )
    assert len(report.trend) == weeks == 7  # the sample starts in 2025-W35
    assert [c["campaign"] for c in report.campaigns] == ["Refill Rewards"]
    markdown = render_markdown(report)
    assert markdown.startswith("# Weekly report for Tidewell: 2025-W41\n")
    assert f"| Posts | {documents:,} | {before:,} | {documents - before:+,} |" in markdown
    for heading in (
        "## Top themes",
        "## Emerging topics",
        "## Spikes",
        "## Campaigns",
        "## Most negative posts",
    ):
        assert heading in markdown


BRAND_POSTS = """
SELECT brand, count(*) FROM doc_facts WHERE day BETWEEN ? AND ? GROUP BY brand
"""


def test_defect_week_report_leads_with_tidewell_beside_its_competitors(demo_run):
    db, _ = demo_run
    with store.session(settings=load_settings({"db": db}), read_only=True) as con:
        report = weekly_report(con, "2025-W41", "Tidewell", my_brand="Tidewell")
        later = weekly_report(con, "2025-W43", "Tidewell", my_brand="Tidewell")
    posts = dict(rows(db, BRAND_POSTS, [date(2025, 10, 6), date(2025, 10, 12)]))
    before = dict(rows(db, BRAND_POSTS, [date(2025, 9, 29), date(2025, 10, 5)]))
    assert [row["brand"] for row in report.brands] == ["Tidewell", "Glacio", "Pinecup"]
    assert {row["brand"]: row["posts"] for row in report.brands} == posts
    assert {row["brand"]: row["previous_posts"] for row in report.brands} == before
    assert sum(row["share_of_voice"] for row in report.brands) == pytest.approx(1.0)
    tidewell = report.brands[0]
    assert tidewell["share_of_voice"] == pytest.approx(posts["Tidewell"] / sum(posts.values()))
    assert posts["Tidewell"] > posts["Glacio"] + posts["Pinecup"]  # the defect week's surge
    assert report.kpis["documents"].current == posts["Tidewell"]
    assert report.previous_days == 7
    first, second = report.summary
    assert "Tidewell" in first and "Glacio" in second and "Pinecup" in second
    markdown = render_markdown(report)
    assert markdown.index("## Tidewell and its competitors") < markdown.index("## Sentiment")
    change = tidewell["share_of_voice_change"] * 100
    assert (
        f"| Tidewell (my brand) | {tidewell['share_of_voice']:.0%} ({change:+.1f} pts) | "
        f"{posts['Tidewell']:,} ({posts['Tidewell'] - before['Tidewell']:+,}) |"
    ) in markdown
    # Campaigns in or near the week only: Refill Rewards ended the day before 2025-W41;
    # in 2025-W43 it ended 15 days before, and Grind Never Stops starts the day after.
    assert [c["campaign"] for c in later.campaigns] == ["Grind Never Stops"]


def test_the_default_week_is_the_last_full_week(demo_run):
    db, _ = demo_run
    last = scalar(db, "SELECT max(day) FROM doc_facts")
    with store.session(settings=load_settings({"db": db}), read_only=True) as con:
        monday = last_full_week(con)
        assert weekly_report(con).period.start == monday
    sunday = monday.fromordinal(monday.toordinal() + 6)
    assert monday.weekday() == 0 and sunday <= last  # a full week of data
    assert (last - sunday).days < 7  # and the latest such week


def test_post_text_is_literal_markdown():
    assert _escape("see [this](http://x) <b>|</b> *now*") == (
        "see \\[this\\](http\\://x) &lt;b&gt;\\|&lt;/b&gt; \\*now\\*"
    )


def test_report_command(demo_run, tmp_path):
    db, _ = demo_run
    out = tmp_path / "week.md"
    result = CliRunner().invoke(
        cli, ["report", "--week", "2025-W41", "--out", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Report for 2025-W41 written to {out}"
    # No brand of mine: the report covers all brands together, and says so.
    markdown = out.read_text()
    assert markdown.startswith("# Weekly report: 2025-W41\n\nNo brand is set as yours, so ")
    mine = CliRunner().invoke(
        cli,
        ["report", "--week", "2025-W41", "--out", str(out), "--db", str(db)],
        env={"BRANDPULSE_MY_BRAND": "Tidewell"},
    )
    assert mine.exit_code == 0, mine.output
    markdown = out.read_text()
    assert markdown.startswith("# Weekly report for Tidewell: 2025-W41\n")
    assert "\n| Tidewell (my brand) | " in markdown
    other = CliRunner().invoke(
        cli,
        ["report", "--week", "2025-W41", "--brand", "Glacio", "--out", str(out), "--db", str(db)],
        env={"BRANDPULSE_MY_BRAND": "Tidewell"},
    )
    assert other.exit_code == 0, other.output
    markdown = out.read_text()
    assert markdown.startswith("# Weekly report for Glacio: 2025-W41\n")
    table = markdown.split("## Glacio and its competitors")[1]
    assert table.index("| Glacio (this report) |") < table.index("| Tidewell (my brand) |")
    docx = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "x.docx"), "--db", str(db)])
    assert docx.exit_code == 2 and "--out must end in .html, .pdf, .md; found x.docx" in docx.output
    empty = CliRunner().invoke(
        cli, ["report", "--out", str(out), "--db", str(tmp_path / "none.duckdb")]
    )
    assert empty.exit_code == 1 and "There is nothing to report" in empty.output


def test_an_empty_database_has_nothing_to_report(settings):
    with store.session(settings=settings) as con, pytest.raises(BrandpulseError, match="nothing"):
        weekly_report(con)


HOSTILE = {
    "text": '<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](http://evil.example)',
    "source": "twitter",
    "label": "negative",
}


def _report(db):
    with store.session(settings=load_settings({"db": db}), read_only=True) as con:
        return weekly_report(con, "2025-W41", "Tidewell")


def test_html_report_is_self_contained_and_escapes_post_text(demo_run):
    import dataclasses
    import re

    from analysis.report.html import render_html

    report = dataclasses.replace(_report(demo_run[0]), negative_posts=[HOSTILE])
    page = render_html(report)
    outside_scripts = re.sub(r"(?s)<script\b.*?</script>", "", page)
    assert not re.search(r"https?://", outside_scripts.replace(HOSTILE_ESCAPED, ""))
    assert not re.search(r"<script[^>]*\bsrc=", page)  # the chart library is inlined
    assert page.count('class="plotly-graph-div"') == 2  # trend and topics
    assert HOSTILE_ESCAPED in page and "<img src=x" not in page
    assert "<title>Weekly report for Tidewell: 2025-W41</title>" in page
    documents = report.kpis["documents"]
    assert f"<td>Posts</td><td>{documents.current:,.0f}</td>" in page


HOSTILE_ESCAPED = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;alert(2)&quot;&gt; "
    "[click](http://evil.example)"
)
