"""Ingest one export file into the store: read, map, normalise, quarantine, dedup, write.

The file is staged in an in-memory DuckDB without touching the database; the database
file is attached (and locked) only for the final write, which is one transaction per
file: a file either lands whole, with its run record, or not at all.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from loaders import store, tempdirs
from loaders.config import Settings, load_settings
from loaders.errors import ConfigError, InputFileError, explain
from loaders.ingest.brand_hints import SAMPLE_ROWS, BrandHint, brand_hint
from loaders.ingest.formats import (
    TEXT_FORMATS,
    Progress,
    RawInput,
    ReaderLimits,
    detect_format,
    digest_and_encoding,
    guess_encoding,
    stage_raw,
)
from loaders.ingest.label_import import LabelColumn, insert_labels, read_label_column
from loaders.ingest.mapping import ColumnMapping, resolve_mapping
from loaders.ingest.normalize import NUMERIC_FIELDS, DateWindow, build_staged
from loaders.ingest.sql import (
    AMBIGUOUS_EXTERNAL_IDS,
    BAD_RATING_SHARE,
    INSERT_NEW_DOCUMENTS,
    INSERT_PARSE_REJECTS,
    INSERT_RUN,
    INSERT_STAGED_REJECTS,
    NEXT_RUN_ID,
    STAGED_COUNTS,
)
from loaders.store import carry_over
from loaders.store.deletion import Undo, undo_in_transaction
from loaders.store.facts import refresh_if_stale

# Above this share of unusable ratings an auto-detected rating column is not one
# (e.g. upvote "score" in a social export) and is kept in `extra` instead.
MAX_BAD_RATING_SHARE = 0.5
# How many rows a warning names before it says "and N more".
ROWS_NAMED = 5


@dataclass
class IngestResult:
    """What one file ingest did; rows_read = inserted + duplicates + rejected."""

    file: Path
    run_id: int
    format: str
    encoding: str | None
    kind: str
    preset: str | None
    rows_read: int
    inserted: int
    duplicates: int
    rejected: int
    seconds: float
    mapping: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    lines_read: int | None = None  # physical lines of a text file, header included
    labels_imported: int = 0  # human labels from a mapped label column
    replaced: Undo | None = None  # the run this one replaced (a re-map), undone in the same write


def _report(progress: Progress | None, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, fraction)


def _staging_connection(settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        # Naive timestamps in the file are read in this zone; instants are stored as UTC.
        con.execute("SET TimeZone = ?", [settings.naive_timezone])
    except duckdb.Error:
        con.close()
        raise ConfigError(
            explain(
                f"Unknown time zone '{settings.naive_timezone}'",
                expected="an IANA name such as UTC or Europe/Berlin",
                fix="correct BRANDPULSE_NAIVE_TIMEZONE (or naive_timezone in brandpulse.toml).",
            )
        ) from None
    con.execute("SET memory_limit = ?", [settings.ingest_memory_limit])
    # Spill to a private folder of this process, not a ".tmp" folder in the working directory.
    con.execute("SET temp_directory = ?", [str(tempdirs.process_dir("spill"))])
    if settings.threads:
        con.execute("SET threads = ?", [settings.threads])
    return con


def date_window(settings: Settings, now: datetime | None = None) -> DateWindow:
    """The plausible dates from the settings ``date_min`` and ``date_max_future_days``."""
    try:
        earliest = date.fromisoformat(settings.date_min.strip())
    except ValueError:
        raise ConfigError(
            explain(
                "Setting 'date_min' is not a date",
                expected="YYYY-MM-DD, e.g. 2000-01-01",
                found=repr(settings.date_min),
                fix="correct BRANDPULSE_DATE_MIN (or date_min in brandpulse.toml).",
            )
        ) from None
    now = now or datetime.now(UTC)
    try:
        latest = now + timedelta(days=settings.date_max_future_days)
    except OverflowError:
        latest = datetime(9999, 12, 31, tzinfo=UTC)
    return DateWindow(datetime(earliest.year, earliest.month, earliest.day, tzinfo=UTC), latest)


def reader_limits(settings: Settings) -> ReaderLimits:
    """The readers' limits from the settings."""
    return ReaderLimits(
        max_field_lines=settings.csv_max_field_lines,
        max_record_bytes=settings.max_record_mb << 20,
        json_max_depth=settings.json_max_depth,
        xlsx_max_uncompressed_bytes=settings.xlsx_max_uncompressed_mb << 20,
        xlsx_max_cells=settings.xlsx_max_cells,
    )


def _count_warnings(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One warning naming the kept rows whose likes/shares/replies were unusable and stored empty."""
    total, notes = con.execute(
        "SELECT count(*), list('row ' || __row || ': ' || count_note ORDER BY __row)[1:?] "
        "FROM temp.staged WHERE reason IS NULL AND count_note IS NOT NULL",
        [ROWS_NAMED],
    ).fetchall()[0]
    if not total:
        return []
    more = f"; and {total - len(notes):,} more" if total > len(notes) else ""
    return [
        f"{total:,} rows have a {'/'.join(NUMERIC_FIELDS)} value that is not a count from 0 to "
        f"{2**63 - 1:,} and was stored empty (the rows are kept): " + "; ".join(notes) + more
    ]


def _misdetected_fields(con: duckdb.DuckDBPyConnection, mapping: ColumnMapping) -> dict[str, str]:
    """Auto-detected fields that the data shows are not what they seem -> the warning to give."""
    found = {}
    if "external_id" in mapping.columns and "external_id" not in mapping.explicit:
        if store.scalar(con, AMBIGUOUS_EXTERNAL_IDS):
            found["external_id"] = (
                f"column '{mapping.columns['external_id']}' repeats with different texts, so it is not a post id; "
                "duplicates are recognised by text, source and time instead (name one with --map external_id=COLUMN)"
            )
    if "rating" in mapping.columns and "rating" not in mapping.explicit:
        if store.scalar(con, BAD_RATING_SHARE) > MAX_BAD_RATING_SHARE:
            found["rating"] = (
                f"column '{mapping.columns['rating']}' is mostly not a 1-5 rating, so it was kept in extra (name one with --map rating=COLUMN)"
            )
    return found


@dataclass
class _StagedFile:
    """One file read and checked in the staging connection, not yet written: everything
    its run record needs except the run id and the counts the write itself decides."""

    path: Path
    format: str
    sha256: str
    encoding: str | None
    raw: RawInput
    mapping: ColumnMapping
    warnings: list[str]
    rows_read: int
    rejected: int
    labels: LabelColumn = field(default_factory=LabelColumn)


def ingest_file(
    path: Path | str,
    *,
    db: Path | str | None = None,
    settings: Settings | None = None,
    kind: str | None = None,
    preset: str | None = None,
    columns: Mapping[str, str] | None = None,
    source: str | None = None,
    brand: str | None = None,
    file_format: str | None = None,
    progress: Progress | None = None,
    replaces: int | None = None,
) -> IngestResult:
    """Ingest one file; raise InputFileError or MappingError (database unchanged) when it cannot be read.

    ``replaces``: an earlier run of the same file, undone in the same transaction that writes
    this one (a re-map: :func:`loaders.ingest.runs.remap_run`).
    """
    settings = settings or load_settings()
    db_path = Path(db or settings.db)
    path = Path(path)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    _check_present(path)
    fmt = detect_format(path, file_format)
    options = {
        "preset": preset,
        "kind": kind,
        "source": source,
        "brand": brand,
        "file_label": path.name,
    }

    limits = reader_limits(settings)
    con = _staging_connection(settings)
    try:
        staged = _stage_file(
            con, path, fmt, settings, limits, options, dict(columns or {}), progress
        )
        run_id, inserted, labelled, replaced = _write_run(
            con, staged, started, db_path, settings, progress, replaces
        )
    finally:
        con.close()
    mapping = staged.mapping
    return IngestResult(
        file=path,
        run_id=run_id,
        format=fmt,
        encoding=staged.encoding,
        kind=mapping.kind,
        preset=mapping.preset,
        rows_read=staged.rows_read,
        inserted=inserted,
        duplicates=staged.rows_read - inserted - staged.rejected,
        rejected=staged.rejected,
        seconds=time.perf_counter() - clock,
        mapping=mapping.as_json(),
        warnings=staged.warnings,
        lines_read=staged.raw.lines,
        labels_imported=labelled,
        replaced=replaced,
    )


def _check_present(path: Path) -> None:
    if not path.is_file():
        raise InputFileError(f"{path} does not exist or is not a file.")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path.name} is empty (0 bytes).")


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    settings: Settings,
    limits: ReaderLimits,
    options: dict[str, Any],
    overrides: dict[str, str],
    progress: Progress | None,
) -> _StagedFile:
    """Read ``path`` into ``raw_input``, map its columns and build ``staged``; count what was read."""
    raw, sha256, encoding = _read_raw(con, path, fmt, limits, progress)
    mapping, warnings = _map_and_check(con, raw, settings, options, overrides, progress)
    staged_rows, staged_rejects = con.execute(STAGED_COUNTS).fetchall()[0]
    parse_rejects = raw.parse_rejects
    labels = read_label_column(con, mapping)
    return _StagedFile(
        path=path,
        format=fmt,
        sha256=sha256,
        encoding=encoding,
        raw=raw,
        mapping=mapping,
        warnings=warnings + labels.warnings,
        rows_read=staged_rows + len(parse_rejects),
        rejected=staged_rejects + len(parse_rejects),
        labels=labels,
    )


def _read_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    fmt: str,
    limits: ReaderLimits,
    progress: Progress | None,
) -> tuple[RawInput, str, str | None]:
    """Stage the file's records as ``raw_input``; return them with the file's digest and encoding."""
    text = fmt in TEXT_FORMATS
    _report(progress, "reading", 0.0)
    # Hashing and checking every byte's encoding overlaps with staging, which starts
    # on the encoding guessed from the first megabyte (both release the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        full_pass = pool.submit(digest_and_encoding, path, text)
        guess = guess_encoding(path) if text else None
        try:
            raw: RawInput | None = stage_raw(con, path, fmt, guess, progress, limits)
            failure: InputFileError | None = None
        except InputFileError as error:
            raw, failure = None, error
        sha256, encoding = full_pass.result()
    if encoding != guess:  # a byte past the first megabyte showed another encoding
        raw = stage_raw(con, path, fmt, encoding, progress, limits)
    elif raw is None:
        raise failure
    if raw.mixed_encoding:
        encoding = f"utf-8+{encoding}"
    return raw, sha256, encoding


def _map_and_check(
    con: duckdb.DuckDBPyConnection,
    raw: RawInput,
    settings: Settings,
    options: dict[str, Any],
    overrides: dict[str, str],
    progress: Progress | None,
) -> tuple[ColumnMapping, list[str]]:
    """Build ``staged`` from the resolved mapping, and once more without the auto-detected
    fields its data contradicts; return the mapping used and the warnings so far."""
    mapping = resolve_mapping(raw.columns, overrides=overrides, **options)
    warnings = list(raw.notes)
    window = date_window(settings)

    def stage(current: ColumnMapping) -> None:
        _report(progress, "checking", 0.0)
        build_staged(
            con,
            current,
            raw.columns,
            max_text_chars=settings.max_text_chars,
            date_window=window,
        )

    hint = brand_hint(sample_rows(con, raw.columns), mapping.columns, brand=mapping.brand)
    if hint is not None:  # first: the notes that follow name rows, this one the whole file
        warnings.insert(0, f"{hint.summary()} Fix: {hint.fix()}")
    stage(mapping)
    misdetected = _misdetected_fields(con, mapping)
    if misdetected:
        warnings += misdetected.values()
        mapping = resolve_mapping(
            raw.columns, overrides={**overrides, **dict.fromkeys(misdetected, "")}, **options
        )
        stage(mapping)

    warnings += _count_warnings(con)
    return mapping, warnings


def _write_run(
    con: duckdb.DuckDBPyConnection,
    staged: _StagedFile,
    started: datetime,
    db_path: Path,
    settings: Settings,
    progress: Progress | None,
    replaces: int | None = None,
) -> tuple[int, int, int, Undo | None]:
    """Write the new documents, their imported labels, the quarantined rows and the run record
    in one transaction (first undoing the run ``replaces``); return the run id, how many
    documents and labels were inserted, and the undo."""
    _report(progress, "writing", 0.0)
    store.attach_for_write(con, db_path, settings)
    try:
        # A failed statement (or COMMIT) leaves the database as it was: the file lands whole or not at all.
        with store.transaction(con):
            run_id = store.scalar(con, NEXT_RUN_ID)
            # The replaced run's documents go first, so the same rows count as new, not
            # duplicates; the user's work on them is saved first and put back below.
            replaced = _undo_replaced(con, replaces, run_id)
            inserted = store.scalar(con, INSERT_NEW_DOCUMENTS, [run_id])
            if replaced is not None:
                _put_back(con, replaced)  # before the imports, so corrections stay newest
            labelled = insert_labels(con, staged.labels, staged.path.name)
            con.execute(INSERT_STAGED_REJECTS, [run_id])
            if staged.raw.parse_rejects:
                _insert_parse_rejects(con, run_id, staged.raw.parse_rejects)
            _insert_run(con, staged, run_id, started, inserted)
            # New documents and facts land together. A re-map rebuilds them whatever the
            # fingerprint says: it counts rows, and the same posts back with another brand
            # count the same.
            refresh_if_stale(con, own_transaction=False, force=replaced is not None)
        _report(progress, "done", 1.0)
    finally:
        store.detach(con)
    return run_id, inserted, labelled, replaced


def _undo_replaced(
    con: duckdb.DuckDBPyConnection, replaces: int | None, run_id: int
) -> Undo | None:
    if replaces is None:
        return None
    carry_over.save(con, replaces)
    return undo_in_transaction(con, replaces, replaced_by=run_id, refresh=False)


def _put_back(con: duckdb.DuckDBPyConnection, replaced: Undo) -> None:
    replaced.kept, not_back = carry_over.restore(con)
    if not not_back:  # every post is back, so are the ones later runs shared with it
        replaced.later_duplicates = []


def _insert_run(
    con: duckdb.DuckDBPyConnection,
    staged: _StagedFile,
    run_id: int,
    started: datetime,
    inserted: int,
) -> None:
    mapping = staged.mapping
    con.execute(
        INSERT_RUN,
        [
            run_id,
            str(staged.path.resolve()),
            staged.sha256,
            staged.format,
            staged.encoding,
            mapping.kind,
            mapping.preset,
            started,
            staged.rows_read,
            inserted,
            staged.rows_read - inserted - staged.rejected,  # duplicates
            staged.rejected,
            json.dumps(mapping.as_json()),
            json.dumps(staged.warnings),
            staged.raw.lines,
        ],
    )


def _insert_parse_rejects(
    con: duckdb.DuckDBPyConnection, run_id: int, rejects: Sequence[Any]
) -> None:
    import pyarrow as pa

    table = pa.table(
        {
            "row_number": pa.array([r.row_number for r in rejects], pa.int64()),
            "reason": pa.array([r.reason for r in rejects], pa.string()),
            "raw": pa.array(
                [json.dumps(r.raw, ensure_ascii=False, default=str) for r in rejects], pa.string()
            ),
        }
    )
    con.register("parse_rejects_arrow", table)
    try:
        con.execute(INSERT_PARSE_REJECTS, [run_id]).fetchall()
    finally:
        con.unregister("parse_rejects_arrow")


def sample_rows(
    con: duckdb.DuckDBPyConnection, columns: Sequence[str], limit: int = SAMPLE_ROWS
) -> list[dict[str, Any]]:
    """The first ``limit`` rows of ``raw_input`` as column -> cell."""
    cursor = con.execute("SELECT * EXCLUDE (__row) FROM raw_input ORDER BY __row LIMIT ?", [limit])
    return [dict(zip(columns, values, strict=False)) for values in cursor.fetchall()]


@dataclass
class FilePreview:
    """The first rows of a file and the column mapping Brandpulse would use for it."""

    format: str
    encoding: str | None
    columns: list[str]
    rows: list[dict[str, Any]]  # the first rows, as read (strings for text formats)
    mapping: ColumnMapping | None  # the automatic suggestion; None when it is incomplete
    problem: str | None  # why no complete mapping was found, with the fix
    suggested: dict[str, str]  # field -> column: the suggestion, complete or not
    brand_hint: BrandHint | None = None  # no brand column is suggested: where brands might be


def preview_file(
    path: Path | str,
    *,
    settings: Settings | None = None,
    file_format: str | None = None,
    rows: int = 20,
) -> FilePreview:
    """Read ``path`` without touching the database: preview rows and suggested mapping.

    The Data page shows this before ingesting, so the marketer can check and edit the
    mapping that :func:`ingest_file` would otherwise pick on its own.
    """
    from loaders.errors import MappingError
    from loaders.ingest.mapping import suggest_columns

    settings = settings or load_settings()
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise InputFileError(f"{path.name} is empty or missing.")
    fmt = detect_format(path, file_format)
    encoding = guess_encoding(path) if fmt in TEXT_FORMATS else None
    con = _staging_connection(settings)
    try:
        raw = stage_raw(con, path, fmt, encoding, limits=reader_limits(settings))
        sample = sample_rows(con, raw.columns, max(rows, SAMPLE_ROWS))
    finally:
        con.close()
    try:
        mapping: ColumnMapping | None = resolve_mapping(raw.columns, file_label=path.name)
        problem = None
    except MappingError as error:
        mapping, problem = None, str(error)
    suggested = mapping.columns if mapping else suggest_columns(raw.columns)
    return FilePreview(
        fmt,
        encoding,
        list(raw.columns),
        sample[:rows],
        mapping,
        problem,
        dict(suggested),
        brand_hint(sample, suggested),
    )
