"""Every dashboard page under Streamlit's AppTest: sample data, empty database, filters, actions."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import store
from loaders.safe_text import markdown_literal
from tests.conftest import REPO, insert_documents, rows, scalar

APP = str(REPO / "dashboard" / "app.py")
PAGES = {
    "overview": ("views/overview.py", "Overview"),
    "sentiment": ("views/sentiment.py", "Sentiment"),
    "topics": ("views/topics.py", "Topics"),
    "campaigns": ("views/campaigns.py", "Campaigns"),
    "suggestions": ("views/suggestions.py", "Suggestions"),
    "replies": ("views/replies.py", "Replies"),
    "report": ("views/report.py", "Report"),
    "explore": ("views/explore.py", "Explore"),
    "data": ("views/data.py", "Data"),
    "labeling": ("views/labeling.py", "Labeling"),
    "rules": ("views/rules.py", "Rules"),
}
WEEK_VOLUME = """
SELECT count(*) FROM documents
WHERE created_at >= (SELECT max(created_at)::DATE - 6 FROM documents) AND (? IS NULL OR brand = ?)
"""


@pytest.fixture
def sample_db(demo_run) -> Path:
    return demo_run[0]


@pytest.fixture
def writable_db(sample_db, tmp_path) -> Path:
    """A copy of the sample database for tests that write (labels, renames, uploads)."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_db, copy)
    return copy


def whole_range(db: Path) -> dict[str, str]:
    """A link's dates for all the data: without dates, pages use the last 7 days with data."""
    first, last = rows(db, "SELECT min(day), max(day) FROM doc_facts")[0]
    return {"from": first.isoformat(), "to": last.isoformat()}


def check(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def open_page(monkeypatch, db, page: str = "overview", query: dict | None = None) -> AppTest:
    monkeypatch.setenv("BRANDPULSE_DB", str(db))
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update(query or {})
    app.run()
    if page != "overview":
        check(app)
        app.switch_page(PAGES[page][0])
        app.run()
    check(app)
    assert [t.value for t in app.title] == [PAGES[page][1]]
    return app


def sidebar_select(app: AppTest, label: str, value) -> AppTest:
    next(s for s in app.sidebar.selectbox if s.label == label).set_value(value)
    return check(app.run())


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def decoded(values) -> list:
    """Plotly's JSON stores numeric arrays as base64 typed arrays."""
    import base64

    import numpy as np

    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"]).tolist()
    return list(values)


def chart_data(app: AppTest, index: int) -> list:
    """The traces of a page's Plotly chart, decoded (arrays as numpy arrays)."""
    import plotly.io

    return list(plotly.io.from_json(app.get("plotly_chart")[index].proto.spec).data)


# --- every page renders ------------------------------------------------------------------------
def test_overview_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db)
    week = scalar(sample_db, WEEK_VOLUME, [None, None])
    assert metric(app, "Volume") == f"{week:,}"
    brands = app.dataframe[-1].value
    assert sorted(brands["brand"]) == ["Glacio", "Pinecup", "Tidewell"]
    assert brands["documents"].sum() == scalar(  # the 12 ISO weeks up to the period's end
        sample_db,
        "SELECT count(*) FROM doc_facts WHERE brand IS NOT NULL "
        "AND week >= (SELECT max(week) FROM doc_facts) - 77",
    )


def test_sentiment_page_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "sentiment", query=whole_range(sample_db))
    assert len(app.get("plotly_chart")) == 3  # trend, shares, star ratings
    ratings = chart_data(app, 2)[0]
    assert sum(decoded(ratings.y)) == scalar(
        sample_db, "SELECT count(*) FROM documents WHERE rating > 0"
    )
    colours = {trace.name: trace.marker.color for trace in chart_data(app, 1)}
    assert colours == {"negative": "#d62728", "neutral": "#9e9e9e", "positive": "#2ca02c"}


def test_topics_page_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "topics", query=whole_range(sample_db))
    themes = app.dataframe[0].value  # the page leads with the themes
    assigned = scalar(sample_db, "SELECT count(*) FROM doc_topics WHERE topic >= 0")
    assert themes["documents"].sum() == assigned
    assert all(len(weekly) == len(themes["weekly"].iloc[0]) for weekly in themes["weekly"])
    # Each theme opens into its topics, with their sizes and an example post.
    first = themes.iloc[0]
    expander = next(
        e for e in app.expander if e.label.startswith(markdown_literal(first["name"]) + ": ")
    )
    topics = expander.dataframe[0].value
    in_theme = rows(
        sample_db,
        "SELECT topic FROM topics WHERE run_id = 1 AND theme = ? AND merged_into IS NULL",
        [int(first["theme"])],
    )
    assert sorted(topics["topic"]) == sorted(t for (t,) in in_theme)
    assert topics["documents"].sum() == first["documents"]
    assert all(topics["example"].str.len() > 0)
    other = scalar(sample_db, "SELECT count(*) FROM doc_topics WHERE topic < 0")
    assert any(f"({other:,}) fit no topic" in c.value for c in app.caption)


def test_explore_page_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "explore")
    posts = app.dataframe[0].value
    assert len(posts) == 50
    newest = scalar(sample_db, "SELECT max(created_at) FROM documents")
    assert posts["created_at"].iloc[0] == newest


def test_data_page_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "data")
    history = app.dataframe[0].value
    assert list(history["file"]) == ["social_posts.csv", "reviews.csv"]
    assert list(history["rejected"]) == [0, 3]
    assert any("have sentiment and a topic" in c.value for c in app.caption)


def test_labeling_page_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "labeling")
    # First a random sample, in a stable order: the fair way to measure the model.
    random_first = rows(
        sample_db,
        "SELECT d.text FROM sentiment s JOIN documents d USING (doc_id) WHERE s.label IS NOT NULL "
        "ORDER BY md5(s.doc_id || 'brandpulse-random-queue'), s.doc_id LIMIT 10",
    )
    assert [t.value for t in app.text] == [text for (text,) in random_first]
    assert any("No labels of yours yet" in c.value for c in app.caption)
    assert "label 100 more from the random sample" in app.info[0].value

    app.radio[0].set_value("uncertain")
    check(app.run())
    queue = [t.value for t in app.text]
    assert len(queue) == 10
    first = rows(
        sample_db,
        "SELECT d.text FROM sentiment s JOIN documents d USING (doc_id) WHERE s.label IS NOT NULL "
        "ORDER BY list_sort([p_negative, p_neutral, p_positive], 'DESC')[1] - "
        "list_sort([p_negative, p_neutral, p_positive], 'DESC')[2], doc_id LIMIT 1",
    )[0][0]
    assert queue[0] == first
    assert button(app, "Retrain with my corrections").disabled  # nothing corrected yet


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_on_an_empty_database(monkeypatch, tmp_path, page):
    app = open_page(monkeypatch, tmp_path / "empty.duckdb", page)
    if page == "data":
        assert any("No files ingested yet" in c.value for c in app.caption)
        assert app.file_uploader
    else:
        assert "No data yet" in app.info[0].value
        assert button(app, "Load the sample data")


def test_pages_offer_to_run_the_analysis(monkeypatch, tmp_path):
    from loaders.config import Settings
    from loaders.ingest.files import ingest_file

    db = tmp_path / "unanalyzed.duckdb"
    ingest_file(REPO / "sample_data" / "reviews.csv", settings=Settings(db=db))
    for page in ("overview", "topics", "labeling"):
        app = open_page(monkeypatch, db, page)
        assert "not analyzed yet" in app.info[0].value
        assert button(app, "Run the analysis")
    app = open_page(monkeypatch, db, "data")
    assert "not analyzed yet" in app.info[0].value


# --- filters -----------------------------------------------------------------------------------
def test_a_filter_changes_the_overview_and_the_url(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db)
    everyone = metric(app, "Volume")
    sidebar_select(app, "Brand", "Glacio")
    glacio = scalar(sample_db, WEEK_VOLUME, ["Glacio", "Glacio"])
    assert metric(app, "Volume") == f"{glacio:,}" != everyone
    assert app.query_params["brand"] == "Glacio"
    assert [b["brand"] for b in app.dataframe[-1].value.to_dict("records")] == ["Glacio"]


def test_filters_come_from_the_url(monkeypatch, sample_db):
    query = {"brand": "Pinecup", "kind": "review", "to": "yesterday", "product": "No Such Thing"}
    query["from"] = whole_range(sample_db)["from"]  # with no end: up to the last day
    app = open_page(monkeypatch, sample_db, "explore", query=query)
    posts = app.dataframe[0].value
    expected = scalar(
        sample_db, "SELECT count(*) FROM documents WHERE brand = 'Pinecup' AND kind = 'review'"
    )
    assert len(posts) == min(50, expected)
    assert set(posts["brand"]) == {"Pinecup"} and set(posts["kind"]) == {"review"}
    ignored = " ".join(c.value for c in app.sidebar.caption)
    assert "to=yesterday" in ignored and "No Such Thing" in ignored


def test_a_filter_changes_the_topic_table(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "topics", query=whole_range(sample_db))
    everything = app.dataframe[0].value["documents"].sum()
    sidebar_select(app, "Kind", "review")
    reviews = scalar(
        sample_db,
        "SELECT count(*) FROM doc_topics t JOIN documents d USING (doc_id) "
        "WHERE t.topic >= 0 AND d.kind = 'review'",
    )
    assert app.dataframe[0].value["documents"].sum() == reviews < everything


def test_sentiment_drill_down_shows_the_posts_of_a_period(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "sentiment", query=whole_range(sample_db))
    week = date(2025, 10, 6)
    next(s for s in app.selectbox if s.label == "Period").set_value(week)
    check(app.run())
    posts = app.dataframe[0].value
    expected = scalar(
        sample_db,
        "SELECT count(*) FROM documents WHERE created_at >= ?::DATE "
        "AND created_at < ?::DATE + INTERVAL 7 DAY",
        [week, week],
    )
    assert len(posts) == min(100, expected) > 0
    assert all(week <= c.date() <= week + timedelta(days=6) for c in posts["created_at"])


# --- explore ---------------------------------------------------------------------------------
def run_sql(app: AppTest, sql: str) -> AppTest:
    app.text_area[0].set_value(sql)
    button(app, "Run").click()
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("INSERT INTO documents (doc_id) VALUES ('x')", "only read-only queries can run here"),
        ("COPY documents TO '/tmp/out.csv'", "this is a COPY statement"),
        ("SELECT * FROM read_csv('/etc/passwd')", "files, URLs and other databases cannot be read"),
        ("ATTACH '/tmp/x.duckdb' AS x", "this is a ATTACH statement"),
    ],
)
def test_explore_refuses_writes_and_file_access(monkeypatch, sample_db, sql, message):
    app = run_sql(open_page(monkeypatch, sample_db, "explore"), sql)
    # The message is shown Markdown-escaped (it may quote the SQL): compare it unescaped.
    assert message.lower() in app.error[0].value.replace("\\", "").lower()
    assert len(app.dataframe) == 1  # only the post browser's table


def test_explore_runs_a_query(monkeypatch, sample_db):
    app = run_sql(
        open_page(monkeypatch, sample_db, "explore"),
        "SELECT kind, count(*) AS n FROM documents GROUP BY kind ORDER BY kind",
    )
    frame = app.dataframe[1].value
    assert list(frame["kind"]) == ["review", "social"]
    assert frame["n"].sum() == scalar(sample_db, "SELECT count(*) FROM documents")


def test_post_browser_searches_the_text(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "explore", query=whole_range(sample_db))
    app.text_input[0].set_value("LID")
    check(app.run())
    posts = app.dataframe[0].value
    matching = scalar(sample_db, "SELECT count(*) FROM documents WHERE text ILIKE '%lid%'")
    assert len(posts) == min(50, matching) > 0
    assert all("lid" in text.lower() for text in posts["text"])


# --- actions that write ---------------------------------------------------------------------
UPLOAD = (
    "date,review,stars,brand\n"
    "2025-12-01,The new lid works great,5,Tidewell\n"
    "2025-12-02,Leaked all over my bag,1,Tidewell\n"
    "2025-12-03,It is fine I guess,3,Tidewell\n"
    "not a date,Broken row,2,Tidewell\n"
)


def test_data_page_uploads_maps_and_ingests_a_file(monkeypatch, writable_db):
    before = scalar(writable_db, "SELECT count(*) FROM documents")
    app = open_page(monkeypatch, writable_db, "data")
    app.file_uploader[0].upload("shop_reviews.csv", UPLOAD.encode(), "text/csv")
    check(app.run())
    preview = app.dataframe[0].value
    assert list(preview.columns) == ["date", "review", "stars", "brand"] and len(preview) == 4
    mapped = {
        s.label.split(" ")[0]: s.value for s in app.selectbox if (s.key or "").startswith("map-")
    }
    assert mapped["text"] == "review" and mapped["created_at"] == "date"
    assert mapped["rating"] == "stars"
    button(app, "Ingest").click()
    check(app.run())
    assert [metric(app, m) for m in ("Read", "Inserted", "Duplicates", "Rejected")] == [
        "4",
        "3",
        "0",
        "1",
    ]
    rejected = app.dataframe[1].value
    assert "created_at" in rejected["reason"].iloc[0] or "date" in rejected["reason"].iloc[0]
    assert scalar(writable_db, "SELECT count(*) FROM documents") == before + 3
    assert "3 documents are waiting" in app.info[0].value


def test_data_page_refuses_files_over_the_limit(monkeypatch, writable_db):
    monkeypatch.setenv("BRANDPULSE_UPLOAD_LIMIT_MB", "1")
    app = open_page(monkeypatch, writable_db, "data")
    app.file_uploader[0].upload("huge.csv", b"text,date\n" + b"x" * (1024 * 1024 + 1), "text/csv")
    app.run()
    assert "takes files up to 1 MB" in app.error[0].value
    assert not [b for b in app.button if b.label == "Ingest"]


def test_one_click_labels_a_post(monkeypatch, writable_db):
    app = open_page(monkeypatch, writable_db, "labeling")
    first = app.text[0].value
    buttons = [b for b in app.button if b.key and b.key.startswith("label-")]
    doc_id = buttons[0].key.split("-", 1)[1].rsplit("-", 1)[0]
    next(b for b in buttons if b.key == f"label-{doc_id}-negative").click()
    check(app.run())
    assert rows(writable_db, "SELECT doc_id, label, origin FROM labels") == [
        (doc_id, "negative", "random")
    ]
    assert first not in [t.value for t in app.text]
    # A random-sample label measures the model; it is not one to retrain on.
    assert button(app, "Retrain with my corrections").disabled
    # The model's figures on the user's own labels appear, with their count.
    table = app.dataframe[0].value
    assert list(table["your labelled posts"]) == [1]
    app.radio[0].set_value("uncertain")
    check(app.run())
    least = next(b for b in app.button if b.key and b.key.startswith("label-"))
    least.click()
    check(app.run())
    assert not button(app, "Retrain with my corrections").disabled


def test_topics_page_renames_a_topic(monkeypatch, writable_db):
    app = open_page(monkeypatch, writable_db, "topics")
    topic = next(s for s in app.selectbox if s.label == "Topic").value  # the one the form renames
    app.text_input[0].set_value("Lids and leaks")
    next(b for b in app.button if b.label == "Rename").click()
    check(app.run())
    assert rows(
        writable_db, "SELECT user_label FROM topics WHERE topic = ? AND run_id = 1", [int(topic)]
    ) == [("Lids and leaks",)]
    # The renamed topic shows its new name in its theme's table.
    assert any("Lids and leaks" in list(d.value.get("label", [])) for d in app.dataframe[1:])


def test_topics_page_renames_a_theme(monkeypatch, writable_db):
    app = open_page(monkeypatch, writable_db, "topics")
    theme = int(app.dataframe[0].value["theme"].iloc[0])
    next(s for s in app.selectbox if s.label == "Theme").set_value(theme)
    next(t for t in app.text_input if "the theme" in t.label).set_value("Bottles *in general*")
    button(app, "Rename theme").click()
    check(app.run())
    assert rows(writable_db, "SELECT user_label FROM themes WHERE theme = ?", [theme]) == [
        ("Bottles *in general*",)
    ]
    assert app.dataframe[0].value["name"].iloc[0] == "Bottles *in general*"
    # The expander's label keeps the name literal: no Markdown emphasis.
    assert any(e.label.startswith("Bottles \\*in general\\*: ") for e in app.expander)


HOSTILE = "<img src=x onerror=alert(1)> [click](javascript:alert(2)) **loud**"


def test_post_text_is_never_rendered(monkeypatch, writable_db):
    with store.session(writable_db) as con:
        insert_documents(con, [("hostile", "social", "x", "Glacio", "2025-12-14 12:00", HOSTILE)])
    app = open_page(monkeypatch, writable_db, "explore")
    assert HOSTILE in list(app.dataframe[0].value["text"])
    rendered = [m.value for m in app.markdown] + [c.value for c in app.caption]
    assert not any("onerror" in value or "javascript:" in value for value in rendered)


def test_a_filter_changes_the_sentiment_charts(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "sentiment", query=whole_range(sample_db))
    sidebar_select(app, "Brand", "Pinecup")
    ratings = chart_data(app, 2)[0]
    assert sum(decoded(ratings.y)) == scalar(
        sample_db, "SELECT count(*) FROM documents WHERE rating > 0 AND brand = 'Pinecup'"
    )


def test_topics_page_merges_topics(monkeypatch, writable_db):
    with store.session(writable_db) as con:  # split topic 0 in two, within its theme
        [(theme, second)] = con.execute(
            "SELECT theme, (SELECT max(topic) + 1 FROM topics WHERE run_id = 1) "
            "FROM topics WHERE run_id = 1 AND topic = 0"
        ).fetchall()
        con.execute(
            "INSERT INTO topics SELECT run_id, ?, 'second', [], 0, NULL, NULL, centroid, [], "
            "theme, min_similarity FROM topics WHERE run_id = 1 AND topic = 0",
            [second],
        )
        con.execute(
            "UPDATE doc_topics SET topic = ? WHERE topic = 0 AND hash(doc_id) % 2 = 0", [second]
        )
        name = con.execute("SELECT label FROM themes WHERE theme = ?", [theme]).fetchall()[0][0]

    def theme_topics(app: AppTest) -> list[int]:
        prefix = markdown_literal(name) + ": "
        expander = next(e for e in app.expander if e.label.startswith(prefix))
        return sorted(expander.dataframe[0].value["topic"])

    app = open_page(monkeypatch, writable_db, "topics")
    assert {0, second} <= set(theme_topics(app))  # one theme holds both
    next(s for s in app.selectbox if s.label == "Topic").set_value(0)
    check(app.run())
    app.multiselect[0].set_value([second])
    next(b for b in app.button if b.label == "Merge").click()
    check(app.run())
    assert 0 in theme_topics(app) and second not in theme_topics(app)
    assert rows(writable_db, "SELECT count(*) FROM doc_topics WHERE topic = ?", [second]) == [(0,)]


@pytest.mark.slow
def test_the_empty_state_loads_the_sample_data(monkeypatch, tmp_path, tiny_model, tiny_base):
    monkeypatch.setenv("BRANDPULSE_SENTIMENT_MODEL", str(tiny_model))
    monkeypatch.setenv("BRANDPULSE_TOPIC_EMBEDDING_MODEL", str(tiny_base))
    db = tmp_path / "fresh.duckdb"
    app = open_page(monkeypatch, db)
    button(app, "Load the sample data").click()
    check(app.run(timeout=600))
    assert [t.value for t in app.title] == ["Overview"]
    assert "Analysis done: scored" in app.success[0].value
    week = scalar(db, WEEK_VOLUME, [None, None])
    assert metric(app, "Volume") == f"{week:,}"
    assert scalar(db, "SELECT count(*) FROM campaigns") == 3


# --- campaigns and suggestions -------------------------------------------------------------------
BRAND_NET = """
SELECT (count(*) FILTER (WHERE label = 'positive') - count(*) FILTER (WHERE label = 'negative'))
       / count(label)
FROM doc_facts, campaigns c
WHERE c.name = ? AND doc_facts.brand = c.brand AND day BETWEEN c.start_date AND c.end_date
"""


def test_campaigns_page_on_sample_data(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "campaigns")
    table = app.dataframe[0].value
    assert list(table["campaign"]) == [
        r[0] for r in rows(sample_db, "SELECT name FROM campaigns ORDER BY start_date")
    ]
    for _, row in table.iterrows():
        posts = scalar(
            sample_db,
            "SELECT count(DISTINCT doc_id) FROM campaign_documents WHERE campaign = ?",
            [row["campaign"]],
        )
        assert row["posts"] == posts
        assert row["brand net during"] == pytest.approx(
            scalar(sample_db, BRAND_NET, [row["campaign"]])
        )
    effects = chart_data(app, 0)
    assert sorted(x for trace in effects for x in decoded(trace.x)) == pytest.approx(
        sorted(table["effect"].dropna())
    )
    chooser = next(s for s in app.selectbox if s.label == "Campaign")
    chooser.set_value("Grind Never Stops")
    check(app.run())
    posts = scalar(
        sample_db,
        "SELECT count(DISTINCT doc_id) FROM campaign_documents WHERE campaign = ?",
        ["Grind Never Stops"],
    )
    assert metric(app, "Campaign posts") == f"{posts:,}"
    assert any(c.value.startswith("27 Oct 2025 to 09 Nov 2025, budget 25,000") for c in app.caption)
    result = next(
        r for _, r in app.dataframe[0].value.iterrows() if r["campaign"] == "Grind Never Stops"
    )
    assert metric(app, "Effect beyond the market") == f"{result['effect']:+.2f}"
    assert (
        metric(app, "95% interval")
        == f"{result['effect low']:+.2f} to {result['effect high']:+.2f}"
    )
    assert metric(app, "Verdict") == result["verdict"]
    # The verdict in words, the raw change beside it, and the spikes it overlapped.
    verdict = {"lifted": "Lifted", "backfired": "Backfired", "no clear effect": "No clear effect"}
    text = " ".join(m.value for m in app.markdown)
    assert verdict.get(result["verdict"], "Cannot tell") in text
    captions = " ".join(c.value for c in app.caption)
    assert "Raw before/during change of the brand's net sentiment" in captions
    assert f"{result['raw uplift']:+.2f}" in captions


def test_campaigns_page_adds_a_campaign(monkeypatch, writable_db):
    app = open_page(monkeypatch, writable_db, "campaigns")
    next(t for t in app.text_input if t.label == "Name").set_value("Summer Sip")
    next(s for s in app.selectbox if s.label == "Brand").set_value("Tidewell")
    next(d for d in app.date_input if d.label == "Start").set_value(date(2025, 10, 1))
    next(d for d in app.date_input if d.label == "End").set_value(date(2025, 10, 20))
    next(t for t in app.text_input if t.label == "Hashtags").set_value("#RefillRewards")
    button(app, "Save campaign").click()
    check(app.run())
    assert "Campaign 'Summer Sip' saved." in app.success[0].value
    assert rows(
        writable_db, "SELECT brand, start_date, hashtags FROM campaigns WHERE name = 'Summer Sip'"
    ) == [("Tidewell", date(2025, 10, 1), ["refillrewards"])]
    same_tag = scalar(
        writable_db,
        "SELECT count(*) FROM campaign_documents WHERE campaign = 'Refill Rewards' AND rule = 'hashtag'",
    )
    assert (
        scalar(writable_db, "SELECT count(*) FROM campaign_documents WHERE campaign = 'Summer Sip'")
        == same_tag
        > 0
    )
    assert "Summer Sip" in list(app.dataframe[0].value["campaign"])

    next(t for t in app.text_input if t.label == "Name").set_value("Backwards")
    next(d for d in app.date_input if d.label == "Start").set_value(date(2025, 10, 20))
    next(d for d in app.date_input if d.label == "End").set_value(date(2025, 10, 1))
    button(app, "Save campaign").click()
    app.run()
    assert [e.value for e in app.error] == [
        "Campaign 'Backwards': a campaign needs a name and an end on or after its start."
    ]


def test_suggestions_page_writes_and_reviews_copy(monkeypatch, writable_db):
    monkeypatch.setenv("BRANDPULSE_GENERATOR", "template")
    app = open_page(
        monkeypatch, writable_db, "suggestions", {"from": "2025-10-06", "to": "2025-10-12"}
    )
    assert any("Copy comes from fixed phrasings" in c.value for c in app.caption)
    formats = next(m for m in app.sidebar.multiselect if m.label == "Formats")
    formats.set_value(["social_post", "ad_headline"])
    next(s for s in app.sidebar.slider if s.label == "Drafts shown per format").set_value(1)
    check(app.run())
    button(app, "Write suggestions").click()  # the first card
    check(app.run())
    # The outcome shows in the card, beside its button (the first card's left column), in the
    # same run: no rerun to the top of the page, no message left over for the next page.
    assert [s.value for s in app.columns[0].success] == ["2 drafts written for 1 card(s)."]
    assert [s.value for s in app.success] == ["2 drafts written for 1 card(s)."]
    assert "flash" not in app.session_state
    assert next(m for m in app.sidebar.multiselect if m.label == "Formats").value == [
        "social_post",
        "ad_headline",
    ]
    stored = rows(
        writable_db, "SELECT id, format, text, status, source FROM suggestions ORDER BY id"
    )
    assert [(r[1], r[3], r[4]) for r in stored] == [
        ("social_post", "draft", "template"),
        ("ad_headline", "draft", "template"),
    ]
    assert [t.value for t in app.text_area] == [stored[0][2], stored[1][2]]

    app.text_area[0].set_value("Lids fixed for 99% of you!")
    button(app, "Save edit").click()
    app.run()
    assert rows(
        writable_db, "SELECT edited_text, problems FROM suggestions WHERE id = ?", [stored[0][0]]
    ) == [("Lids fixed for 99% of you!", ["the number '99%' is not in the card's facts"])]
    assert any("99%" in w.value for w in app.warning)
    next(
        b for b in app.button if b.label == "Approve" and b.key == f"approve-{stored[1][0]}"
    ).click()
    app.run()
    next(b for b in app.button if b.label == "Reject" and b.key == f"reject-{stored[0][0]}").click()
    app.run()
    assert rows(writable_db, "SELECT id, status FROM suggestions ORDER BY id") == [
        (stored[0][0], "rejected"),
        (stored[1][0], "approved"),
    ]
    assert not app.exception


def test_suggestions_page_tunes_the_brand_voice_or_says_why_not(monkeypatch, writable_db):
    # The template generator has no model to tune: one line says so, nothing is written.
    monkeypatch.setenv("BRANDPULSE_GENERATOR", "template")
    app = open_page(
        monkeypatch, writable_db, "suggestions", {"from": "2025-10-06", "to": "2025-10-12"}
    )
    button(app, "Tune brand voice").click()
    check(app.run())
    warnings = [w.value for w in app.warning if "brand voice" in w.value]
    assert len(warnings) == 1 and warnings[0].startswith("Only a local generator can learn")
    assert "\n" not in warnings[0] and not app.success


def test_report_page_previews_the_chosen_week(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "report")
    weeks = next(s for s in app.selectbox if s.label == "Week")
    assert weeks.options[0] == weeks.value  # the last full week first
    weeks.set_value("2025-W41")
    check(app.run())
    preview = [m.value for m in app.markdown]
    assert preview[0].startswith("# Weekly report: 2025-W41")
    posts = scalar(sample_db, "SELECT count(*) FROM doc_facts WHERE week = DATE '2025-10-06'")
    assert f"| Posts | {posts:,} |" in preview[1]  # the headline's table
    headings = [m.split("\n", 1)[0] for m in preview if m.startswith("#")]
    assert headings[1:7] == [
        "## Brands",  # no brand of mine: every brand side by side, none marked
        "## Sentiment, the last 12 weeks",
        "## Top themes",
        "## Emerging topics",
        "## Spikes",
        "## Campaigns",
    ]
    # The report's two charts, as in the downloaded files: weekly posts, and topic shares.
    assert len(app.get("plotly_chart")) == 2
    weekly_posts = [
        count
        for (count,) in rows(
            sample_db,
            "SELECT count(*) FROM doc_facts WHERE week BETWEEN DATE '2025-10-06' - 77 "
            "AND DATE '2025-10-06' GROUP BY week ORDER BY week",
        )
    ]
    assert list(chart_data(app, 0)[0].y) == weekly_posts
    next(s for s in app.selectbox if s.label == "Brand").set_value("Glacio")
    check(app.run())
    assert app.markdown[0].value.startswith("# Weekly report for Glacio: 2025-W41")


def test_report_page_says_how_to_get_pdf_export_without_a_browser(monkeypatch, sample_db, tmp_path):
    monkeypatch.setenv("BRANDPULSE_REPORT_BROWSER", str(tmp_path / "no-browser"))
    app = open_page(monkeypatch, sample_db, "report")
    [caption] = [c.value for c in app.caption if "PDF" in c.value]
    assert caption.startswith("PDF export needs Chromium, Chrome or Edge")
    assert app.markdown[0].value.startswith("# Weekly report: ")  # the rest still works


def test_report_page_takes_the_sidebar_brand_as_its_default(monkeypatch, sample_db):
    app = open_page(monkeypatch, sample_db, "report", query={"brand": "Glacio"})
    assert next(s for s in app.selectbox if s.label == "Brand").value == "Glacio"
    assert app.markdown[0].value.startswith("# Weekly report for Glacio: ")


def test_report_page_leads_with_my_brand_beside_its_competitors(monkeypatch, sample_db):
    monkeypatch.setenv("BRANDPULSE_MY_BRAND", "Tidewell")
    app = open_page(monkeypatch, sample_db, "report")
    brand = next(s for s in app.selectbox if s.label == "Brand")
    assert brand.value == "Tidewell"
    next(s for s in app.selectbox if s.label == "Week").set_value("2025-W41")
    check(app.run())
    preview = [m.value for m in app.markdown]
    assert preview[0].startswith("# Weekly report for Tidewell: 2025-W41")
    competitors = preview.index(next(m for m in preview if m.startswith("## Tidewell and its")))
    table = preview[competitors + 1]
    assert table.index("| Tidewell (my brand) |") < table.index("| Glacio |")
    assert "| Pinecup |" in table
    # The brand box still overrides; my brand stays marked among the competitors.
    next(s for s in app.selectbox if s.label == "Brand").set_value("Glacio")
    check(app.run())
    assert app.markdown[0].value.startswith("# Weekly report for Glacio: 2025-W41")
    table = next(m.value for m in app.markdown if "| Glacio (this report) |" in m.value)
    assert table.index("| Glacio (this report) |") < table.index("| Tidewell (my brand) |")
    next(s for s in app.selectbox if s.label == "Brand").select_index(0)  # All brands
    check(app.run())
    assert app.markdown[0].value.startswith("# Weekly report: 2025-W41")
    assert any("| Tidewell (my brand) |" in m.value for m in app.markdown)


def test_tagged_posts_get_a_tag_filter_and_a_tags_column(monkeypatch, writable_db):
    app = open_page(monkeypatch, writable_db, "explore")
    assert "Tag" not in [s.label for s in app.sidebar.selectbox]  # no tag yet: no box
    with store.session(writable_db) as con:
        picked = [
            r[0]
            for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id LIMIT 2").fetchall()
        ]
        con.executemany(
            "INSERT INTO doc_tags VALUES (?, 'lid-leak-week', NULL, NULL, now())",
            [[d] for d in picked],
        )
    app = open_page(
        monkeypatch,
        writable_db,
        "explore",
        query={"tag": "lid-leak-week", **whole_range(writable_db)},
    )
    tag_box = next(s for s in app.sidebar.selectbox if s.label == "Tag")
    assert tag_box.value == "lid-leak-week"
    posts = app.dataframe[0].value
    assert sorted(posts["doc_id"]) == picked
    assert [list(t) for t in posts["tags"]] == [["lid-leak-week"]] * 2
