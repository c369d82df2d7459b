"""Readers: any supported export -> a staging table ``raw_input`` of text columns.

Every reader produces the same shape in an in-memory DuckDB connection: ``raw_input``
with ``__row`` (1-based record number) and columns ``c0..cN`` (all VARCHAR; the header
names are kept in Python), plus a list of records the parser itself had to reject. That
way mapping, normalisation and quarantine are written once, in SQL, for all formats.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from loaders import store
from loaders.errors import InputFileError, explain
from loaders.ingest.csv_careful import (
    SHAPE_SAMPLE_RECORDS,
    ParseReject,
    RecordShapes,
    csv_python,
    header_error,
    looks_swallowed,
    oversized_header,
)
from loaders.ingest.json_records import flatten, records_from_json
from loaders.ingest.textio import LineDecoding, count_lines, transcode_by_line
from loaders.ingest.xlsx_limits import check_xlsx_limits
from loaders.tempdirs import private_tempdir

FORMAT_BY_SUFFIX = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}
TEXT_FORMATS = {"csv", "tsv", "json", "jsonl"}
DELIMITER_CANDIDATES = (",", ";", "\t", "|")
_CHUNK = 1 << 22

Progress = Callable[[str, float], None]  # (stage, fraction 0..1)
# What the parsers raise for a file they cannot read (pyarrow's errors are ValueErrors).
READ_ERRORS = (
    duckdb.Error,
    ValueError,
    OSError,
    KeyError,
    csv.Error,
    UnicodeError,
    MemoryError,
    zipfile.BadZipFile,
)


@dataclass(frozen=True)
class ReaderLimits:
    """What a reader accepts before it quarantines a record or refuses the file (see Settings)."""

    max_field_lines: int = 50
    max_record_bytes: int = 16 << 20
    json_max_depth: int = 64
    xlsx_max_uncompressed_bytes: int = 100 << 20
    xlsx_max_cells: int = 20_000_000


@dataclass
class RawInput:
    """What a reader staged: header names (column i is ``c{i}``) and parser rejects."""

    columns: list[str]
    parse_rejects: list[ParseReject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lines: int | None = None  # physical lines of a text file, header included
    mixed_encoding: bool = False  # UTF-8 with some lines in a single-byte encoding


def detect_format(path: Path, declared: str | None = None) -> str:
    if declared:
        if declared not in FORMAT_BY_SUFFIX.values():
            raise InputFileError(
                explain(
                    f"Unknown format '{declared}'",
                    expected="one of " + ", ".join(sorted(set(FORMAT_BY_SUFFIX.values()))),
                )
            )
        return declared
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise InputFileError(
            explain(
                f"{path.name}: unsupported file type '{path.suffix or '(none)'}'",
                expected="CSV, TSV, JSON, JSON Lines, Parquet or Excel .xlsx ("
                + ", ".join(sorted(FORMAT_BY_SUFFIX))
                + ")",
                fix="export the data in one of those formats, or rename the file if its suffix is wrong.",
            )
        )
    return fmt


class _EncodingSniffer:
    """Classifies bytes as UTF-8 (with or without BOM), UTF-16 (with BOM), Windows-1252 or Latin-1.

    Anything that is not valid UTF-8 is read as Windows-1252, or as Latin-1 where 1252
    leaves bytes undefined.
    """

    def __init__(self) -> None:
        self.head = b""
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.cp1252 = codecs.getincrementaldecoder("cp1252")()
        self.utf8_ok = self.cp1252_ok = True

    def feed(self, chunk: bytes) -> None:
        if len(self.head) < 4:
            self.head += chunk[:4]
        if self.head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return
        if self.utf8_ok:
            try:
                self.utf8.decode(chunk)
            except UnicodeDecodeError:
                self.utf8_ok = False
        if not self.utf8_ok and self.cp1252_ok:
            try:
                self.cp1252.decode(chunk)
            except UnicodeDecodeError:
                self.cp1252_ok = False

    def encoding(self, complete: bool) -> str:
        """The encoding; with ``complete=False`` a multi-byte character cut at the end is allowed."""
        if self.head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if self.utf8_ok and complete:
            try:
                self.utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8_ok = False
        if self.utf8_ok:
            return "utf-8-sig" if self.head.startswith(codecs.BOM_UTF8) else "utf-8"
        return "cp1252" if self.cp1252_ok else "latin-1"


def guess_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """The encoding judged from the first megabyte; :func:`digest_and_encoding` confirms it."""
    sniffer = _EncodingSniffer()
    with path.open("rb") as handle:
        sniffer.feed(handle.read(sample_bytes))
    return sniffer.encoding(complete=path.stat().st_size <= sample_bytes)


def file_digest(path: Path) -> str:
    """sha256 of the file's bytes, as ingest runs record it."""
    return digest_and_encoding(path, text=False)[0]


def digest_and_encoding(path: Path, text: bool) -> tuple[str, str | None]:
    """One pass over the whole file: its sha256 and, for text formats, its encoding."""
    digest = hashlib.sha256()
    sniffer = _EncodingSniffer() if text else None
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if sniffer:
                sniffer.feed(chunk)
    return digest.hexdigest(), sniffer.encoding(complete=True) if sniffer else None


def _utf8_copy(path: Path, encoding: str, workdir: Path) -> tuple[Path, LineDecoding | None]:
    """Transcode to UTF-8 (no BOM) so that DuckDB and the Python parsers read one encoding.

    A single-byte encoding means some line is not valid UTF-8: lines are then decoded one
    by one, UTF-8 first, so one stray byte does not turn the whole file into mojibake.
    """
    if encoding == "utf-8":
        return path, None
    target = workdir / "input.utf8"
    if encoding in ("cp1252", "latin-1"):
        return target, transcode_by_line(path, target, encoding)
    with (
        path.open("r", encoding=encoding, newline="") as source,
        target.open("w", encoding="utf-8", newline="") as sink,
    ):
        while chunk := source.read(_CHUNK):
            sink.write(chunk)
    return target, None


def _unique_names(header: list[str]) -> list[str]:
    """Give empty and repeated header names distinct labels, so no column is lost."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = (raw or "").strip() or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 0)
        names.append(name)
    return names


def sniff_delimiter(sample: str) -> str:
    """Pick the delimiter that splits the sample's records into the most consistent field count."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut off mid-record
    best, best_score = ",", 0.0
    for delimiter in DELIMITER_CANDIDATES:
        try:
            counts = [
                len(row)
                for row in csv.reader(io.StringIO("".join(lines[:200])), delimiter=delimiter)
                if row
            ]
        except csv.Error:
            continue
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) / len(counts) * (1 if mode > 1 else 0) + mode * 1e-3
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_header(path: Path, delimiter: str, max_chars: int) -> list[str]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # the record limit below is ours
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline(max_chars + 1)
        if len(first) > max_chars:
            raise header_error(path.name, oversized_header(max_chars), max_chars)
        try:
            return next(csv.reader(itertools.chain([first], handle), delimiter=delimiter))
        except StopIteration:
            return []
        except csv.Error as error:
            raise header_error(path.name, str(error), max_chars) from None


def _register_columns(con: duckdb.DuckDBPyConnection, rows: list[list[Any]]) -> None:
    """Create ``raw_input`` from Python rows (a list of string lists, one per column)."""
    import pyarrow as pa

    arrays = {"__row": pa.array(rows[0], pa.int64())}
    for index, values in enumerate(rows[1:]):
        arrays[f"c{index}"] = pa.array(values, pa.string())
    table = pa.table(arrays)
    con.register("raw_arrow", table)
    con.execute("CREATE OR REPLACE TEMP TABLE raw_input AS SELECT * FROM raw_arrow").fetchall()
    con.unregister("raw_arrow")


def _stage_json(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    progress: Progress | None,
    limits: ReaderLimits,
) -> tuple[list[str], list[ParseReject], list[str]]:
    records, rejects, notes = records_from_json(
        path, fmt, progress, max_depth=limits.json_max_depth, max_bytes=limits.max_record_bytes
    )
    flat_rows: list[tuple[int, dict[str, Any]]] = []
    header: dict[str, None] = {}
    for index, record in enumerate(records, start=1):
        if record is None:
            continue
        flat = flatten(record)
        header.update(dict.fromkeys(flat))
        flat_rows.append((index, flat))
    names = list(header)
    columns: list[list[Any]] = [[index for index, _ in flat_rows]]
    columns += [[flat.get(name) for _, flat in flat_rows] for name in names]
    _register_columns(con, columns)
    return names, rejects, notes


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    names = [
        row[0]
        for row in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
    ]
    casts = ", ".join(
        f"CAST({quote_ident(name)} AS VARCHAR) AS c{index}" for index, name in enumerate(names)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE raw_input AS SELECT row_number() OVER () AS __row, {casts} FROM read_parquet(?)",  # noqa: S608 - quoted identifiers
        [str(path)],
    )
    return names


def _stage_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, limits: ReaderLimits
) -> tuple[list[str], list[str]]:
    import pandas as pd

    check_xlsx_limits(path, limits.xlsx_max_uncompressed_bytes, limits.xlsx_max_cells)

    book = pd.ExcelFile(path, engine="openpyxl")
    notes = (
        [f"read the first sheet '{book.sheet_names[0]}' of {len(book.sheet_names)}"]
        if len(book.sheet_names) > 1
        else []
    )
    frame = pd.read_excel(
        book, sheet_name=book.sheet_names[0], dtype=str, keep_default_na=False, na_values=[]
    )
    header = [str(c) for c in frame.columns]
    columns: list[list[Any]] = [list(range(1, len(frame) + 1))]
    for name in frame.columns:
        columns.append([value if value != "" else None for value in frame[name].tolist()])
    _register_columns(con, columns)
    return header, notes


def quote_ident(name: str) -> str:
    """Quote a column name from a file header as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _duckdb_swallowed_rows(
    con: duckdb.DuckDBPyConnection, width: int, delimiter: str, limits: ReaderLimits
) -> bool:
    """True when a field DuckDB read spans whole records: an unclosed quote it did not notice.

    Only called when the file has more physical lines than records, i.e. has multi-line
    fields; those fields alone are fetched and looked at, against the shapes of the
    records that have no multi-line field.
    """
    multi_line = " OR ".join(f"contains(c{i}, chr(10))" for i in range(width))
    columns = ", ".join(f"c{i}" for i in range(width))
    sample = con.execute(
        f"SELECT {columns} FROM raw_input WHERE NOT coalesce({multi_line}, false) "  # noqa: S608 - generated names
        f"ORDER BY __row LIMIT {SHAPE_SAMPLE_RECORDS}"
    ).fetchall()
    shapes = RecordShapes.learn(sample, width)
    for index in range(width):
        fields = con.execute(
            f"SELECT c{index} FROM raw_input WHERE contains(c{index}, chr(10)) LIMIT 100000"  # noqa: S608 - generated name
        ).fetchall()
        for (value,) in fields:
            lines = value.splitlines(keepends=True)
            if looks_swallowed(lines, width, delimiter, limits.max_field_lines, shapes):
                return True
    return False


def _stage_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    progress: Progress | None,
    limits: ReaderLimits,
    lines: int | None,
) -> tuple[list[str], list[ParseReject], list[str]]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(1 << 16)
    delimiter = "\t" if fmt == "tsv" else sniff_delimiter(sample)
    header = _read_header(path, delimiter, limits.max_record_bytes)
    if not header:
        return [], [], []
    names = _unique_names(header)
    notes = [] if delimiter == "," else [f"delimiter {delimiter!r}"]
    # DuckDB appends to its rejects tables on every scan; a second staging must start clean.
    con.execute("DROP TABLE IF EXISTS reject_errors")
    con.execute("DROP TABLE IF EXISTS reject_scans")
    # Fast path: DuckDB's parallel reader in strict mode, with the dialect pinned so that
    # its sniffer can never fall back to a silent one-column read.
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names))) + "}"
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE raw_input AS
            SELECT row_number() OVER () AS __row, * FROM read_csv(?, columns = {columns}, header = true,
                delim = ?, quote = '"', escape = '"', auto_detect = false, strict_mode = true,
                store_rejects = true, max_line_size = {limits.max_record_bytes},
                null_padding = false)""",  # noqa: S608 - generated names
            [str(path), delimiter],
        )
        clean = store.scalar(con, "SELECT count(*) FROM reject_errors") == 0
        records = store.scalar(con, "SELECT count(*) FROM raw_input")
        if clean and lines is not None and lines > records + 1:
            clean = not _duckdb_swallowed_rows(con, len(names), delimiter, limits)
    except duckdb.Error:
        clean = False
    if clean:
        return names, [], notes
    # Some records are broken: the exact parser accounts for each one.
    notes.append("some rows needed the careful parser")
    _, rows, rejects = csv_python(
        path,
        delimiter,
        progress,
        max_field_lines=limits.max_field_lines,
        max_record_chars=limits.max_record_bytes,
    )
    _register_columns(con, rows)
    return names, rejects, notes


def stage_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    encoding: str | None,
    progress: Progress | None = None,
    limits: ReaderLimits | None = None,
) -> RawInput:
    """Read ``path`` into the temp table ``raw_input`` of ``con``; raise InputFileError if it cannot be read at all."""
    limits = limits or ReaderLimits()
    with private_tempdir("stage") as workdir:  # 0700, removed even on SIGTERM
        source, decoding = _utf8_copy(path, encoding, Path(workdir)) if encoding else (path, None)
        lines = count_lines(source) if fmt in TEXT_FORMATS else None
        try:
            if fmt in ("csv", "tsv"):
                names, rejects, notes = _stage_csv(con, source, fmt, progress, limits, lines)
            elif fmt in ("json", "jsonl"):
                names, rejects, notes = _stage_json(con, source, fmt, progress, limits)
            elif fmt == "parquet":
                names, rejects, notes = _stage_parquet(con, source), [], []
            else:
                (names, notes), rejects = _stage_xlsx(con, source, limits), []
        except InputFileError:
            raise
        except Exception as error:
            # Errors of the parsers mean "this file is not what its name says"; anything else is a bug.
            if (
                not isinstance(error, READ_ERRORS)
                and type(error).__module__.split(".")[0] != "openpyxl"
            ):
                raise
            detail = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise InputFileError(f"{path.name} cannot be read as {fmt.upper()}: {detail}") from None
    if not names:
        con.execute("CREATE OR REPLACE TEMP TABLE raw_input (__row BIGINT)")
    mixed = decoding is not None and decoding.mixed
    if mixed:
        notes.append(decoding.note())
    return RawInput(names, rejects, notes, lines=lines, mixed_encoding=mixed)
