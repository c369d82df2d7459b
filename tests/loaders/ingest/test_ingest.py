from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from loaders.errors import InputFileError, MappingError
from loaders.ingest.files import ingest_file
from tests.conftest import SHARED_DATA, needs_shared, rows, scalar

HEADER = "id,text,date,rating,product\n"
GOOD = [
    "1,Love the bottle,2024-05-01T10:00:00Z,5,Trail Bottle\n",
    '2,"Lid leaks, sadly",2024-05-02T10:00:00Z,2,Trail Bottle\n',
    "3,Okay I guess,2024-05-03T10:00:00Z,3,Mug\n",
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def reconciles(result) -> bool:
    return result.rows_read == result.inserted + result.duplicates + result.rejected


def test_ingest_basic_counts_and_fields(tmp_path, settings, db):
    result = ingest_file(
        write(tmp_path / "r.csv", HEADER + "".join(GOOD)), settings=settings, brand="Tidewell"
    )
    assert (result.rows_read, result.inserted, result.duplicates, result.rejected) == (3, 3, 0, 0)
    assert result.kind == "review"
    stored = rows(
        db,
        "SELECT external_id, text, rating, product, brand, kind, source FROM documents ORDER BY external_id",
    )
    assert stored[1] == (
        "2",
        "Lid leaks, sadly",
        2.0,
        "Trail Bottle",
        "Tidewell",
        "review",
        "other",
    )
    run = rows(
        db,
        "SELECT rows_read, rows_inserted, rows_duplicate, rows_rejected, sha256, format FROM ingest_runs",
    )[0]
    assert run[:4] == (3, 3, 0, 0) and len(run[4]) == 64 and run[5] == "csv"


def test_reingest_is_idempotent(tmp_path, settings, db):
    path = write(tmp_path / "r.csv", HEADER + "".join(GOOD))
    ingest_file(path, settings=settings)
    again = ingest_file(path, settings=settings)
    assert (again.rows_read, again.inserted, again.duplicates) == (3, 0, 3)
    assert scalar(db, "SELECT count(*) FROM documents") == 3
    assert scalar(db, "SELECT count(DISTINCT doc_id) FROM documents") == 3
    assert scalar(db, "SELECT count(*) FROM ingest_runs") == 2


def test_dedup_without_ids_uses_text_source_and_time(tmp_path, settings, db):
    body = "text,date\nSame words,2024-05-01 10:00\nsame   WORDS,2024-05-01 10:00\nSame words,2024-05-02 10:00\n"
    result = ingest_file(write(tmp_path / "s.csv", body), settings=settings)
    # Normalised text + same time = duplicate; the later repost is its own document.
    assert (result.inserted, result.duplicates) == (2, 1)
    other_source = ingest_file(write(tmp_path / "s2.csv", body), settings=settings, source="reddit")
    assert other_source.inserted == 2


def test_duplicate_external_id_in_later_file(tmp_path, settings, db):
    ingest_file(write(tmp_path / "a.csv", HEADER + GOOD[0]), settings=settings)
    edited = "1,Love the bottle (edited),2024-05-01T10:00:00Z,5,Trail Bottle\n"
    result = ingest_file(write(tmp_path / "b.csv", HEADER + edited + GOOD[1]), settings=settings)
    assert (result.inserted, result.duplicates) == (1, 1)


def test_quarantine_reasons(tmp_path, settings, db):
    bad = [
        "10,,2024-05-01,5,x\n",
        "11,   ,2024-05-01,5,x\n",
        "12,no date here,,4,x\n",
        "13,bad date,yesterday-ish,4,x\n",
        "14,too many stars,2024-05-01,7,x\n",
        "15,not a rating,2024-05-01,great,x\n",
        f"16,{'a' * 100_001},2024-05-01,3,x\n",
    ]
    result = ingest_file(
        write(tmp_path / "q.csv", HEADER + "".join(GOOD) + "".join(bad)), settings=settings
    )
    assert (result.rows_read, result.inserted, result.rejected) == (10, 3, 7)
    reasons = dict(rows(db, "SELECT json_extract_string(raw, '$.id'), reason FROM rejected_rows"))
    assert reasons["10"] == reasons["11"] == "empty text"
    assert reasons["12"] == "missing date"
    assert reasons["13"] == "unparseable date 'yesterday-ish'"
    assert reasons["14"] == "rating 7 is outside 1-5"
    assert reasons["15"] == "rating 'great' is not a number from 1 to 5"
    assert reasons["16"] == "text is 100001 characters; the limit is 100000"
    raw = json.loads(rows(db, "SELECT raw FROM rejected_rows WHERE reason = 'missing date'")[0][0])
    assert raw == {"id": "12", "text": "no date here", "date": None, "rating": "4", "product": "x"}


def test_broken_quoting_is_quarantined_and_rest_loads(tmp_path, settings, db):
    body = (
        HEADER
        + GOOD[0]
        + '4,"unterminated quote,2024-05-04,4,x\n'
        + GOOD[1]
        + GOOD[2]
        + "5,too,many,fields,here,2024-01-01,3\n"
    )
    result = ingest_file(write(tmp_path / "b.csv", body), settings=settings)
    assert reconciles(result)
    assert result.inserted == 3  # the good rows, including those after the broken quote
    assert result.rejected == 2
    reasons = [r[0] for r in rows(db, "SELECT reason FROM rejected_rows ORDER BY row_number")]
    assert "unbalanced quote" in reasons[0] and "line 3" in reasons[0]
    assert "expected 5 fields, found 7" in reasons[1]


def test_extra_keeps_unmapped_columns(tmp_path, settings, db):
    body = "text,date,campaign_code,store id\nhello there,2024-01-01,X1,55\n"
    ingest_file(write(tmp_path / "e.csv", body), settings=settings)
    assert json.loads(scalar(db, "SELECT extra FROM documents")) == {
        "campaign_code": "X1",
        "store id": "55",
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_encodings(tmp_path, settings, db, encoding):
    text = (
        "text,date\nCafé crème – très “bon”,2024-01-01\n"
        if encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1252")
        else "text,date\nCafé crème très bon,2024-01-01\n"
    )
    result = ingest_file(write(tmp_path / "enc.csv", text, encoding), settings=settings)
    assert result.inserted == 1
    assert scalar(db, "SELECT text FROM documents") == text.splitlines()[1].rsplit(",", 1)[0]


def test_semicolon_and_tsv(tmp_path, settings, db):
    semi = ingest_file(
        write(tmp_path / "semi.csv", "text;date;stars\nGreat, really;2024-01-01;5\n"),
        settings=settings,
    )
    tsv = ingest_file(
        write(tmp_path / "t.tsv", "text\tdate\nTabbed, text\t2024-01-02\n"), settings=settings
    )
    assert semi.inserted == tsv.inserted == 1
    assert sorted(r[0] for r in rows(db, "SELECT text FROM documents")) == [
        "Great, really",
        "Tabbed, text",
    ]


def test_json_array_nested_and_jsonl(tmp_path, settings, db):
    tweets = [
        {
            "id_str": "1",
            "full_text": "Loving it",
            "created_at": "Wed Oct 10 20:19:24 +0000 2018",
            "user": {"screen_name": "maya"},
            "favorite_count": 3,
            "retweet_count": 1,
            "entities": {"hashtags": ["a"]},
        },
        {
            "id_str": "2",
            "full_text": "Not great",
            "created_at": "Wed Oct 10 21:19:24 +0000 2018",
            "user": {"screen_name": "jay"},
            "favorite_count": 0,
            "retweet_count": 0,
        },
        "not an object",
    ]
    result = ingest_file(write(tmp_path / "t.json", json.dumps(tweets)), settings=settings)
    assert (result.preset, result.inserted, result.rejected) == ("twitter", 2, 1)
    assert rows(db, "SELECT author, likes, shares FROM documents ORDER BY external_id") == [
        ("maya", 3, 1),
        ("jay", 0, 0),
    ]
    lines = '{"text": "one", "date": "2024-01-01"}\n\n{broken json\n{"text": "two", "date": "2024-01-02"}\n'
    jsonl = ingest_file(write(tmp_path / "p.jsonl", lines), settings=settings)
    assert (jsonl.rows_read, jsonl.inserted, jsonl.rejected) == (3, 2, 1)
    assert "line 3 is not valid JSON" in scalar(
        db, "SELECT reason FROM rejected_rows WHERE run_id = ?", [jsonl.run_id]
    )


def test_json_object_with_records_list(tmp_path, settings, db):
    payload = {"meta": {"count": 1}, "data": [{"text": "wrapped", "created_at": "2024-01-01"}]}
    assert (
        ingest_file(write(tmp_path / "w.json", json.dumps(payload)), settings=settings).inserted
        == 1
    )


def test_parquet_and_excel(tmp_path, settings, db):
    frame = pd.DataFrame(
        {
            "review": ["Nice", "Bad"],
            "date": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 11:00"], utc=True),
            "stars": [5, 1],
        }
    )
    frame.to_parquet(tmp_path / "r.parquet")
    frame.assign(date=frame["date"].dt.tz_localize(None)).to_excel(tmp_path / "r.xlsx", index=False)
    parquet = ingest_file(tmp_path / "r.parquet", settings=settings)
    excel = ingest_file(tmp_path / "r.xlsx", settings=settings, source="excel")
    assert (parquet.inserted, excel.inserted) == (2, 2)
    assert rows(
        db,
        "SELECT rating, strftime(created_at, '%Y-%m-%d %H:%M') FROM documents WHERE source = 'excel' ORDER BY rating",
    ) == [(1.0, "2024-01-02 11:00"), (5.0, "2024-01-01 10:00")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.csv", b"", "is empty"),
        ("x.json", b"{not json", "is not valid JSON"),
        ("x.parquet", b"PAR1garbage", "cannot be read as PARQUET"),
        ("x.xlsx", b"not a zip", "cannot be read as XLSX"),
        ("x.docx", b"hello", "unsupported file type"),
    ],
)
def test_unreadable_files_raise_one_line_and_leave_db_unchanged(
    tmp_path, settings, db, name, content, message
):
    ingest_file(write(tmp_path / "ok.csv", HEADER + GOOD[0]), settings=settings)
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputFileError, match=message) as error:
        ingest_file(tmp_path / name, settings=settings)
    assert "\n" not in str(error.value)
    assert scalar(db, "SELECT count(*) FROM ingest_runs") == 1
    assert scalar(db, "SELECT count(*) FROM documents") == 1


def test_unmappable_file_leaves_db_unchanged(tmp_path, settings, db):
    with pytest.raises(MappingError, match="Could not find the text column"):
        ingest_file(write(tmp_path / "m.csv", "foo,bar\n1,2\n"), settings=settings)
    assert not db.exists() or scalar(db, "SELECT count(*) FROM ingest_runs") == 0


def test_misleading_auto_id_falls_back_to_content_key(tmp_path, settings, db):
    body = "id,text,date\nP1,first review of product,2024-01-01\nP1,second review of product,2024-01-02\n"
    result = ingest_file(write(tmp_path / "p.csv", body), settings=settings)
    assert (result.inserted, result.duplicates) == (2, 0)
    assert any("not a post id" in w for w in result.warnings)


def test_misleading_auto_rating_is_kept_in_extra(tmp_path, settings, db):
    body = "text,date,score\nupvoted a lot,2024-01-01,154\nmeh,2024-01-02,12\n"
    result = ingest_file(write(tmp_path / "s.csv", body), settings=settings)
    assert (result.inserted, result.rejected, result.kind) == (2, 0, "social")
    assert json.loads(scalar(db, "SELECT extra FROM documents WHERE text = 'meh'")) == {
        "score": "12"
    }


@needs_shared
def test_real_datafiniti_export_reconciles(settings, db):
    path = SHARED_DATA / "reviews_datafiniti_amazon.csv"
    result = ingest_file(path, settings=settings)
    assert result.rows_read == 5000 and result.rejected == 0 and reconciles(result)
    frame = pd.read_csv(path)
    key = (
        frame["reviews.text"].str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
        + "|"
        + frame["reviews.date"]
    )
    assert result.inserted == key.nunique()  # the export lists some reviews under several ASINs
    assert result.preset == "amazon"
    by_rating = dict(
        rows(db, "SELECT CAST(rating AS INTEGER), count(*) FROM documents GROUP BY ALL")
    )
    assert sum(by_rating.values()) == result.inserted and set(by_rating) <= {1, 2, 3, 4, 5}
    first, last = rows(db, "SELECT min(created_at), max(created_at) FROM documents")[0]
    assert (first.year, last.year) == (2014, 2018)
    assert scalar(db, "SELECT count(*) FROM documents WHERE product IS NULL OR brand IS NULL") == 0


def test_unknown_time_zone_is_a_config_error(tmp_path):
    from loaders.config import Settings
    from loaders.errors import ConfigError

    path = write(tmp_path / "r.csv", HEADER + GOOD[0])
    with pytest.raises(ConfigError, match="Unknown time zone 'Mars/Olympus'"):
        ingest_file(
            path, settings=Settings(db=tmp_path / "z.duckdb", naive_timezone="Mars/Olympus")
        )


def test_encoding_is_confirmed_past_the_first_megabyte(tmp_path, settings, db):
    # Plain ASCII for over a megabyte, then Windows-1252: the guess from the start is wrong.
    filler = "".join(f"plain text number {i},2024-01-01\n" for i in range(40_000))
    path = write(
        tmp_path / "late.csv", "text,date\n" + filler + "Café “quoted”,2024-01-02\n", "cp1252"
    )
    assert path.stat().st_size > 1 << 20
    result = ingest_file(path, settings=settings)
    assert (result.encoding, result.inserted, result.rejected) == ("cp1252", 40_001, 0)
    assert (
        scalar(db, "SELECT text FROM documents WHERE created_at = '2024-01-02'") == "Café “quoted”"
    )
