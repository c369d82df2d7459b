"""Hostile exports (issue 15): numbers, dates, stray quotes, mixed encodings, reader limits.

Every file is generated here; each test asserts the accounting
(read = inserted + duplicates + rejected), the reasons and the stored values.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from loaders.config import Settings
from loaders.ingest.files import ingest_file
from tests.conftest import scalar

WILD_COUNTS = {
    "NaN": None,
    "inf": None,
    "-inf": None,
    "1e30": None,
    "12345678901234567890": None,
    "-5": None,
    "garbage": None,
    "1,234": 1234,
    "12k": 12_000,
    "1.2k": 1200,
    "3.5M": 3_500_000,
    "9223372036854775807": 9223372036854775807,
    "42": 42,
}


def wild_numbers_csv(path: Path) -> Path:
    """One post per wild value, in likes; shares always 1."""
    lines = ["id,created_at,text,likes,shares"]
    for i, value in enumerate(WILD_COUNTS):
        lines.append(f'n{i},2024-03-01 10:{i:02d},post number {i},"{value}",1')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def assert_balanced(result) -> None:
    assert result.rows_read == result.inserted + result.duplicates + result.rejected


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_wild_counts_are_stored_empty_and_the_rows_kept(tmp_path, settings, db):
    path = wild_numbers_csv(tmp_path / "counts.csv")
    code, output = run_cli("ingest", str(path), "--db", str(db))
    assert code == 0, output
    assert "Traceback" not in output
    read = len(WILD_COUNTS)
    assert (
        scalar(
            db, "SELECT rows_read || '/' || rows_inserted || '/' || rows_rejected FROM ingest_runs"
        )
        == f"{read}/{read}/0"
    )
    likes = rows(db, "SELECT likes FROM documents ORDER BY external_id[2:]::INT")
    assert dict(zip(WILD_COUNTS, [value for (value,) in likes], strict=True)) == WILD_COUNTS
    assert "7 rows have a likes/shares/replies value that is not a count" in output
    assert "row 1: likes 'NaN'" in output and "and 2 more" in output
    warnings = json.loads(scalar(db, "SELECT warnings FROM ingest_runs"))
    assert any("row 5: likes '12345678901234567890'" in w for w in warnings)


def test_a_rating_of_nan_or_1e30_is_quarantined_not_a_crash(tmp_path, settings, db):
    path = tmp_path / "ratings.csv"
    path.write_text(
        "text,date,rating\nfine,2024-01-01,4\nnan one,2024-01-01,NaN\n"
        "huge,2024-01-01,1e30\ninf,2024-01-01,inf\n",
        encoding="utf-8",
    )
    result = ingest_file(path, settings=settings, columns={"rating": "rating"})
    assert (result.rows_read, result.inserted, result.rejected) == (4, 1, 3)
    reasons = [r for (r,) in rows(db, "SELECT reason FROM rejected_rows ORDER BY row_number")]
    assert reasons == [
        "rating 'NaN' is not a number from 1 to 5",
        "rating '1e30' is not a number from 1 to 5",
        "rating 'inf' is not a number from 1 to 5",
    ]


WILD_DATES = [
    ("0001-01-01", "date 0001-01-01 is before the earliest allowed 2000-01-01 (setting date_min)"),
    ("-infinity", "date -infinity is before the earliest allowed 2000-01-01 (setting date_min)"),
    ("1999-12-31", "date 1999-12-31 is before the earliest allowed 2000-01-01 (setting date_min)"),
    ("200000-01-01", "date 200000-01-01 is after the latest allowed"),
    ("infinity", "date infinity is after the latest allowed"),
    ("9999-12-31", "date 9999-12-31 is after the latest allowed"),
    ("2999-06-01", "date 2999-06-01 is after the latest allowed"),
    ("9999999999", "date 9999999999 is after the latest allowed"),  # epoch seconds, year 2286
    ("9999999999999", "date 9999999999999 is after the latest allowed"),  # epoch ms
    ("99999999999999999999", "unparseable date '99999999999999999999'"),
    ("294247-01-10", "date 294247-01-10 is after the latest allowed"),  # DuckDB's last year
    ("epoch", "date epoch is before the earliest allowed 2000-01-01 (setting date_min)"),
    ("-1", "unparseable date '-1'"),
    ("2024-05-01", None),
    ("2000-01-01", None),
]


def wild_dates_csv(path: Path) -> Path:
    lines = ["id,created_at,text"] + [
        f"d{i},{value},dated post {i}" for i, (value, _) in enumerate(WILD_DATES)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_dates_outside_the_window_are_quarantined_with_the_setting(tmp_path, settings, db):
    path = wild_dates_csv(tmp_path / "dates.csv")
    code, output = run_cli("ingest", str(path), "--db", str(db))
    assert code == 0, output
    assert "Traceback" not in output
    expected_rejects = [(i + 1, why) for i, (_, why) in enumerate(WILD_DATES) if why]
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = con.execute("SELECT row_number, reason FROM rejected_rows ORDER BY 1").fetchall()
        kept = con.execute("SELECT external_id FROM documents ORDER BY 1").fetchall()
        read, inserted, rejected = con.execute(
            "SELECT rows_read, rows_inserted, rows_rejected FROM ingest_runs"
        ).fetchall()[0]
    assert [n for n, _ in reasons] == [n for n, _ in expected_rejects]
    for (_, reason), (_, why) in zip(reasons, expected_rejects, strict=True):
        assert reason.startswith(why)
    assert "(setting date_max_future_days)" in reasons[3][1]
    assert kept == [(f"d{len(WILD_DATES) - 2}",), (f"d{len(WILD_DATES) - 1}",)]
    assert (read, inserted, rejected) == (len(WILD_DATES), 2, len(WILD_DATES) - 2)


def test_the_date_window_follows_the_settings(tmp_path):
    path = wild_dates_csv(tmp_path / "dates.csv")
    settings = Settings(db=tmp_path / "w.duckdb", date_min="2024-01-01", date_max_future_days=0)
    result = ingest_file(path, settings=settings)
    assert (result.inserted, result.rejected) == (1, len(WILD_DATES) - 1)
    reason = scalar(
        settings.db, "SELECT reason FROM rejected_rows WHERE row_number = ?", [len(WILD_DATES)]
    )
    assert reason == "date 2000-01-01 is before the earliest allowed 2024-01-01 (setting date_min)"


def test_a_bad_date_min_setting_is_a_one_line_error(tmp_path, monkeypatch):
    path = wild_dates_csv(tmp_path / "dates.csv")
    monkeypatch.setenv("BRANDPULSE_DATE_MIN", "yesterday")
    code, output = run_cli("ingest", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1
    assert "Setting 'date_min' is not a date" in output
    assert "Traceback" not in output


def mixed_encoding_csv(path: Path, rows: int, bad_rows: tuple[int, ...]) -> Path:
    """UTF-8 rows "Café crème N", with the given rows written in Windows-1252."""
    data = b"id,created_at,text\n" + b"".join(
        f"m{i},2024-02-01,Café crème {i}\n".encode("cp1252" if i in bad_rows else "utf-8")
        for i in range(1, rows + 1)
    )
    path.write_bytes(data)
    return path


def test_one_cp1252_byte_does_not_turn_utf8_rows_into_mojibake(tmp_path, settings, db):
    path = mixed_encoding_csv(tmp_path / "mixed.csv", 18_000, bad_rows=(9_000,))
    code, output = run_cli("ingest", str(path), "--db", str(db))
    assert code == 0, output
    assert (
        "mixed encodings: 1 line(s) were not valid UTF-8 and were read as Windows-1252 (lines 9001)"
        in output
    )
    assert rows(db, "SELECT count(*) FROM documents WHERE text LIKE 'Café crème %'") == [(18_000,)]
    assert rows(db, "SELECT count(*) FROM documents WHERE contains(text, 'Ã')") == [(0,)]
    assert rows(db, "SELECT encoding, lines_read, rows_read FROM ingest_runs") == [
        ("utf-8+cp1252", 18_001, 18_000)
    ]


def test_cp1252_lines_are_counted_and_named(tmp_path, settings, db):
    bad = tuple(range(10, 80, 10))
    path = mixed_encoding_csv(tmp_path / "mixed.csv", 100, bad_rows=bad)
    result = ingest_file(path, settings=settings)
    assert (result.inserted, result.rejected, result.encoding) == (100, 0, "utf-8+cp1252")
    assert "7 line(s) were not valid UTF-8" in result.warnings[-1]
    assert "(lines 11, 21, 31, 41, 51 and 2 more)" in result.warnings[-1]
    assert rows(db, "SELECT text FROM documents WHERE external_id = 'm70'") == [("Café crème 70",)]


def test_a_whole_cp1252_file_is_still_cp1252_without_a_mixed_warning(tmp_path, settings, db):
    path = tmp_path / "old.csv"
    path.write_bytes("text,date\nCafé “quoted”,2024-01-02\nplain,2024-01-03\n".encode("cp1252"))
    result = ingest_file(path, settings=settings)
    assert (result.encoding, result.inserted, result.lines_read) == ("cp1252", 2, 3)
    assert not any("mixed" in w for w in result.warnings)
    assert rows(db, "SELECT text FROM documents ORDER BY created_at") == [
        ("Café “quoted”",),
        ("plain",),
    ]


def stray_quote_csv(path: Path, rows: int, broken: int, closer: int, closer_text: str) -> Path:
    """``rows`` posts; row ``broken`` opens a quote it never closes, row ``closer`` holds a quote."""
    lines = ["id,created_at,text,likes"]
    for i in range(1, rows + 1):
        text = f"post number {i} about the product"
        if i == broken:
            text = '"broken quote start'
        elif i == closer:
            text = closer_text
        lines.append(f"r{i},2024-01-01,{text},{i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("closer_text", "stored_closer"),
    [
        ('"quoted text"', "quoted text"),  # DuckDB refuses the file; the careful parser swallowed
        ('a 5" screen', 'a 5" screen'),  # DuckDB itself swallowed rows 11-500 silently
    ],
)
def test_a_stray_quote_swallows_no_rows(tmp_path, settings, db, closer_text, stored_closer):
    path = stray_quote_csv(tmp_path / "stray.csv", 1000, 10, 500, closer_text)
    code, output = run_cli("ingest", str(path), "--db", str(db))
    assert code == 0, output
    assert rows(
        db,
        "SELECT rows_read, rows_inserted, rows_duplicate, rows_rejected, lines_read FROM ingest_runs",
    ) == [(1000, 999, 0, 1, 1001)]
    [(row_number, reason, raw)] = rows(db, "SELECT row_number, reason, raw FROM rejected_rows")
    assert row_number == 10
    assert reason == (
        "unclosed quote at line 11: its field ran over more than 50 lines, swallowing the rows "
        "after it; this row is quarantined and the following lines read as rows"
    )
    assert json.loads(raw) == {"line": 11, "text": 'r10,2024-01-01,"broken quote start,10\n'}
    assert rows(db, "SELECT max(length(text)) FROM documents") == [(34,)]
    assert rows(db, "SELECT text, likes FROM documents WHERE external_id = 'r500'") == [
        (stored_closer, 500)
    ]
    assert rows(db, "SELECT likes FROM documents WHERE external_id = 'r11'") == [(11,)]
    code, info = run_cli("db", "info", "--db", str(db))
    assert code == 0
    run_line = next(line for line in info.splitlines() if "stray.csv" in line).split()
    assert run_line[3:8] == ["1,000", "999", "0", "1", "1,001"]


def test_a_short_swallow_is_caught_by_its_inner_rows(tmp_path, settings, db):
    # Only four rows swallowed: under the line limit, but the field's inner lines are rows.
    path = stray_quote_csv(tmp_path / "short.csv", 100, 10, 14, 'a 5" screen')
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected, result.lines_read) == (
        100,
        99,
        1,
        101,
    )
    reason = scalar(db, "SELECT reason FROM rejected_rows")
    assert reason.startswith("unclosed quote at line 11: its field ran over 5 lines")


def paragraph_reviews_csv(path: Path, rows: int) -> Path:
    """Reviews whose quoted text has two to four paragraphs, with commas, on separate lines."""
    lines = ["id,created_at,text,stars"]
    for i in range(1, rows + 1):
        paragraphs = [
            f"Paragraph {p} of review {i}, with a comma, and more" for p in range(2 + i % 3)
        ]
        lines.append(f'v{i},2024-01-0{1 + i % 9},"' + "\n".join(paragraphs) + f'",{1 + i % 5}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_legit_multi_line_fields_still_load_as_one_field(tmp_path, settings, db):
    path = paragraph_reviews_csv(tmp_path / "reviews.csv", 300)
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected) == (300, 300, 0)
    assert result.lines_read == 1 + sum(2 + i % 3 for i in range(1, 301))
    assert not any("careful parser" in w for w in result.warnings)
    assert scalar(db, "SELECT text FROM documents WHERE external_id = 'v2'") == (
        "Paragraph 0 of review 2, with a comma, and more\n"
        "Paragraph 1 of review 2, with a comma, and more\n"
        "Paragraph 2 of review 2, with a comma, and more\n"
        "Paragraph 3 of review 2, with a comma, and more"
    )


def test_legit_paragraphs_beside_a_stray_quote(tmp_path, settings, db):
    # The careful parser (forced by the broken row) keeps paragraphs whole too.
    path = paragraph_reviews_csv(tmp_path / "mixed.csv", 50)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('v51,2024-01-01,"never closed,3\n')
        handle.writelines(f"v{i},2024-01-02,plain review {i},4\n" for i in range(52, 152))
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected) == (151, 150, 1)
    assert scalar(db, "SELECT count(*) FROM documents WHERE contains(text, chr(10))") == 50
    assert scalar(db, "SELECT row_number FROM rejected_rows") == 51


def test_a_two_column_review_with_comma_lines_loads_as_one_field(tmp_path, settings, db):
    # The reviewer's regression: in a 2-column file any prose line with one comma parses as
    # a "row"; one such line is no evidence of swallowed rows.
    path = tmp_path / "two.csv"
    path.write_text(
        'date,text\n2024-01-01,"Great product\nFast shipping, good price\nWould buy again"\n'
        "2024-01-02,ok\n",
        encoding="utf-8",
    )
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected, result.lines_read) == (2, 2, 0, 5)
    assert rows(db, "SELECT text FROM documents ORDER BY created_at") == [
        ("Great product\nFast shipping, good price\nWould buy again",),
        ("ok",),
    ]


def three_column_reviews_csv(path: Path, rows: int, broken_row: bool) -> Path:
    """date,text,stars; each review has 3-5 paragraphs of prose with two commas (3 "fields")."""
    lines = ["created_at,text,stars"]
    for i in range(1, rows + 1):
        paragraphs = [
            f"Paragraph {p} of review {i}: sturdy, quiet, and cheap" for p in range(3 + i % 3)
        ]
        lines.append(f'2024-01-{1 + i % 28:02d},"' + "\n".join(paragraphs) + f'",{1 + i % 5}')
    if broken_row:  # forces the careful parser, which must keep the paragraphs whole too
        lines.append('2024-02-01,"never closed,3')
        lines += [f"2024-02-02,plain review {i},4" for i in range(60)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("broken_row", [False, True])
def test_three_column_paragraphs_with_commas_load_whole(tmp_path, settings, db, broken_row):
    path = three_column_reviews_csv(tmp_path / "three.csv", 200, broken_row)
    result = ingest_file(path, settings=settings)
    expected = (261, 260, 1) if broken_row else (200, 200, 0)
    assert (result.rows_read, result.inserted, result.rejected) == expected
    assert scalar(db, "SELECT count(*) FROM documents WHERE contains(text, chr(10))") == 200
    assert scalar(db, "SELECT text FROM documents WHERE text LIKE '%review 2:%'") == "\n".join(
        f"Paragraph {p} of review 2: sturdy, quiet, and cheap" for p in range(5)
    )


@pytest.mark.parametrize("closer", [12, 13, 15, 16])
def test_a_swallow_of_a_few_rows_in_a_wide_file_is_caught(tmp_path, settings, db, closer):
    # Rows 11 .. closer-1 swallowed (1 to 5 rows): they start like every other record.
    path = stray_quote_csv(tmp_path / "few.csv", 100, 10, closer, 'a 5" screen')
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected) == (100, 99, 1)
    assert scalar(db, "SELECT row_number FROM rejected_rows") == 10
    assert scalar(db, "SELECT likes FROM documents WHERE external_id = 'r11'") == 11


def test_record_shapes_tell_rows_from_prose():
    from loaders.ingest.csv_careful import RecordShapes, looks_swallowed, value_shape

    assert [value_shape(v) for v in ("2024-01-05", "r17", "Fast shipping", "", None)] == [
        "9-9-9",
        "a9",
        "a a",
        "",
        "",
    ]
    records = [[f"2024-01-{d:02d}", f"review {d}"] for d in range(1, 11)]
    shapes = RecordShapes.learn(records, 2)
    assert shapes.columns == ("9-9-9", "a 9")
    field = ['2024-01-11,"Great\n', "Fast shipping, good price\n", 'again"\n']
    swallowed = ['2024-01-11,"Great\n', "2024-01-12,review 12\n", '2024-01-13,a 5" screen\n']
    assert not looks_swallowed(field, 2, ",", 50, shapes)
    assert looks_swallowed(swallowed, 2, ",", 50, shapes)
    # Four records teach nothing: a 2-column file is then judged by the line limit alone.
    assert not RecordShapes.learn(records[:4], 2).known
    assert not looks_swallowed(swallowed, 2, ",", 50, RecordShapes.learn(records[:4], 2))
    assert looks_swallowed(swallowed * 20, 2, ",", 50, None)


def nested_json(depth: int) -> str:
    return '{"a": ' * depth + '"deep"' + "}" * depth


def test_deeply_nested_json_lines_are_quarantined(tmp_path, settings, db):
    path = tmp_path / "deep.jsonl"
    good = '{"text": "fine post", "created_at": "2024-01-01"}'
    path.write_text(
        "\n".join(
            [
                good,
                '{"text": "too deep", "created_at": "2024-01-01", "x": ' + nested_json(70) + "}",
                '{"text": "deeper", "created_at": "2024-01-01", "x": ' + nested_json(200_000) + "}",
                good.replace("fine", "another fine"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    code, output = run_cli("ingest", str(path), "--db", str(db))
    assert code == 0, output
    assert "Traceback" not in output
    assert rows(db, "SELECT rows_read, rows_inserted, rows_rejected FROM ingest_runs") == [
        (4, 2, 2)
    ]
    reasons = rows(db, "SELECT row_number, reason FROM rejected_rows ORDER BY 1")
    assert reasons == [
        (2, "line 2 is nested 71 levels deep; the limit is 64 (setting json_max_depth)"),
        (3, "line 3 is nested 200,001 levels deep; the limit is 64 (setting json_max_depth)"),
    ]


def test_a_json_document_nested_too_deep_is_a_one_line_error(tmp_path, db):
    path = tmp_path / "deep.json"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    code, output = run_cli("ingest", str(path), "--db", str(db))
    assert code == 1
    assert output.strip().splitlines() == [
        "Error: deep.json is nested too deeply to read. Expected records nested at most 64 "
        "levels (setting json_max_depth). Found a document nested 200,000 levels deep. "
        "Fix: export the records as a flat JSON array or JSON Lines."
    ]
    assert not db.exists() or rows(db, "SELECT count(*) FROM ingest_runs") == [(0,)]


def test_an_oversized_csv_record_is_quarantined(tmp_path):
    settings = Settings(db=tmp_path / "big.duckdb", max_record_mb=1)
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("text,created_at\nfirst post,2024-01-01\n")
        handle.write("x" * (3 << 20) + ",2024-01-01\n")
        handle.write("last post,2024-01-02\n")
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected) == (3, 2, 1)
    reason, raw = rows(settings.db, "SELECT reason, raw FROM rejected_rows")[0]
    assert reason == "record at line 3 is over 1 MB (setting max_record_mb)"
    assert len(json.loads(raw)["text"]) == 2_000


def test_an_unreadable_csv_header_says_expected_found_fix(tmp_path):
    from loaders.errors import InputFileError
    from loaders.ingest.csv_careful import csv_python

    path = tmp_path / "wide.csv"
    path.write_text("h" * (2 << 20) + ",created_at\nfirst post,2024-01-01\n", encoding="utf-8")
    expected = (
        "Error: wide.csv: the header line cannot be parsed. Expected a first line of column "
        "names of at most 1 MB (setting max_record_mb). Found a header line over 1 MB. "
        "Fix: export the file again with a row of column names first."
    )
    with pytest.raises(InputFileError) as error:
        csv_python(path, ",", None, max_field_lines=50, max_record_chars=1 << 20)
    assert "Error: " + str(error.value) == expected
    env = {"BRANDPULSE_MAX_RECORD_MB": "1"}
    result = CliRunner().invoke(
        cli, ["ingest", str(path), "--db", str(tmp_path / "h.duckdb")], env=env
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [expected]


def test_an_oversized_json_lines_record_is_quarantined(tmp_path):
    settings = Settings(db=tmp_path / "big.duckdb", max_record_mb=1)
    path = tmp_path / "big.jsonl"
    big = json.dumps({"text": "y" * (2 << 20), "created_at": "2024-01-01"})
    path.write_text(
        '{"text": "small", "created_at": "2024-01-01"}\n' + big + "\n", encoding="utf-8"
    )
    result = ingest_file(path, settings=settings)
    assert (result.rows_read, result.inserted, result.rejected) == (2, 1, 1)
    assert scalar(settings.db, "SELECT reason FROM rejected_rows") == (
        "line 2 is over 1 MB (setting max_record_mb)"
    )


def test_the_preview_reads_mixed_encodings_line_by_line(tmp_path, settings):
    from loaders.ingest.files import preview_file

    path = mixed_encoding_csv(tmp_path / "mixed.csv", 30, bad_rows=(3,))
    preview = preview_file(path, settings=settings, rows=5)
    assert [row["text"] for row in preview.rows[:4]] == [f"Café crème {i}" for i in range(1, 5)]
