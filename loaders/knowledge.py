"""The brand's knowledge base: what a reply to a customer may say.

Each entry pairs an issue or question ("the Trail Bottle lid leaks") with the brand's answer
or policy ("send a photo and we replace the lid for free"), optional links and the dates it
is valid. A reply draft may use only its entry's facts and the post's own content. Entries
are kept in the ``knowledge_entries`` table and as a file (TOML, CSV or JSON) a team edits
and imports; every row of a file is checked at the edge, and a bad one is rejected with its
reason while the good ones are stored (rows read = inserted + updated + rejected).
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from loaders import store
from loaders.errors import InputFileError, explain
from loaders.safe_text import FORMULA_PREFIXES, csv_text

FORMATS = ("toml", "csv", "json")
COLUMNS = ("issue", "answer", "links", "valid_from", "valid_until", "brand")
MAX_CHARS = 2000  # an entry is a fact and a policy, not a document

_SELECT = """
SELECT id, issue, answer, links, valid_from, valid_until, brand FROM knowledge_entries
"""
SELECT_ENTRIES = _SELECT + " ORDER BY coalesce(brand, ''), id"
SELECT_ENTRY = _SELECT + " WHERE id = ?"
# Active on a day: no dates, or the day inside them.
SELECT_ACTIVE = (
    _SELECT
    + """ WHERE (valid_from IS NULL OR valid_from <= ?::DATE)
    AND (valid_until IS NULL OR valid_until >= ?::DATE) ORDER BY id"""
)
# Entries are identified by brand and issue (case and spacing ignored): a file imported twice
# updates its entries instead of doubling them.
FIND_ENTRY = """
SELECT id FROM knowledge_entries
WHERE coalesce(brand, '') = coalesce(?, '') AND lower(trim(issue)) = lower(trim(?))
"""
INSERT_ENTRY = """
INSERT INTO knowledge_entries (issue, answer, links, valid_from, valid_until, brand)
VALUES (?, ?, ?, ?, ?, ?) RETURNING id
"""
UPDATE_ENTRY = """
UPDATE knowledge_entries SET issue = ?, answer = ?, links = ?, valid_from = ?, valid_until = ?,
    brand = ?, updated_at = now()
WHERE id = ?
"""
DELETE_ENTRY = "DELETE FROM knowledge_entries WHERE id = ?"


@dataclass(frozen=True)
class KnowledgeEntry:
    id: int | None
    issue: str
    answer: str
    links: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    brand: str | None = None

    def facts_text(self) -> str:
        """Everything a reply may state from this entry: the issue, the answer and the links."""
        return " ".join([self.issue.strip(), self.answer.strip(), *self.links]).strip()

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass
class ImportResult:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)

    def summary(self) -> str:
        return (
            f"{self.read} entries read: {self.inserted} added, {self.updated} updated, "
            f"{len(self.rejected)} rejected."
        )


def _entry(row: tuple[Any, ...]) -> KnowledgeEntry:
    id_, issue, answer, links, valid_from, valid_until, brand = row
    return KnowledgeEntry(id_, issue, answer, tuple(links or ()), valid_from, valid_until, brand)


def entries(con: duckdb.DuckDBPyConnection) -> list[KnowledgeEntry]:
    """Every entry, by brand (brand-less first) then id."""
    return [_entry(r) for r in con.execute(SELECT_ENTRIES).fetchall()]


def get_entry(con: duckdb.DuckDBPyConnection, entry_id: int) -> KnowledgeEntry | None:
    rows = con.execute(SELECT_ENTRY, [entry_id]).fetchall()
    return _entry(rows[0]) if rows else None


def active_entries(con: duckdb.DuckDBPyConnection, on: date) -> list[KnowledgeEntry]:
    """The entries valid on ``on`` (an entry without dates is always valid)."""
    return [_entry(r) for r in con.execute(SELECT_ACTIVE, [on, on]).fetchall()]


# --- checks at the edge -------------------------------------------------------------------------


def _date(value: Any, name: str) -> date | None:
    # Editors send NaN or NaT for an empty cell: neither equals itself.
    if value is None or value != value or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(
            explain(f"{name} is not a date", expected="YYYY-MM-DD", found=repr(str(value)[:40]))
        ) from None


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()


def _links(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and value != value):
        return ()
    # In a CSV cell links are separated by spaces or semicolons.
    items = value.replace(";", " ").split() if isinstance(value, str) else list(value)
    links = tuple(str(link).strip() for link in items if str(link).strip())
    for link in links:
        if not link.lower().startswith(("http://", "https://")) or any(c.isspace() for c in link):
            raise ValueError(
                explain(
                    "A link is not a web address",
                    expected="http:// or https:// addresses",
                    found=repr(link[:60]),
                )
            )
    return links


def check_entry(raw: dict[str, Any], entry_id: int | None = None) -> KnowledgeEntry:
    """An entry from a file row or a form, checked; ValueError says what is wrong."""
    unknown = sorted(set(raw) - set(COLUMNS) - {"id"})
    if unknown:
        raise ValueError(
            explain("Unknown field", expected=", ".join(COLUMNS), found=", ".join(unknown))
        )
    text = {k: _text(raw.get(k)) for k in ("issue", "answer", "brand")}
    for name in ("issue", "answer"):
        if not text[name]:
            raise ValueError(
                explain(f"The {name} is missing", fix=f"write the entry's {name}; it is required.")
            )
        if len(text[name]) > MAX_CHARS:
            raise ValueError(
                explain(f"The {name} is too long", expected=f"at most {MAX_CHARS} characters")
            )
    valid_from = _date(raw.get("valid_from"), "valid_from")
    valid_until = _date(raw.get("valid_until"), "valid_until")
    if valid_from and valid_until and valid_from > valid_until:
        raise ValueError(
            explain(
                "valid_from is after valid_until",
                found=f"{valid_from} > {valid_until}",
                fix="swap the dates.",
            )
        )
    return KnowledgeEntry(
        entry_id,
        text["issue"],
        text["answer"],
        _links(raw.get("links")),
        valid_from,
        valid_until,
        text["brand"] or None,
    )


# --- writes -------------------------------------------------------------------------------------


def _values(entry: KnowledgeEntry) -> list[Any]:
    return [
        entry.issue,
        entry.answer,
        list(entry.links),
        entry.valid_from,
        entry.valid_until,
        entry.brand,
    ]


def add_entry(con: duckdb.DuckDBPyConnection, entry: KnowledgeEntry) -> int:
    """Store a new entry (checked first); returns its id."""
    entry = check_entry(_raw(entry))
    with store.transaction(con):
        return int(store.scalar(con, INSERT_ENTRY, _values(entry)))


def update_entry(con: duckdb.DuckDBPyConnection, entry: KnowledgeEntry) -> None:
    if entry.id is None:
        raise ValueError("An entry without an id cannot be updated.")
    checked = check_entry(_raw(entry), entry.id)
    with store.transaction(con):
        con.execute(UPDATE_ENTRY, [*_values(checked), entry.id])


def remove_entry(con: duckdb.DuckDBPyConnection, entry_id: int) -> bool:
    """Delete an entry; False when there was none. Drafts keep their text (and its id)."""
    with store.transaction(con):
        found = get_entry(con, entry_id) is not None
        con.execute(DELETE_ENTRY, [entry_id])
    return found


def _raw(entry: KnowledgeEntry) -> dict[str, Any]:
    return {
        "issue": entry.issue,
        "answer": entry.answer,
        "links": list(entry.links),
        "valid_from": entry.valid_from,
        "valid_until": entry.valid_until,
        "brand": entry.brand,
    }


def import_rows(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> ImportResult:
    """Check and store rows (one transaction): a new issue is inserted, a known one (same brand
    and issue) updated, a bad or repeated one rejected with its reason."""
    result = ImportResult(read=len(rows))
    seen: set[tuple[str, str]] = set()
    with store.transaction(con):
        for number, raw in enumerate(rows, start=1):
            try:
                entry = check_entry(raw)
            except ValueError as error:
                result.rejected.append((number, str(error)))
                continue
            key = ((entry.brand or "").lower(), " ".join(entry.issue.lower().split()))
            if key in seen:
                result.rejected.append(
                    (number, "A duplicate of an earlier row (same brand and issue).")
                )
                continue
            seen.add(key)
            found = store.scalar(con, FIND_ENTRY, [entry.brand, entry.issue])
            if found is None:
                con.execute(INSERT_ENTRY, _values(entry)).fetchall()
                result.inserted += 1
            else:
                con.execute(UPDATE_ENTRY, [*_values(entry), found])
                result.updated += 1
    return result


# --- files --------------------------------------------------------------------------------------


def file_format(path: Path) -> str:
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        raise InputFileError(
            explain(
                "Unknown knowledge base file type",
                expected=", ".join(f".{f}" for f in FORMATS),
                found=path.suffix or "no extension",
            )
        )
    return kind


def parse(text: str, kind: str) -> list[dict[str, Any]]:
    """The rows of a knowledge base file's text (``kind``: toml, csv or json)."""
    try:
        if kind == "toml":
            rows = tomllib.loads(text).get("entry", [])
        elif kind == "json":
            loaded = json.loads(text)
            rows = loaded.get("entries", []) if isinstance(loaded, dict) else loaded
        else:
            rows = [
                {key: _unquoted(value) for key, value in row.items()}
                for row in csv.DictReader(io.StringIO(text))
            ]
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, csv.Error) as error:
        raise InputFileError(
            explain(f"The {kind.upper()} file cannot be read", found=str(error)[:200])
        ) from None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputFileError(
            explain(
                f"The {kind.upper()} file has no list of entries",
                expected="[[entry]] tables (TOML), a header row (CSV) or a list of objects (JSON)",
            )
        )
    return rows


def _unquoted(cell: Any) -> Any:
    """A CSV cell without the quote :func:`csv_cell` put before a formula-like text."""
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES):
        return cell[1:]
    return cell


def import_file(con: duckdb.DuckDBPyConnection, path: Path) -> ImportResult:
    kind = file_format(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(explain("The file cannot be read", found=str(error))) from None
    return import_rows(con, parse(text, kind))


def _row(entry: KnowledgeEntry) -> dict[str, Any]:
    row: dict[str, Any] = {"issue": entry.issue, "answer": entry.answer}
    if entry.links:
        row["links"] = list(entry.links)
    for name in ("valid_from", "valid_until", "brand"):
        if getattr(entry, name) is not None:
            row[name] = getattr(entry, name)
    return row


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def dumps(items: list[KnowledgeEntry], kind: str) -> str:
    """The entries as a file of ``kind`` that :func:`parse` reads back."""
    rows = [_row(e) for e in items]
    if kind == "json":
        return json.dumps({"entries": rows}, indent=2, default=str, ensure_ascii=False)
    if kind == "toml":
        blocks = [
            "[[entry]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in row.items())
            for row in rows
        ]
        return "\n".join(blocks)
    # Through the one CSV writer, so a cell a spreadsheet would evaluate gets its quote;
    # parse() takes that quote off again, so the file reads back as it was.
    flat = [{**row, "links": " ".join(row.get("links", []))} for row in rows]
    return csv_text([[row.get(c, "") for c in COLUMNS] for row in flat], header=list(COLUMNS))


def export_file(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Write every entry to ``path`` (format from its extension); returns the count."""
    kind = file_format(path)
    items = entries(con)
    path.write_text(dumps(items, kind), encoding="utf-8")
    return len(items)


def sync_entries(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]]) -> ImportResult:
    """Make the table what an editor shows: rows with an ``id`` update that entry, rows without
    one are added, and entries whose id is missing from ``rows`` are removed. A bad row is
    rejected with its reason (and its entry left as it was)."""
    result = ImportResult(read=len(rows))
    kept = {int(r["id"]) for r in rows if r.get("id") not in (None, "")}
    with store.transaction(con):
        for (stored,) in con.execute("SELECT id FROM knowledge_entries").fetchall():
            if stored not in kept:
                con.execute(DELETE_ENTRY, [stored])
        for number, raw in enumerate(rows, start=1):
            entry_id = raw.get("id")
            fields = {k: v for k, v in raw.items() if k != "id"}
            try:
                entry = check_entry(fields)
            except ValueError as error:
                result.rejected.append((number, str(error)))
                continue
            if entry_id in (None, ""):
                con.execute(INSERT_ENTRY, _values(entry)).fetchall()
                result.inserted += 1
            else:
                con.execute(UPDATE_ENTRY, [*_values(entry), int(entry_id)])
                result.updated += 1
    return result


def editor_rows(items: list[KnowledgeEntry]) -> list[dict[str, Any]]:
    """Entries as an editor's rows (links as one space-separated cell); read back by
    :func:`sync_entries`."""
    return [
        {
            "id": e.id,
            "issue": e.issue,
            "answer": e.answer,
            "links": " ".join(e.links),
            "valid_from": e.valid_from,
            "valid_until": e.valid_until,
            "brand": e.brand or "",
        }
        for e in items
    ]
