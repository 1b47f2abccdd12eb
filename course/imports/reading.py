"""Reading a file that people saved from a spreadsheet or an HR system: every row, and what is wrong
with each.

A file is CSV (comma- or semicolon-separated, UTF-8 with or without a byte-order mark, or
Windows-1252) or an Excel workbook (XLSX, its first sheet). What was detected is kept on the table so
that the preview can show it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

from charset_normalizer import from_bytes
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

UNREADABLE = (
    "the file's characters cannot be read. Save the file as CSV UTF-8 (in Excel: Save As, then "
    "CSV UTF-8) or as an Excel workbook (.xlsx) and try again"
)
NOT_A_WORKBOOK = (
    "the file looks like an Excel workbook but cannot be opened. Open it in Excel, save it again as "
    ".xlsx (or as CSV UTF-8) and try again"
)
XLSX_MAGIC = b"PK\x03\x04"  # a workbook is a zip archive
ENCODINGS = {"utf_8": "UTF-8", "cp1252": "Windows-1252"}
DELIMITERS = {",": "comma", ";": "semicolon"}
# What openpyxl raises for a damaged workbook, whether opening it or reading its rows.
BROKEN = (zipfile.BadZipFile, ParseError, KeyError, ValueError, TypeError, OSError)


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


class BadFile(Exception):
    """The file as a whole cannot be read: one error, and no point reading on."""

    def __init__(self, error: RowError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class Table:
    """The data rows of a file, as (row number, {column: stripped value}), what was wrong, and how the
    file was read ("CSV, UTF-8, semicolon-separated" or "Excel workbook, sheet Staff")."""

    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError]
    read_as: str = ""
    columns: tuple[str, ...] = field(default=())


def column_key(heading: str) -> str:
    """The name a heading stands for: "Job role", "JOB_ROLE" and "job-role" all mean job_role."""
    return re.sub(r"[\s_-]+", "_", heading.strip().lower())


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding: UTF-8 (with or without the mark Excel puts
    first), else Windows-1252 when that reads it; BadFile otherwise."""
    position = data.find(b"\x00")  # UTF-16 text without a byte-order mark still decodes as UTF-8
    if position >= 0:
        raise BadFile(RowError(data.count(b"\n", 0, position) + 1, UNREADABLE))
    try:
        return data.decode("utf-8-sig"), ENCODINGS["utf_8"]
    except UnicodeDecodeError as error:
        position = error.start
    best = from_bytes(data, cp_isolation=["cp1252"]).best()
    if best is None or best.encoding not in ENCODINGS:
        raise BadFile(RowError(data.count(b"\n", 0, position) + 1, UNREADABLE))
    return str(best), ENCODINGS[best.encoding]


def delimiter_of(header: str) -> str:
    """Comma or semicolon, whichever the header line has more of (one pass over the line)."""
    return ";" if header.count(";") > header.count(",") else ","


def read_table(data: bytes, *, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    """Read every row, noting each one that is malformed; blank rows are skipped but still counted."""
    try:
        if data.startswith(XLSX_MAGIC):
            sheet, rows = _workbook_rows(data)
            return _read(rows, required, optional, max_rows, f"Excel workbook, sheet “{sheet}”")
        text, encoding = decode(data)
        delimiter = delimiter_of(text[: text.find("\n") + 1 or len(text)])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        return _read(
            reader, required, optional, max_rows, f"CSV, {encoding}, {DELIMITERS[delimiter]}-separated"
        )
    except BadFile as bad:
        return Table([], [bad.error])


def _workbook_rows(data: bytes) -> tuple[str, Iterator[list[str]]]:
    """The first sheet's name and its rows as text (dates as YYYY-MM-DD), read in read-only mode."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except (InvalidFileException, IndexError, *BROKEN) as error:
        raise BadFile(RowError(1, NOT_A_WORKBOOK)) from error

    def rows() -> Iterator[list[str]]:
        number = 1
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_cell_text(value) for value in values]
                number += 1
        except BROKEN as error:
            raise BadFile(RowError(number, NOT_A_WORKBOOK)) from error
        finally:
            book.close()

    return sheet.title, rows()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a staff number typed as a number
    return str(value)


def _check_header(
    header: Sequence[str] | None, required: Sequence[str], optional: Sequence[str]
) -> list[str]:
    """The column names of the header row; BadFile when it is empty, lacks a column or repeats one.

    Every check is one pass over the header, so a header of 100,000 columns is answered at once."""
    wanted = ", ".join([*required, *optional])
    if not header or not any(cell.strip() for cell in header):
        raise BadFile(RowError(1, f"the file is empty. The first row must name the columns: {wanted}"))
    columns = [column_key(cell) for cell in header]
    present = Counter(columns)
    missing = [name for name in required if name not in present]
    if missing:
        raise BadFile(RowError(1, f"the column {', '.join(missing)} is missing. The columns are: {wanted}"))
    repeated = sorted(name for name, count in present.items() if name and count > 1)
    if repeated:
        raise BadFile(RowError(1, f"the column {', '.join(repeated)} appears more than once"))
    return columns


def _read(
    reader: Iterable[list[str]], required: Sequence[str], optional: Sequence[str], max_rows: int, read_as: str
) -> Table:
    lines = iter(reader)
    number = 1
    columns: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    try:
        columns = _check_header(next(lines, None), required, optional)
        for number, cells in enumerate(lines, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == max_rows:
                message = (
                    f"the file has more than {max_rows:,} rows. Split it into files of {max_rows:,} rows"
                )
                raise BadFile(RowError(number, message + " or fewer"))
            extra = cells[len(columns) :]
            if len(cells) < len(columns) and not read_as.startswith("Excel"):
                errors.append(RowError(number, _width_problem(len(cells), len(columns))))
                continue
            if any(cell.strip() for cell in extra):
                errors.append(RowError(number, _width_problem(len(cells), len(columns))))
                continue
            cells = [*cells, *[""] * (len(columns) - len(cells))]  # a workbook leaves trailing cells out
            rows.append((number, {name: cell.strip() for name, cell in zip(columns, cells, strict=False)}))
    except csv.Error:
        message = (
            "this row cannot be read: a quotation mark is out of place. A cell that contains the "
            "separator or quotation marks must be in double quotes, with each quotation mark inside it "
            'doubled ("")'
        )
        errors.append(RowError(number + 1, message))
    return Table(rows, errors, read_as, tuple(columns))


def _width_problem(cells: int, columns: int) -> str:
    return (
        f"this row has {cells} cells but the first row names {columns} columns. "
        "Check for a missing cell or a stray separator"
    )
