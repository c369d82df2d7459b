"""Hostile .xlsx files (issue 15): decompression bombs, forged and missing dimensions.

Every workbook is generated here; a refused file is one line naming the setting.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from loaders.config import Settings
from tests.loaders.ingest.test_hostile_ingest import rows, run_cli


def xlsx_bomb(path: Path, sheet_bytes: int) -> Path:
    """An .xlsx-shaped zip whose sheet XML is ``sheet_bytes`` of highly compressible rows."""
    import zipfile

    row = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            chunk = row * ((1 << 20) // len(row))
            for _ in range(sheet_bytes // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_an_xlsx_bomb_is_refused_from_the_zip_directory(tmp_path):
    settings = Settings(db=tmp_path / "x.duckdb", xlsx_max_uncompressed_mb=4)
    path = xlsx_bomb(tmp_path / "bomb.xlsx", 8 << 20)
    assert path.stat().st_size < 200_000
    code, output = run_cli_env(settings, "ingest", str(path))
    assert code == 1
    [line] = output.strip().splitlines()
    assert line.startswith("Error: bomb.xlsx unpacks to 8 MB; it was not opened. ")
    assert "Expected at most 4 MB inside an .xlsx (setting xlsx_max_uncompressed_mb)." in line


@pytest.mark.slow
def test_a_gigabyte_xlsx_bomb_is_refused_with_the_default_limit(tmp_path):
    import time

    path = xlsx_bomb(tmp_path / "bomb.xlsx", 1_080 << 20)
    started = time.perf_counter()
    code, output = run_cli("ingest", str(path), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1
    assert "bomb.xlsx unpacks to 1,132 MB; it was not opened" in output
    assert time.perf_counter() - started < 5


def test_an_xlsx_declaring_too_many_cells_is_refused_before_parsing(tmp_path):
    import zipfile

    import pandas as pd

    real = tmp_path / "real.xlsx"
    pd.DataFrame({"text": ["hello"], "created_at": ["2024-01-01"]}).to_excel(real, index=False)
    forged = tmp_path / "cells.xlsx"
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(forged, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2"', b'<dimension ref="A1:AB1048576"')
            target.writestr(member, data)
    code, output = run_cli("ingest", str(forged), "--db", str(tmp_path / "x.duckdb"))
    assert code == 1
    assert output.strip() == (
        "Error: cells.xlsx: sheet sheet1.xml declares 29,360,128 cells; it was not opened. "
        "Expected at most 20,000,000 cells (setting xlsx_max_cells). Found dimension A1:AB1048576. "
        "Fix: save the sheet as CSV, or raise the setting if the file is genuine."
    )
    code, output = run_cli("ingest", str(real), "--db", str(tmp_path / "x.duckdb"))
    assert code == 0, output


def xlsx_without_true_dimension(path: Path, rows: int, last_column: str, dimension: bytes) -> Path:
    """A real workbook of ``rows`` rows (text, created_at and a cell in ``last_column``), its
    <dimension> replaced by ``dimension`` (b"" drops it)."""
    import re
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["text", "created_at"])
    for i in range(1, rows):
        sheet.append([f"post {i}", "2024-01-01"])
        sheet[f"{last_column}{i + 1}"] = "x"
    real = path.with_suffix(".real.xlsx")
    book.save(real)
    with zipfile.ZipFile(real) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", dimension, data)
            target.writestr(member, data)
    real.unlink()
    return path


@pytest.mark.parametrize(
    ("dimension", "last_column", "found"),
    [
        (b"", "C", "more than 100 cells"),  # 50 rows x 3 columns, no dimension at all
        (b'<dimension ref="A1:B2"/>', "C", "more than 100 cells"),  # a dimension that lies
        (b"", "XFD", "more than 100 cells"),  # sparse: one far cell per row widens every row
    ],
)
def test_an_xlsx_is_refused_by_the_cells_it_holds_not_what_it_declares(
    tmp_path, dimension, last_column, found
):
    path = xlsx_without_true_dimension(tmp_path / "lies.xlsx", 50, last_column, dimension)
    env = {"BRANDPULSE_XLSX_MAX_CELLS": "100"}
    result = CliRunner().invoke(
        cli, ["ingest", str(path), "--db", str(tmp_path / "x.duckdb")], env=env
    )
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: lies.xlsx: sheet sheet1.xml holds {found}; it was not opened. Expected at most "
        "100 cells (setting xlsx_max_cells). Found them counted in the sheet itself, whatever "
        "its dimension says. Fix: save the sheet as CSV, or raise the setting if the file is "
        "genuine."
    ]
    if last_column == "XFD":
        return  # accepted, pandas would build 819,200 cells here: a gigabyte in this process
    env = {"BRANDPULSE_XLSX_MAX_CELLS": "150"}  # 50 rows x 3 columns: just enough
    result = CliRunner().invoke(
        cli, ["ingest", str(path), "--db", str(tmp_path / "y.duckdb")], env=env
    )
    assert result.exit_code == 0, result.output
    assert rows(tmp_path / "y.duckdb", "SELECT count(*) FROM documents") == [(49,)]


def test_the_default_xlsx_size_limit_is_100_mb():
    assert Settings().xlsx_max_uncompressed_mb == 100


def run_cli_env(settings: Settings, *args: str) -> tuple[int, str]:
    """The CLI with the limits of ``settings`` in the environment, as a user sets them."""
    env = {
        "BRANDPULSE_XLSX_MAX_UNCOMPRESSED_MB": str(settings.xlsx_max_uncompressed_mb),
        "BRANDPULSE_MAX_RECORD_MB": str(settings.max_record_mb),
    }
    result = CliRunner().invoke(cli, [*args, "--db", str(settings.db)], env=env)
    return result.exit_code, result.output


def test_the_data_page_preview_refuses_a_bomb_in_one_line(tmp_path):
    from loaders.errors import InputFileError
    from loaders.ingest.files import preview_file

    settings = Settings(db=tmp_path / "p.duckdb", xlsx_max_uncompressed_mb=4)
    path = xlsx_bomb(tmp_path / "bomb.xlsx", 8 << 20)
    with pytest.raises(InputFileError) as error:
        preview_file(path, settings=settings)
    assert len(str(error.value).splitlines()) == 1
    assert "(setting xlsx_max_uncompressed_mb)" in str(error.value)
