"""The exact CSV parser: every record is kept or rejected with a reason, none swallowed.

Two kinds of breakage are recovered here:

- a record with the wrong number of fields spanning several lines (an unbalanced quote
  that ended inside a later record): its lines are parsed one by one;
- a record with the right number of fields whose quoted field swallowed whole records
  (an unclosed quote in row 10 closed by a quote in row 500): the field spans more than
  ``max_field_lines`` physical lines, or its inner lines are themselves full records. The
  opening quote is taken as broken: that one line is quarantined, and the lines after it
  are read again as records.

Legitimate multi-line fields (a review with paragraphs) keep loading as one field. A
paragraph with a comma or two splits into as many "fields" as a narrow file's record, so
the width alone is no evidence: an inner line counts as a swallowed record only when its
values have the shapes (digits, letters, punctuation) that the file's one-line records
have in nearly every row, e.g. a date column's ``9-9-9``. Without such shapes (a small or
free-text file) only wide files are judged by width, and only on several inner lines.
"""

from __future__ import annotations

import csv
import io
import itertools
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.errors import InputFileError, explain

Progress = Callable[[str, float], None]  # (stage, fraction 0..1)
RAW_KEPT_CHARS = 2_000  # of an oversized record, this much is kept with its reject


@dataclass
class ParseReject:
    row_number: int
    reason: str
    raw: dict[str, Any]


class _RunawayRecord(Exception):
    """The record being read grew past the line or size limit."""


class _LineTap:
    """Feeds lines to csv.reader and remembers them, so a rejected record keeps its raw text.

    Lines can be pushed back, to be read again as records after a broken opening quote.
    """

    def __init__(self, handle: io.TextIOBase, max_lines: int, max_chars: int) -> None:
        self.handle = handle
        self.pushed: deque[str] = deque()
        self.lines: list[str] = []
        self.chars = 0
        self.line_number = 0
        self.bytes_read = 0
        self.max_lines = max_lines
        self.max_chars = max_chars

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pushed:
            line = self.pushed.popleft()
        else:
            line = next(self.handle)
            self.bytes_read += len(line)
        self.lines.append(line)
        self.chars += len(line)
        self.line_number += 1
        if len(self.lines) > self.max_lines or self.chars > self.max_chars:
            raise _RunawayRecord
        return line

    def take(self) -> list[str]:
        lines = self.lines
        self.lines, self.chars = [], 0
        return lines

    def push_back(self, lines: list[str]) -> None:
        self.pushed.extendleft(reversed(lines))
        self.line_number -= len(lines)


def parse_line(line: str, delimiter: str) -> list[str] | None:
    """The fields of one physical line, or None if it is not a complete record."""
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=True), [])
    except csv.Error:
        return None


def fit_width(fields: list[str], width: int) -> list[str] | None:
    """``fields`` cut to ``width`` if they are a record of that width (trailing delimiters allowed)."""
    if len(fields) == width:
        return fields
    if len(fields) > width and not any(f.strip() for f in fields[width:]):
        return fields[:width]
    return None


SHAPE_SAMPLE_RECORDS = 2_000  # one-line records whose shapes are learnt
SHAPE_MIN_RECORDS = 5  # fewer one-line records than this teach nothing
SHAPE_DOMINANCE = 0.9  # a column has a shape when this share of its values has it
SHAPE_CHARS = 40  # of each value, the start is enough to tell a date from prose
BLIND_MIN_WIDTH = 4  # without shapes, narrower records are too easily made by prose
BLIND_MIN_ROWS = 3  # without shapes, this many inner lines must be records


def value_shape(value: str | None) -> str:
    """The shape of a value: digits as 9, letters as a, blanks as one space, runs collapsed.

    '2024-01-05' -> '9-9-9', 'r17' -> 'a9', 'Fast shipping' -> 'a a'.
    """
    classes = (
        "9" if c.isdigit() else "a" if c.isalpha() else " " if c.isspace() else c
        for c in (value or "")[:SHAPE_CHARS]
    )
    return "".join(kind for kind, _ in itertools.groupby(classes))


@dataclass(frozen=True)
class RecordShapes:
    """Per column, the shape nearly all of the file's one-line records have there (or None)."""

    columns: tuple[str | None, ...] = ()

    @classmethod
    def learn(cls, records: Iterable[Iterable[str | None]], width: int) -> RecordShapes:
        counters: list[Counter[str]] = [Counter() for _ in range(width)]
        seen = 0
        for record in itertools.islice(records, SHAPE_SAMPLE_RECORDS):
            seen += 1
            for counter, value in zip(counters, record, strict=False):
                counter[value_shape(value)] += 1
        if seen < SHAPE_MIN_RECORDS:
            return cls()
        dominant: list[str | None] = []
        for counter in counters:
            shape, count = counter.most_common(1)[0] if counter else ("", 0)
            dominant.append(shape if count >= SHAPE_DOMINANCE * seen else None)
        return cls(tuple(dominant))

    @property
    def known(self) -> bool:
        """True when some column has a non-empty shape to recognise records by."""
        return any(self.columns)

    def matches(self, fields: list[str]) -> bool:
        return all(
            shape is None or value_shape(value) == shape
            for shape, value in zip(self.columns, fields, strict=False)
        )


def one_line_records(lines: Iterable[str], width: int, delimiter: str) -> Iterator[list[str]]:
    """The records of ``lines`` (header excluded) that take exactly one physical line."""
    read = 0

    def counted() -> Iterator[str]:
        nonlocal read
        for line in lines:
            read += 1
            yield line

    reader = csv.reader(counted(), delimiter=delimiter, quotechar='"', strict=False)
    before = 0
    try:
        for fields in reader:
            spanned, before = read - before, read
            if spanned == 1 and fields and (good := fit_width(fields, width)) is not None:
                yield good
    except csv.Error:
        return  # a sample cut inside a quoted field, or a NUL byte: the shapes so far suffice


def learn_shapes(path: Path, width: int, delimiter: str) -> RecordShapes:
    """The shapes of the first one-line records of the CSV file ``path``."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        lines = itertools.islice(handle, 1, 1 + 4 * SHAPE_SAMPLE_RECORDS)
        return RecordShapes.learn(one_line_records(lines, width, delimiter), width)


def looks_swallowed(
    lines: list[str],
    width: int,
    delimiter: str,
    max_lines: int,
    shapes: RecordShapes | None = None,
) -> bool:
    """True when a multi-line field holds whole records: a broken quote, not a paragraph.

    ``lines`` are the field's (or record's) physical lines; the inner ones are tested.
    With known ``shapes``, an inner line is a record only if its values have them; a
    majority of the inner lines must be records either way.
    """
    if len(lines) > max_lines:
        return True
    inner = lines[1:-1]
    if width < 2 or not inner:
        return False
    rows = [
        good
        for line in inner
        if (fields := parse_line(line, delimiter)) and (good := fit_width(fields, width))
    ]
    if shapes is not None and shapes.known:
        records = sum(1 for row in rows if shapes.matches(row))
        return records >= 1 and records * 2 >= len(inner)
    return width >= BLIND_MIN_WIDTH and len(rows) >= BLIND_MIN_ROWS and len(rows) * 2 >= len(inner)


def oversized_header(max_chars: int) -> str:
    return f"a header line over {max_chars >> 20} MB"


def header_error(name: str, found: str, max_chars: int) -> InputFileError:
    """The file's first line is no usable header: nothing of it can be read."""
    return InputFileError(
        explain(
            f"{name}: the header line cannot be parsed",
            expected=f"a first line of column names of at most {max_chars >> 20} MB "
            "(setting max_record_mb)",
            found=found,
            fix="export the file again with a row of column names first.",
        )
    )


def _broken_quote_reject(record: int, start_line: int, lines: list[str], limit: int) -> ParseReject:
    first = lines[0]
    spanned = f"more than {limit}" if len(lines) > limit else str(len(lines))
    return ParseReject(
        record,
        f"unclosed quote at line {start_line}: its field ran over {spanned} lines, swallowing "
        "the rows after it; this row is quarantined and the following lines read as rows",
        {"line": start_line, "text": first[:RAW_KEPT_CHARS]},
    )


def _oversized_reject(
    record: int, start_line: int, lines: list[str], max_chars: int
) -> ParseReject:
    text = "".join(lines)
    return ParseReject(
        record,
        f"record at line {start_line} is over {max_chars // (1 << 20)} MB (setting max_record_mb)",
        {"line": start_line, "text": text[:RAW_KEPT_CHARS]},
    )


def csv_python(
    path: Path,
    delimiter: str,
    progress: Progress | None,
    *,
    max_field_lines: int,
    max_record_chars: int,
) -> tuple[list[str], list[list[Any]], list[ParseReject]]:
    """Parse ``path`` record by record: (header, columns with ``__row`` first, rejects)."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    size = max(path.stat().st_size, 1)
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        tap = _LineTap(handle, max_lines=1 << 62, max_chars=max_record_chars)

        def new_reader() -> Iterator[list[str]]:
            return csv.reader(
                tap, delimiter=delimiter, quotechar='"', doublequote=True, strict=False
            )

        reader = new_reader()
        try:
            header = next(reader)
        except StopIteration:
            return [], [[]], []
        except _RunawayRecord:
            raise header_error(
                path.name, oversized_header(max_record_chars), max_record_chars
            ) from None
        except csv.Error as error:
            raise header_error(path.name, str(error), max_record_chars) from None
        tap.take()
        tap.max_lines = max_field_lines + 1
        state = _State(len(header), delimiter, max_field_lines)
        state.shapes = learn_shapes(path, len(header), delimiter)
        while True:
            start_line = tap.line_number + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except _RunawayRecord:
                state.runaway(tap, start_line, max_record_chars)
                reader = new_reader()
                continue
            except csv.Error as error:
                state.record += 1
                reason = f"unreadable record at line {start_line}: {error}"
                raw = {"line": start_line, "text": "".join(tap.take())[:RAW_KEPT_CHARS]}
                state.rejects.append(ParseReject(state.record, reason, raw))
                continue
            lines = tap.take()
            if fields and state.swallowed(lines):
                state.record += 1
                state.rejects.append(
                    _broken_quote_reject(state.record, start_line, lines, max_field_lines)
                )
                tap.push_back(lines[1:])
                reader = new_reader()
                continue
            state.add(fields, lines, start_line)
            if progress and state.record % 50_000 == 0:
                progress("reading", min(tap.bytes_read / size, 1.0))
    return header, state.columns, state.rejects


class _State:
    """The records kept (as columns) and rejected so far."""

    def __init__(self, width: int, delimiter: str, max_field_lines: int) -> None:
        self.width = width
        self.delimiter = delimiter
        self.max_field_lines = max_field_lines
        self.columns: list[list[Any]] = [[] for _ in range(width + 1)]
        self.rejects: list[ParseReject] = []
        self.record = 0
        self.shapes = RecordShapes()

    def keep(self, fields: list[str]) -> None:
        self.columns[0].append(self.record)
        for index in range(self.width):
            self.columns[index + 1].append(fields[index])

    def swallowed(self, lines: list[str]) -> bool:
        return len(lines) > 1 and looks_swallowed(
            lines, self.width, self.delimiter, self.max_field_lines, self.shapes
        )

    def runaway(self, tap: _LineTap, start_line: int, max_chars: int) -> None:
        """The record grew past a limit: a broken quote (many lines) or one oversized line."""
        lines = tap.take()
        self.record += 1
        if len(lines) > 1:
            self.rejects.append(
                _broken_quote_reject(self.record, start_line, lines, self.max_field_lines)
            )
            tap.push_back(lines[1:])
        else:
            self.rejects.append(_oversized_reject(self.record, start_line, lines, max_chars))

    def add(self, fields: list[str], lines: list[str], start_line: int) -> None:
        """Keep a record of the right width; otherwise recover what its lines hold."""
        if not fields:
            return  # blank line, not a record
        good = fit_width(fields, self.width)
        if good is not None:
            self.record += 1
            self.keep(good)
            return
        pieces = (
            [(lines[0], fields)]
            if len(lines) == 1
            else [(line, parse_line(line, self.delimiter)) for line in lines]
        )
        for offset, (line, piece) in enumerate(pieces):
            if piece == []:
                continue  # a blank line inside the broken span
            self.record += 1
            good = fit_width(piece, self.width) if piece is not None else None
            if good is not None:
                self.keep(good)
                continue
            found = f"found {len(piece)}" if piece is not None else "found an unreadable line"
            quote_note = " (unbalanced quote)" if line.count('"') % 2 else ""
            self.rejects.append(
                ParseReject(
                    self.record,
                    f"broken row at line {start_line + offset}: expected {self.width} fields, "
                    f"{found}{quote_note}",
                    {"line": start_line + offset, "text": line[:RAW_KEPT_CHARS]},
                )
            )
