import csv
import io
from datetime import date

import pytest

from analysis.filters import Filters
from analysis.suggestions import reply_queue
from analysis.suggestions.knowledge import best_entry
from loaders import knowledge, store
from loaders.errors import BrandpulseError
from loaders.knowledge import KnowledgeEntry
from tests.analysis.suggestions.test_plans import bag_of_words
from tests.conftest import insert_documents, insert_labels

POSTS = [
    (
        "leak",
        "social",
        "twitter",
        "Tidewell",
        "2025-10-08 10:00:00+00",
        "my trail bottle lid leaks all over my bag",
    ),
    (
        "late",
        "social",
        "twitter",
        "Tidewell",
        "2025-10-09 10:00:00+00",
        "the delivery came two weeks late, annoyed",
    ),
    ("happy", "social", "twitter", "Tidewell", "2025-10-09 11:00:00+00", "love my new bottle"),
    (
        "rival",
        "social",
        "twitter",
        "Glacio",
        "2025-10-09 12:00:00+00",
        "glacio cap broke on day one",
    ),
    ("old", "social", "twitter", "Tidewell", "2025-09-01 10:00:00+00", "lid leaks again"),
]
LABELS = {
    "leak": "negative",
    "late": "negative",
    "happy": "positive",
    "rival": "negative",
    "old": "negative",
}
WEEK = Filters(start=date(2025, 10, 6), end=date(2025, 10, 12))
LID = KnowledgeEntry(
    None,
    "Trail bottle lid leaks",
    "Send us a photo of the lid and we send a new seal for free.",
    ("https://tidewell.example/lid",),
    brand="Tidewell",
)


@pytest.fixture
def con(settings):
    with store.session(settings=settings) as con:
        insert_documents(con, POSTS)
        insert_labels(con, LABELS)
    with store.session(settings=settings) as con:
        con.execute("UPDATE documents SET url = 'https://x.example/leak' WHERE doc_id = 'leak'")
        yield con


def test_queue_is_the_periods_negative_posts_plus_rule_posts(con):
    ids = [p.doc_id for p in reply_queue.queue_posts(con, WEEK)]
    assert ids == ["rival", "late", "leak"]
    assert [
        p.doc_id
        for p in reply_queue.queue_posts(
            con, Filters(brand="Tidewell", start=WEEK.start, end=WEEK.end)
        )
    ] == ["late", "leak"]
    with store.transaction(con):
        assert reply_queue.add_to_queue(con, ["happy", "happy", "nope"], "rule:7") == 1
    queued = reply_queue.queue_posts(con, WEEK)
    assert [(p.doc_id, p.queued_by) for p in queued][:2] == [
        ("happy", "rule:7"),
        ("rival", "period"),
    ]


def test_retrieval_picks_the_brands_entry_or_none():
    other = KnowledgeEntry(2, "Glacio cap broke", "Glacio replaces caps.", brand="Glacio")
    entries = [KnowledgeEntry(1, *list(vars(LID).values())[1:]), other]
    match = best_entry("my trail bottle lid leaks", "Tidewell", entries, bag_of_words, 0.3)
    assert match is not None and match.entry.id == 1 and 0.3 < match.similarity <= 1.0
    # Glacio's entry is never offered for a Tidewell post, however close.
    assert best_entry("glacio cap broke", "Tidewell", [other], bag_of_words, 0.0) is None
    assert best_entry("the weather is nice", "Tidewell", entries, bag_of_words, 0.3) is None


def test_draft_review_and_export(con, settings):
    entry_id = knowledge.add_entry(con, LID)
    filters = Filters(brand="Tidewell", start=WEEK.start, end=WEEK.end)
    seen = []
    results = reply_queue.draft_queue(
        con, settings, filters, None, lambda *a: seen.append(a), embed=bag_of_words, threshold=0.3
    )
    assert seen[-1] == (reply_queue.DRAFTING, 2, 2)
    by_post = {r.post.doc_id: r for r in results}
    assert by_post["leak"].match.entry.id == entry_id
    assert by_post["late"].match is None
    stored = reply_queue.list_replies(con)
    assert {r.doc_id for r in stored} == {"leak", "late"}
    assert all(1 <= len([r for r in stored if r.doc_id == d]) <= 3 for d in ("leak", "late"))
    leak = [r for r in stored if r.doc_id == "leak"]
    assert all("new seal for free" in r.text and r.entry_id == entry_id for r in leak)
    late = [r for r in stored if r.doc_id == "late"]
    assert all(r.entry_id is None and "direct message" in r.text for r in late)

    approved = reply_queue.review_reply(con, leak[0].id, "approved")
    assert approved.status == "approved" and approved.reviewed_at is not None
    edited = reply_queue.review_reply(
        con,
        late[0].id,
        "approved",
        edited_text="Sorry! Use code SAVE50 for 50% off at acme.example",
    )
    assert edited.problems, "an edit that invents an offer and a link is flagged"
    # Drafting again replaces only unreviewed drafts.
    reply_queue.draft_queue(con, settings, filters, None, embed=bag_of_words, threshold=0.3)
    again = reply_queue.list_replies(con)
    assert {r.id for r in again if r.status == "approved"} == {leak[0].id, late[0].id}
    assert len([r for r in again if r.doc_id == "leak"]) == len(leak) + 1

    rows = list(csv.DictReader(io.StringIO(reply_queue.export_replies(con))))
    assert [r["post_id"] for r in rows] == ["late", "leak"]
    assert rows[1]["post_url"] == "https://x.example/leak"
    assert rows[1]["entry_issue"] == "Trail bottle lid leaks"
    assert rows[0]["reply"].startswith("Sorry! Use code")
    with pytest.raises(BrandpulseError, match="Unknown review status"):
        reply_queue.review_reply(con, leak[0].id, "published")
    with pytest.raises(BrandpulseError, match="no reply draft"):
        reply_queue.get_reply(con, 999)


@pytest.mark.slow
def test_minilm_retrieval_on_the_fixture_with_distractors():
    """The bundled MiniLM at the calibrated threshold: the right entry or none for 18 of the
    20 fixture posts (measured 0.9; TF-IDF word overlap at its own best threshold: 0.75)."""
    import json

    from analysis.suggestions.planned import copy_embedder
    from tests.conftest import REPO

    data = json.loads((REPO / "tests" / "fixtures" / "knowledge_posts.json").read_text())
    entries = [
        KnowledgeEntry(i, e["issue"], e["answer"], tuple(e["links"]), brand=e["brand"])
        for i, e in enumerate(data["entries"])
    ]
    names = [e["id"] for e in data["entries"]]
    embed = copy_embedder()
    right = 0
    for post in data["posts"]:
        match = best_entry(post["text"], post["brand"], entries, embed)
        right += (names[match.entry.id] if match else None) == post["entry"]
    assert right >= 18
