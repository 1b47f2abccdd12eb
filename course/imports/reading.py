"""Reading a CSV file that people saved from a spreadsheet: every row, and what is wrong with each."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

SAVE_AS_UTF8 = (
    "the file is not in the CSV UTF-8 format, so its characters cannot be read. "
    "Save the file as CSV UTF-8 (in Excel: Save As, then CSV UTF-8) and try again"
)


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
    """The data rows of a CSV file, as (row number, {column: stripped value}), and what was wrong."""

    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError]


def column_key(heading: str) -> str:
    """The name a heading stands for: "Job role", "JOB_ROLE" and "job-role" all mean job_role."""
    return re.sub(r"[\s_-]+", "_", heading.strip().lower())


def decode(data: bytes) -> str:
    """The text of a CSV UTF-8 file (with or without the mark Excel puts first); BadFile otherwise."""
    position = data.find(b"\x00")  # UTF-16 text without a byte-order mark still decodes as UTF-8
    if position < 0:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            position = error.start
    raise BadFile(RowError(data.count(b"\n", 0, position) + 1, SAVE_AS_UTF8))


def read_table(data: bytes, *, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    """Read every row, noting each one that is malformed; blank rows are skipped but still counted."""
    try:
        return _read(decode(data), required, optional, max_rows)
    except BadFile as bad:
        return Table([], [bad.error])


def _read(text: str, required: Sequence[str], optional: Sequence[str], max_rows: int) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = next(reader, None)
    wanted = ", ".join([*required, *optional])
    if not header or not any(cell.strip() for cell in header):
        raise BadFile(RowError(1, f"the file is empty. The first row must name the columns: {wanted}"))
    columns = [column_key(cell) for cell in header]
    missing = [name for name in required if name not in columns]
    if missing:
        raise BadFile(RowError(1, f"the column {', '.join(missing)} is missing. The columns are: {wanted}"))
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        raise BadFile(RowError(1, f"the column {', '.join(repeated)} appears more than once"))
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == max_rows:
                message = (
                    f"the file has more than {max_rows:,} rows. Split it into files of {max_rows:,} rows"
                )
                raise BadFile(RowError(number, message + " or fewer"))
            extra = cells[len(columns) :]
            if len(cells) < len(columns) or any(cell.strip() for cell in extra):
                errors.append(RowError(number, _width_problem(len(cells), len(columns))))
                continue
            rows.append((number, {name: cell.strip() for name, cell in zip(columns, cells, strict=False)}))
    except csv.Error:
        message = (
            "this row cannot be read: a quotation mark is out of place. A cell that contains commas "
            'or quotation marks must be in double quotes, with each quotation mark inside it doubled ("")'
        )
        errors.append(RowError(number + 1, message))
    return Table(rows, errors)


def _width_problem(cells: int, columns: int) -> str:
    return (
        f"this row has {cells} cells but the first row names {columns} columns. "
        "Check for a missing cell or a stray comma"
    )
