"""CSV files people open in a spreadsheet: streamed line by line, UTF-8 with a byte order mark (so
Excel reads names right), and no cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask import Response, stream_with_context

from course.audit import exported

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | date | datetime | None


def inert(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text by a leading single quote."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def text(value: Cell) -> str:
    """Dates as ISO 8601, nothing as an empty cell."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return "" if value is None else str(value)


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> Iterator[str]:
    """The byte order mark, the header, then one line a row: nothing is held in memory but one row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[Cell]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([inert(text(cell)) for cell in cells])
        return buffer.getvalue()

    yield "\ufeff"
    yield line(header)
    for row in rows:
        yield line(row)


def csv_download(lines: Iterator[str], filename: str) -> Response:
    """A streamed CSV download that is never cached and is audited: every such file holds personal data."""
    exported(filename)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
