"""The doc_facts read model follows every write: ingest, scores, corrections, topics, models."""

from __future__ import annotations

from loaders import store
from loaders.ingest.files import ingest_file
from loaders.store import facts
from tests.conftest import REPO, insert_documents, rows

# The figures doc_facts must hold, computed the slow way from the source tables.
LIVE = """
WITH latest AS (SELECT doc_id, arg_max(label, labeled_at) AS label FROM labels GROUP BY doc_id)
SELECT d.doc_id, (d.created_at AT TIME ZONE 'UTC')::DATE, d.brand,
       coalesce(l.label, s.label), l.label IS NOT NULL, t.topic
FROM documents d
LEFT JOIN sentiment s ON s.doc_id = d.doc_id
    AND s.model_version = (SELECT version FROM models WHERE active)
LEFT JOIN latest l ON l.doc_id = d.doc_id
LEFT JOIN doc_topics t ON t.doc_id = d.doc_id AND t.run_id = (SELECT max(run_id) FROM topic_runs)
ORDER BY d.doc_id
"""
FACTS = "SELECT doc_id, day, brand, label, corrected, topic FROM doc_facts ORDER BY doc_id"
DOCS = [
    ("a", "social", "x", "Glacio", "2025-10-06 23:30:00+00", "love it"),
    ("b", "social", "x", "Glacio", "2025-10-07 01:00:00+02", "hate it"),  # 2025-10-06 in UTC
    ("c", "review", "y", "Pinecup", "2025-10-13 12:00:00+00", "fine"),
]


def score(con, version: str, labels: dict[str, str]) -> None:
    con.execute(
        "INSERT INTO models VALUES (?, 'brandpulse', 'x', NULL, NULL, NULL, now(), false)",
        [version],
    )
    con.execute("UPDATE models SET active = (version = ?)", [version])
    for doc_id, label in labels.items():
        con.execute(
            "INSERT INTO sentiment VALUES (?, ?, ?, 0.3, 0.3, 0.4, 0.1, 'en', NULL, now())",
            [doc_id, version, label],
        )


def test_doc_facts_follow_every_kind_of_write(db):
    with store.session(db) as con:
        insert_documents(con, DOCS)
    assert rows(db, FACTS) == rows(db, LIVE)
    assert [r[1].isoformat() for r in rows(db, FACTS)] == ["2025-10-06", "2025-10-06", "2025-10-13"]

    with store.session(db) as con:
        score(con, "m1", {"a": "positive", "b": "negative", "c": "neutral"})
    assert [r[3] for r in rows(db, FACTS)] == ["positive", "negative", "neutral"]

    with store.session(db) as con:  # a correction wins
        con.execute(
            "INSERT INTO labels (doc_id, label, labeled_at) VALUES ('b', 'positive', now())"
        )
    assert rows(db, FACTS)[1][3:5] == ("positive", True)

    with store.session(db) as con:  # another model becomes active
        score(con, "m2", {"a": "negative", "c": "negative"})
    assert [r[3] for r in rows(db, FACTS)] == ["negative", "positive", "negative"]

    with store.session(db) as con:  # a topic model, then a merge that moves documents
        con.execute("INSERT INTO topic_runs VALUES (1, now(), now(), 3, 3, 2, 0, 'm', '{}', 1)")
        con.execute("INSERT INTO doc_topics VALUES ('a', 1, 0, 0.9), ('b', 1, 1, 0.9)")
    assert [r[5] for r in rows(db, FACTS)] == [0, 1, None]
    with store.session(db) as con:
        con.execute(
            "INSERT INTO topics VALUES (1, 1, 'x', [], 1, NULL, 0, [0.1], [], 0, 0.5), "
            "(1, 0, 'y', [], 1, NULL, NULL, [0.1], [], 0, 0.5)"
        )
        con.execute("UPDATE doc_topics SET topic = 0 WHERE topic = 1")
    assert [r[5] for r in rows(db, FACTS)] == [0, 0, None]
    assert rows(db, FACTS) == rows(db, LIVE)


def test_an_ingest_brings_its_facts_in_the_same_transaction(settings):
    ingest_file(REPO / "sample_data" / "reviews.csv", settings=settings)
    assert rows(settings.db, "SELECT count(*) FROM doc_facts") == rows(
        settings.db, "SELECT count(*) FROM documents"
    )
    with store.session(settings.db, read_only=True) as con:
        assert facts.is_current(con)


def test_a_labeling_click_updates_one_row_without_a_rebuild(settings, monkeypatch):
    from analysis.sentiment.corrections import add_correction

    with store.session(settings=settings) as con:
        insert_documents(con, DOCS)
        score(con, "m1", {"a": "positive", "b": "negative", "c": "neutral"})

    def no_rebuild(con):
        raise AssertionError("a labeling click rebuilt doc_facts")

    with monkeypatch.context() as patch:
        patch.setattr(facts, "refresh", no_rebuild)
        add_correction(settings, "b", "positive")
    assert rows(settings.db, FACTS) == rows(settings.db, LIVE)
    assert rows(settings.db, "SELECT score FROM doc_facts WHERE doc_id = 'b'") == [(1.0,)]
    with store.session(settings.db, read_only=True) as con:
        assert facts.is_current(con)
    # A rebuild from scratch gives the same rows.
    before = rows(settings.db, "SELECT * FROM doc_facts ORDER BY doc_id")
    with store.session(settings=settings) as con:
        facts.refresh(con)
    assert rows(settings.db, "SELECT * FROM doc_facts ORDER BY doc_id") == before
