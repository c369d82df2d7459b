"""Limits of an .xlsx checked before openpyxl parses it: a bomb costs seconds, not gigabytes.

Two checks, both on the zip's raw contents:

- the uncompressed size of every member, from the zip directory (Python's zipfile never
  inflates a member past its declared size, so the sizes cannot lie);
- the cells of every sheet, counted by streaming its XML through a few byte patterns,
  stopping at the limit. The sheet's <dimension> may be missing or lie; pandas ignores
  it too and builds every row as wide as the widest, so the count is the larger of the
  cell elements and (rows) x (farthest column).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from loaders.errors import InputFileError, explain

_CHUNK = 1 << 20
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_PREFIX = re.compile(rb"<(\w+:)?(?:worksheet|sheetData)[\s>]")
FIX = "save the sheet as CSV, or raise the setting if the file is genuine."


def column_number(letters: bytes) -> int:
    """1 for A, 26 for Z, 27 for AA ... 16,384 for XFD."""
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _CellCount:
    """What pandas would build from the sheet streamed so far.

    The patterns start with a literal (the sheet's namespace prefix, usually none), which
    keeps the scan near the speed of inflating the XML.
    """

    def __init__(self, prefix: bytes) -> None:
        tag = re.escape(b"<" + prefix)
        self.cell = re.compile(tag + rb"c[\s/>]")
        self.cell_column = re.compile(tag + rb'c\s[^>]*?\br="([A-Z]{1,3})\d')
        self.row = re.compile(tag + rb"row[\s/>]")
        self.row_number = re.compile(tag + rb'row\s[^>]*?\br="(\d{1,9})"')
        self.cells = 0  # cell elements
        self.rows = 0  # row elements, or the highest row number if larger
        self.columns = 0  # the farthest column named by a cell

    def add(self, xml: bytes) -> None:
        self.cells += len(self.cell.findall(xml))
        self.rows = max(
            self.rows + len(self.row.findall(xml)),
            max((int(number) for number in self.row_number.findall(xml)), default=0),
        )
        letters = set(self.cell_column.findall(xml))
        if letters:
            self.columns = max(self.columns, max(map(column_number, letters)))

    @property
    def total(self) -> int:
        return max(self.cells, self.rows * self.columns)


def count_cells(book: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> int:
    """Cells of one sheet, streamed; stops once past ``limit`` (the count so far is returned)."""
    count: _CellCount | None = None
    tail = b""
    with book.open(member) as sheet:
        while chunk := sheet.read(_CHUNK):
            xml = tail + chunk
            cut = xml.rfind(b"<")
            if cut > xml.rfind(b">"):  # a tag cut in two: finish it with the next chunk
                xml, tail = xml[:cut], xml[cut:]
            else:
                tail = b""
            if count is None:
                found = _PREFIX.search(xml)
                count = _CellCount(found[1] or b"" if found else b"")
            count.add(xml)
            if count.total > limit:
                break
    if count is None:
        return 0
    count.add(tail)
    return count.total


def _too_big(path: Path, unpacked: int, max_bytes: int) -> InputFileError:
    return InputFileError(
        explain(
            f"{path.name} unpacks to {unpacked / 1e6:,.0f} MB; it was not opened",
            expected=f"at most {max_bytes >> 20:,} MB inside an .xlsx (setting xlsx_max_uncompressed_mb)",
            found=f"a {path.stat().st_size / 1e6:,.1f} MB file holding {unpacked / 1e6:,.0f} MB",
            fix=FIX,
        )
    )


def _declared_cells(path: Path, name: str, head: bytes, max_cells: int) -> None:
    """Refuse a sheet whose own dimension already declares too many cells."""
    found = _DIMENSION.search(head)
    if not found:
        return
    columns = column_number(found[3]) - column_number(found[1]) + 1
    cells = columns * (int(found[4]) - int(found[2]) + 1)
    if cells > max_cells:
        raise InputFileError(
            explain(
                f"{path.name}: sheet {name} declares {cells:,} cells; it was not opened",
                expected=f"at most {max_cells:,} cells (setting xlsx_max_cells)",
                found=f"dimension {b''.join(found.groups()[:2]).decode()}:"
                f"{b''.join(found.groups()[2:]).decode()}",
                fix=FIX,
            )
        )


def check_xlsx_limits(path: Path, max_uncompressed_bytes: int, max_cells: int) -> None:
    """Raise InputFileError (one line) for an .xlsx over either limit; read nothing else."""
    with zipfile.ZipFile(path) as book:
        members = book.infolist()
        unpacked = sum(member.file_size for member in members)
        if unpacked > max_uncompressed_bytes:
            raise _too_big(path, unpacked, max_uncompressed_bytes)
        for member in members:
            if not _SHEET.fullmatch(member.filename):
                continue
            name = member.filename.rsplit("/", 1)[-1]
            with book.open(member) as sheet:
                _declared_cells(path, name, sheet.read(8192), max_cells)  # dimension comes first
            if count_cells(book, member, max_cells) > max_cells:
                raise InputFileError(
                    explain(
                        f"{path.name}: sheet {name} holds more than {max_cells:,} cells; "
                        "it was not opened",
                        expected=f"at most {max_cells:,} cells (setting xlsx_max_cells)",
                        found="them counted in the sheet itself, whatever its dimension says",
                        fix=FIX,
                    )
                )
