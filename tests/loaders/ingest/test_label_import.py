"""An export's human label column, mapped at ingest, becomes human labels of origin 'import'."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.ingest.files import ingest_file
from loaders.ingest.human_labels import ambiguous_codes, read_label_values
from tests.conftest import SHARED_DATA, needs_shared, rows


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def imported(db: Path) -> dict[str, str]:
    found = rows(
        db,
        "SELECT d.external_id, l.label FROM labels l JOIN documents d USING (doc_id) "
        "WHERE l.origin = 'import' ORDER BY 1",
    )
    return dict(found)


@pytest.mark.parametrize(
    ("values", "stars", "expected"),
    [
        (["negative", "Neutral", " POSITIVE"], False, ["negative", "neutral", "positive"]),
        (["neg", "neu", "pos"], False, ["negative", "neutral", "positive"]),
        (["0", "1", "2"], False, ["negative", "neutral", "positive"]),
        (["0", "1"], False, ["negative", "positive"]),
        (["-1", "0", "1"], False, ["negative", "neutral", "positive"]),
        (["1", "3", "5"], False, ["negative", "neutral", "positive"]),  # stars
        (["1.0", "2.0", "4.0", "5.0"], False, ["negative", "negative", "positive", "positive"]),
        (["1", "2"], True, ["negative", "negative"]),
        (["-1", "1"], False, ["negative", "positive"]),
    ],
)
def test_label_values(values, stars, expected):
    read = read_label_values(values, stars=stars)
    assert [read[v.strip()] for v in values] == expected


def test_values_that_are_not_labels_are_left_out():
    assert read_label_values(["positive", "spam", "n/a"]) == {"positive": "positive"}
    assert read_label_values(["7", "12"]) == {}


@pytest.mark.parametrize("values", [["1", "2"], ["0", "2"], ["1"], ["0"], ["2"]])
def test_codes_that_fit_several_codings_are_not_guessed(values):
    # {1, 2} is 0/1/2 without a 0, or 1-2 stars; a lone code says nothing about its coding.
    assert read_label_values(values) == {} and ambiguous_codes(values)


def test_three_class_names_imported_with_the_documents(tmp_path, settings, db):
    csv = write(
        tmp_path / "airline.csv",
        "tweet_id,airline_sentiment,text,tweet_created\n"
        "1,negative,@united lost my bag,2015-02-24 11:35:52 -0800\n"
        "2,neutral,@united what gate?,2015-02-24 11:36:00 -0800\n"
        "3,positive,@united thanks for the upgrade,2015-02-24 11:37:00 -0800\n"
        "4,unsure,@united hmm,2015-02-24 11:38:00 -0800\n"
        "5,,@united no label here,2015-02-24 11:39:00 -0800\n",
    )
    result = ingest_file(csv, settings=settings, columns={"label": "airline_sentiment"})
    assert result.inserted == 5 and result.labels_imported == 3
    assert imported(db) == {"1": "negative", "2": "neutral", "3": "positive"}
    assert any("'unsure' (1)" in w for w in result.warnings)
    # The label column is mapped, so it is not kept again in `extra`.
    assert (
        rows(db, "SELECT count(*) FROM documents WHERE extra::VARCHAR LIKE '%airline_sentiment%'")[
            0
        ][0]
        == 0
    )

    again = ingest_file(csv, settings=settings, columns={"label": "airline_sentiment"})
    assert again.duplicates == 5 and again.labels_imported == 0
    assert rows(db, "SELECT count(*) FROM labels")[0][0] == 3


def test_numeric_codes_and_stars(tmp_path, settings, db):
    coded = write(
        tmp_path / "coded.csv",
        "id,date,text,label\n1,2026-01-01,awful,0\n2,2026-01-02,fine,1\n3,2026-01-03,lovely,2\n",
    )
    assert ingest_file(coded, settings=settings, columns={"label": "label"}).labels_imported == 3
    assert imported(db) == {"1": "negative", "2": "neutral", "3": "positive"}

    rated = write(
        tmp_path / "rated.csv",
        "review_id,date,review,rating\n"
        "r1,2026-01-01,broke in a week,1\nr2,2026-01-02,it is ok,3\nr3,2026-01-03,love it,4\n",
    )
    # Star ratings as labels: the column is mapped as both, by hand.
    result = ingest_file(
        rated, settings=settings, kind="review", columns={"label": "rating", "rating": "rating"}
    )
    assert result.labels_imported == 3
    assert {k: v for k, v in imported(db).items() if k.startswith("r")} == {
        "r1": "negative",
        "r2": "neutral",
        "r3": "positive",
    }
    assert rows(db, "SELECT rating FROM documents WHERE external_id = 'r3'")[0][0] == 4


def test_a_label_column_named_like_a_rating_is_not_read_as_one(tmp_path, settings, db):
    csv = write(
        tmp_path / "scored.csv",
        "id,date,text,score\n1,2026-01-01,awful,0\n2,2026-01-02,fine,1\n3,2026-01-03,lovely,2\n",
    )
    result = ingest_file(csv, settings=settings, columns={"label": "score"})
    assert result.rejected == 0 and result.labels_imported == 3
    assert "rating" not in result.mapping["columns"]
    assert imported(db) == {"1": "negative", "2": "neutral", "3": "positive"}
    assert rows(db, "SELECT count(rating) FROM documents")[0][0] == 0


def test_ambiguous_codes_import_nothing_and_say_why(tmp_path, settings, db):
    csv = write(
        tmp_path / "week.csv", "id,date,text,label\n1,2026-01-01,meh,1\n2,2026-01-02,yay,2\n"
    )
    result = ingest_file(csv, settings=settings, columns={"label": "label"})
    assert result.inserted == 2 and result.labels_imported == 0
    assert any("fit more than one coding" in w for w in result.warnings)


def test_an_import_never_overrides_a_label_given_in_brandpulse(tmp_path, settings, db):
    from analysis.sentiment.corrections import add_correction

    first = write(tmp_path / "first.csv", "id,date,text\n7,2026-01-01,it arrived\n")
    ingest_file(first, settings=settings)
    doc_id = rows(db, "SELECT doc_id FROM documents")[0][0]
    add_correction(settings, doc_id, "negative", "I checked this one")
    later = write(
        tmp_path / "later.csv", "id,date,text,sentiment\n7,2026-01-01,it arrived,positive\n"
    )
    assert (
        ingest_file(later, settings=settings, columns={"label": "sentiment"}).labels_imported == 1
    )
    assert rows(db, "SELECT label FROM doc_facts") == [("negative",)]
    assert rows(db, "SELECT origin FROM labels ORDER BY labeled_at") == [
        ("import",),
        ("correction",),
    ]


def test_a_column_with_many_values_is_not_a_label_column(tmp_path, settings, db):
    lines = "".join(f"{i},2026-01-01,post {i},user{i}\n" for i in range(60))
    csv = write(tmp_path / "users.csv", "id,date,text,who\n" + lines)
    result = ingest_file(csv, settings=settings, columns={"label": "who"})
    assert result.inserted == 60 and result.labels_imported == 0
    assert any("more than 40 different values" in w for w in result.warnings)


def test_unmapped_label_column_is_never_imported(tmp_path, settings, db):
    # A listening tool's "Sentiment" column is its machine's guess: never detected as human labels.
    csv = write(
        tmp_path / "tool.csv",
        "id,date,text,sentiment\n1,2026-01-01,meh,negative\n2,2026-01-02,yay,positive\n",
    )
    result = ingest_file(csv, settings=settings)
    assert result.labels_imported == 0 and imported(db) == {}


@needs_shared
def test_tweeteval_labels_import_in_full(tmp_path, settings, db):
    source = (SHARED_DATA / "tweeteval_sentiment" / "eval.csv").read_text(encoding="utf-8")
    lines = source.splitlines()
    # The file has no dates: give each row one, as an export would have.
    body = ["text,label,date"] + [f"{line},2026-01-01" for line in lines[1:]]
    csv = write(tmp_path / "tweets.csv", "\n".join(body) + "\n")
    result = ingest_file(csv, settings=settings, kind="social", columns={"label": "label"})
    labelled = rows(db, "SELECT label, count(*) FROM labels GROUP BY 1 ORDER BY 1")
    assert result.labels_imported == result.inserted > 2500
    assert [label for label, _ in labelled] == ["negative", "neutral", "positive"]
