"""Random and malformed input never crashes the loader, and never loses a row without a record."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.config import Settings
from loaders.errors import BrandpulseError
from loaders.ingest.files import ingest_file
from tests.conftest import scalar

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)


def check(path: Path, db: Path) -> None:
    """Either a one-line expected error and no run stored, or a run whose counts reconcile."""
    runs_before = scalar(db, "SELECT count(*) FROM ingest_runs") if db.exists() else 0
    try:
        result = ingest_file(path, settings=Settings(db=db))
    except BrandpulseError as error:
        assert "\n" not in str(error) and "Traceback" not in str(error)
        assert (scalar(db, "SELECT count(*) FROM ingest_runs") if db.exists() else 0) == runs_before
        return
    assert result.rows_read == result.inserted + result.duplicates + result.rejected
    stored = scalar(db, "SELECT count(*) FROM rejected_rows WHERE run_id = ?", [result.run_id])
    assert stored == result.rejected


@FUZZ
@given(
    data=st.binary(max_size=2000),
    suffix=st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".parquet", ".xlsx"]),
)
def test_random_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        path.write_bytes(data)
        check(path, Path(folder) / "fuzz.duckdb")


@FUZZ
@given(
    body=st.lists(
        st.tuples(
            cell_text,
            st.sampled_from(["2024-01-01", "1/2/2024 10:00", "", "garbage", "1700000000"]),
            st.sampled_from(["5", "0", "x", ""]),
        ),
        max_size=30,
    ),
    breakage=st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(['"', ",", "\n", '""', "\r\n", ";"])),
        max_size=4,
    ),
)
def test_malformed_csv(body, breakage):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["text", "date", "rating"])
    out.writerows(body)
    text = buffer.getvalue()
    for position, junk in breakage:  # splice stray quotes, delimiters and newlines into the data
        cut = len("text,date,rating\n") + position
        text = text[:cut] + junk + text[cut:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "broken.csv"
        path.write_text(text, encoding="utf-8")
        check(path, Path(folder) / "fuzz.duckdb")


@FUZZ
@given(
    body=st.lists(
        st.tuples(
            cell_text, st.sampled_from(["2024-01-01", "", "soon"]), st.sampled_from(["5", "9", ""])
        ),
        min_size=1,
        max_size=30,
    )
)
def test_well_formed_csv_counts_every_record(body):
    buffer = io.StringIO()
    # QUOTE_ALL: an unquoted bare "\r" is a line break to most readers, so quote every field.
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(
        [["text", "date", "rating"], *body]
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ok.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        result = ingest_file(path, settings=Settings(db=Path(folder) / "f.duckdb"))
        assert result.rows_read == len(body)  # a row of empty cells is still a record (",,")
        assert result.rows_read == result.inserted + result.duplicates + result.rejected


@FUZZ
@given(
    items=st.lists(
        st.one_of(
            st.dictionaries(
                st.sampled_from(["text", "date", "rating", "x"]),
                st.one_of(cell_text, st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
            ),
            st.integers(),
            st.text(max_size=5),
        ),
        max_size=20,
    ),
    lines=st.booleans(),
)
def test_malformed_json(items, lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("data.jsonl" if lines else "data.json")
        path.write_text(
            "\n".join(json.dumps(i) for i in items) if lines else json.dumps(items),
            encoding="utf-8",
        )
        check(path, Path(folder) / "fuzz.duckdb")
