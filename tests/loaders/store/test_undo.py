"""Undo an ingest run, and re-map one (issue #21): the run's documents and everything derived
from them go, the run stays in the history as undone, and every run's accounting holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import store
from loaders.config import Settings
from loaders.errors import BrandpulseError, InputFileError, MappingError
from loaders.ingest.files import ingest_file
from loaders.ingest.runs import remap_run
from loaders.store.deletion import run_balance, run_history, undo_run
from loaders.store.facts import refresh_if_stale
from tests.conftest import rows, scalar
from tests.loaders.ingest.airline_fixture import write_airline_csv

DERIVED = ("sentiment", "doc_topics", "doc_tags", "doc_facts")


def _other_file(path: Path) -> Path:
    """Three reviews, one of them a tweet of the airline file again (same id: a duplicate),
    and one row without text (quarantined)."""
    path.write_text(
        "tweet_id,text,tweet_created,airline\n"
        "900,@united great crew,2015-02-25 08:00:00 -0800,United\n"
        "901,@delta lost my bag,2015-02-25 09:00:00 -0800,Delta\n"
        "570301031407624196,@united flight 1142 delayed 3 hours and nobody at the gate knows why,"
        "2015-02-24 11:35:52 -0800,United\n"
        "902,,2015-02-25 10:00:00 -0800,Delta\n"
    )
    return path


def _analyse(settings: Settings) -> None:
    """Derived rows for every document: a sentiment, a topic, a tag, the read model."""
    with store.session(settings=settings) as con:
        con.execute("INSERT INTO models VALUES ('m', 'test', 'x', NULL, NULL, NULL, now(), true)")
        con.execute(
            "INSERT INTO sentiment SELECT doc_id, 'm', 'negative', 1, 0, 0, -1, 'en', NULL, now() "
            "FROM documents"
        )
        con.execute(
            "INSERT INTO topic_runs VALUES (1, now(), now(), 14, 14, 1, 0.0, 'tiny', '{}', 1)"
        )
        con.execute("INSERT INTO doc_topics SELECT doc_id, 1, 0, 0.9 FROM documents")
        con.execute(
            "INSERT INTO doc_tags SELECT doc_id, 'flagged', NULL, NULL, now() FROM documents"
        )
        refresh_if_stale(con)


@pytest.fixture
def two_runs(settings: Settings, tmp_path: Path) -> tuple[int, int]:
    # The airline file with its brand left unmapped: the mistake to undo or re-map.
    first = ingest_file(
        write_airline_csv(tmp_path / "Tweets.csv"), settings=settings, columns={"brand": ""}
    )
    second = ingest_file(_other_file(tmp_path / "more.csv"), settings=settings)
    assert (first.rows_read, first.inserted, first.duplicates, first.rejected) == (12, 12, 0, 0)
    assert (second.rows_read, second.inserted, second.duplicates, second.rejected) == (4, 2, 1, 1)
    _analyse(settings)
    return first.run_id, second.run_id


def _of_run_and_all(db: Path, run: int) -> dict[str, tuple[int, int]]:
    """Per derived table: (rows of the run's documents, all rows)."""
    return {
        table: (
            scalar(
                db,
                f"SELECT count(*) FROM {table} WHERE doc_id IN "  # noqa: S608 - constant names
                "(SELECT doc_id FROM documents WHERE ingest_run_id = ?)",
                [run],
            ),
            scalar(db, f"SELECT count(*) FROM {table}"),  # noqa: S608
        )
        for table in DERIVED
    }


def _accounting_holds(db: Path) -> None:
    assert rows(
        db,
        "SELECT count(*) FROM ingest_runs "
        "WHERE rows_read <> rows_inserted + rows_duplicate + rows_rejected",
    ) == [(0,)]
    with store.session(db, read_only=True) as con:
        for _run, inserted, deleted, stored in run_balance(con):
            assert inserted - deleted == stored


def test_undo_removes_the_run_and_what_was_derived_and_keeps_it_in_the_history(
    settings: Settings, two_runs: tuple[int, int]
):
    first, second = two_runs
    assert {t: scalar(settings.db, f"SELECT count(*) FROM {t}") for t in DERIVED} == dict.fromkeys(  # noqa: S608
        DERIVED, 14
    )
    with store.session(settings=settings) as con:
        dry = undo_run(con, first, dry_run=True)
    assert dry.deletion.documents == 12 and dry.deletion.dry_run
    assert scalar(settings.db, "SELECT count(*) FROM documents") == 14  # a dry run changes nothing

    with store.session(settings=settings) as con:
        done = undo_run(con, first)
        history = run_history(con)
    assert done.deletion.documents == 12 and not done.deletion.dry_run
    assert done.deletion.derived["sentiment"] == 12 and done.deletion.derived["doc_facts"] == 12
    # Run 2 counted a duplicate (the tweet it shared with run 1): it may have shared posts.
    assert done.later_duplicates == [second]
    assert {t: scalar(settings.db, f"SELECT count(*) FROM {t}") for t in DERIVED} == dict.fromkeys(  # noqa: S608
        DERIVED, 2
    )
    assert rows(settings.db, "SELECT ingest_run_id, count(*) FROM documents GROUP BY 1") == [
        (second, 2)
    ]
    # Both runs are still listed, with what they read; the undone one says so.
    assert [(r[0], *r[3:9]) for r in history] == [
        (second, 4, 2, 1, 1, 2, ""),
        (first, 12, 12, 0, 0, 0, "undone"),
    ]
    assert rows(settings.db, "SELECT criteria, documents FROM deletions") == [
        (f"undo run {first}", 12)
    ]
    _accounting_holds(settings.db)


def test_undo_twice_or_an_unknown_run_is_an_error(settings: Settings, two_runs: tuple[int, int]):
    first, _ = two_runs
    with store.session(settings=settings) as con:
        undo_run(con, first)
        with pytest.raises(BrandpulseError, match=f"Ingest run {first} is already undone"):
            undo_run(con, first)
        with pytest.raises(BrandpulseError, match="There is no ingest run 99") as error:
            undo_run(con, 99)
    assert "Expected a run from 1 to 2" in str(error.value)
    assert scalar(settings.db, "SELECT count(*) FROM undone_runs") == 1


def test_undoing_a_run_removes_its_quarantined_rows(settings: Settings, two_runs: tuple[int, int]):
    _, second = two_runs
    with store.session(settings=settings) as con:
        done = undo_run(con, second)
    assert (done.deletion.documents, done.deletion.rejected_rows) == (2, 1)
    assert scalar(settings.db, "SELECT count(*) FROM rejected_rows") == 0
    assert scalar(settings.db, "SELECT count(*) FROM documents") == 12
    _accounting_holds(settings.db)


def test_remap_replaces_the_run_in_one_write(settings: Settings, two_runs: tuple[int, int]):
    first, second = two_runs
    assert scalar(settings.db, "SELECT count(*) FROM documents WHERE brand IS NULL") == 12
    result = remap_run(first, {"brand": "airline"}, settings=settings)
    assert result.run_id == second + 1
    assert result.replaced is not None and result.replaced.deletion.documents == 12
    # The same rows count as new again, not as duplicates of the undone run.
    assert (result.rows_read, result.inserted, result.duplicates, result.rejected) == (12, 12, 0, 0)
    assert result.mapping["columns"]["brand"] == "airline"
    assert rows(
        settings.db,
        "SELECT brand, count(*) FROM documents WHERE ingest_run_id = ? GROUP BY 1 ORDER BY 1",
        [result.run_id],
    ) == [("Delta", 3), ("Southwest", 2), ("US Airways", 2), ("United", 3), ("Virgin America", 2)]
    with store.session(settings=settings, read_only=True) as con:
        statuses = {r[0]: r[8] for r in run_history(con)}
    assert statuses == {
        result.run_id: "",
        second: "",
        first: f"undone, re-mapped as run {result.run_id}",
    }
    # The same posts with the same texts came back: their scores, topics and tags stay, and
    # the read model shows them with their brands (rebuilt, though every count is the same).
    assert _of_run_and_all(settings.db, result.run_id) == dict.fromkeys(DERIVED, (12, 14))
    assert rows(
        settings.db, "SELECT count(DISTINCT brand), count(*) FROM doc_facts WHERE brand IS NOT NULL"
    ) == [(5, 14)]
    assert scalar(settings.db, "SELECT count(*) FROM documents") == 14
    assert result.replaced.later_duplicates == []  # the post run 2 shared is back
    _accounting_holds(settings.db)


def test_remap_leaves_the_database_as_it_was_when_it_cannot_run(
    settings: Settings, two_runs: tuple[int, int], tmp_path: Path
):
    first, _ = two_runs
    with pytest.raises(MappingError, match="Column 'carrier' given for brand is not in Tweets.csv"):
        remap_run(first, {"brand": "carrier"}, settings=settings)
    (tmp_path / "Tweets.csv").write_text((tmp_path / "Tweets.csv").read_text() + "\n\n")
    with pytest.raises(InputFileError, match="has changed since ingest run 1 read it"):
        remap_run(first, {"brand": "airline"}, settings=settings)
    (tmp_path / "Tweets.csv").unlink()
    with pytest.raises(InputFileError) as gone:
        remap_run(first, {"brand": "airline"}, settings=settings)
    message = str(gone.value)
    assert message.startswith(f"The file of ingest run {first} is gone")
    assert f"Expected {tmp_path / 'Tweets.csv'}" in message
    assert "Found no file at that path" in message and "Fix: put the file back" in message
    assert scalar(settings.db, "SELECT count(*) FROM undone_runs") == 0
    assert scalar(settings.db, "SELECT count(*) FROM documents") == 14


def test_remap_takes_the_same_file_from_elsewhere_but_not_another(
    settings: Settings, two_runs: tuple[int, int], tmp_path: Path
):
    first, _ = two_runs
    moved = tmp_path / "uploaded-again" / "Tweets.csv"
    moved.parent.mkdir()
    (tmp_path / "Tweets.csv").rename(moved)
    other = _other_file(tmp_path / "other.csv")
    with pytest.raises(InputFileError, match="other.csv is not the file ingest run 1 read"):
        remap_run(first, {"brand": "airline"}, settings=settings, path=other)
    result = remap_run(first, {"brand": "airline"}, settings=settings, path=moved)
    assert (result.inserted, result.replaced.run) == (12, first)
    _accounting_holds(settings.db)


def _correct(db: Path, run: int, n: int = 3) -> list[str]:
    """Human corrections of the run's first ``n`` posts, one of them trained on."""
    with store.session(db) as con:
        ids = [
            r[0]
            for r in con.execute(
                "SELECT doc_id FROM documents WHERE ingest_run_id = ? ORDER BY created_at LIMIT ?",
                [run, n],
            ).fetchall()
        ]
        for doc_id in ids:
            con.execute(
                "INSERT INTO labels VALUES (?, 'positive', now(), 'by hand', 'correction')",
                [doc_id],
            )
        con.execute("INSERT INTO model_training_docs VALUES ('m', ?)", [ids[0]])
        con.execute(
            "INSERT INTO topics (run_id, topic, label, keywords, size, centroid, "
            "representative_docs) VALUES (1, 0, 'delays', ['delay'], 14, [1.0], ?)",
            [ids[:2]],
        )
        refresh_if_stale(con)
    return ids


def test_remap_keeps_the_corrections_and_tags_of_the_posts_that_come_back(
    settings: Settings, two_runs: tuple[int, int]
):
    # The review's repro: three corrections, a re-map of the brand, all twelve posts back.
    first, _ = two_runs
    corrected = _correct(settings.db, first)
    result = remap_run(first, {"brand": "airline"}, settings=settings)
    assert result.replaced.kept == {
        "labels": 3,
        "doc_tags": 12,
        "model_training_docs": 1,
        "sentiment": 12,
        "doc_topics": 12,
    }
    assert rows(settings.db, "SELECT doc_id, label, origin FROM labels ORDER BY doc_id") == sorted(
        (doc_id, "positive", "correction") for doc_id in corrected
    )
    assert rows(settings.db, "SELECT doc_id FROM model_training_docs") == [(corrected[0],)]
    # The read model has the corrections on the re-mapped posts, and topic sizes add up.
    assert rows(
        settings.db,
        "SELECT count(*) FILTER (WHERE corrected), count(*) FILTER (WHERE brand IS NULL) "
        "FROM doc_facts",
    ) == [(3, 0)]
    assert rows(settings.db, "SELECT size, representative_docs FROM topics") == [
        (14, corrected[:2])
    ]
    assert scalar(settings.db, "SELECT count(*) FROM doc_tags") == 14
    _accounting_holds(settings.db)


def test_remap_to_another_text_keeps_labels_and_tags_but_not_scores_or_topics(
    settings: Settings, two_runs: tuple[int, int]
):
    first, _ = two_runs
    _correct(settings.db, first)
    # The tweet ids stay, so the doc_ids do; the texts become the user names.
    result = remap_run(first, {"text": "name"}, settings=settings)
    assert result.inserted == 12
    assert result.replaced.kept == {
        "labels": 3,
        "doc_tags": 12,
        "model_training_docs": 1,
        "sentiment": 0,
        "doc_topics": 0,
    }
    assert _of_run_and_all(settings.db, result.run_id) == {
        "sentiment": (0, 2),
        "doc_topics": (0, 2),
        "doc_tags": (12, 14),
        "doc_facts": (12, 14),
    }
    _accounting_holds(settings.db)


def test_remap_imports_its_own_file_labels_again_and_corrections_stay_newest(
    settings: Settings, tmp_path: Path
):
    path = write_airline_csv(tmp_path / "Tweets.csv")
    first = ingest_file(
        path, settings=settings, columns={"brand": "", "label": "airline_sentiment"}
    )
    assert first.labels_imported == 12
    corrected = _correct(settings.db, first.run_id)
    remap_run(first.run_id, {"brand": "airline"}, settings=settings)
    # The file's 12 imports once (not twice), the 3 corrections kept and still winning.
    assert rows(settings.db, "SELECT origin, count(*) FROM labels GROUP BY 1 ORDER BY 1") == [
        ("correction", 3),
        ("import", 12),
    ]
    assert rows(
        settings.db,
        "SELECT count(*) FROM doc_facts WHERE label = 'positive' AND corrected "
        "AND doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [corrected],
    ) == [(3,)]
    # Unmapping the label column drops the file's imports; the corrections stay.
    remap_run(first.run_id + 1, {"label": ""}, settings=settings)
    assert rows(settings.db, "SELECT origin, count(*) FROM labels GROUP BY 1") == [
        ("correction", 3)
    ]
    _accounting_holds(settings.db)


def test_plain_undo_still_removes_the_corrections(settings: Settings, two_runs: tuple[int, int]):
    first, _ = two_runs
    _correct(settings.db, first)
    with store.session(settings=settings) as con:
        done = undo_run(con, first)
    assert (done.deletion.derived["labels"], done.kept) == (3, {})
    assert scalar(settings.db, "SELECT count(*) FROM labels") == 0
    assert scalar(settings.db, "SELECT count(*) FROM model_training_docs") == 0
    _accounting_holds(settings.db)
