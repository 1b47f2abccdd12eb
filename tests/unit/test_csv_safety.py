import csv
import io
from datetime import date

import pytest

from course.reporting.services import EXPORT_HEADER as HEADER
from course.reporting.services import ExportRow
from course.spreadsheet import csv_lines, inert


@pytest.mark.parametrize(
    "cell",
    ["=1+1", '=HYPERLINK("http://evil.example","Click")', "+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_quote(cell):
    assert inert(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Ann Smith", "ann@example.org", "2026-12-25", "O'Neil", " =1", "a=b"])
def test_ordinary_cells_are_unchanged(cell):
    assert inert(cell) == cell


def row(**changes):
    values = {
        "name": "Ann Smith",
        "email": "ann@example.org",
        "staff_number": "E1001",
        "job_role": "Teacher",
        "unit": "North School",
        "status": "Completed",
        "due_on": date(2026, 1, 31),
        "completed_on": date(2026, 1, 5),
        "expires_on": date(2027, 1, 5),
        "certificate_code": "ABCD-EFGH-JKLM-NPQR",
        "course_version": "2026.1",
    }
    return ExportRow(**{**values, **changes})


def test_a_byte_order_mark_comes_first_then_the_header():
    lines = list(csv_lines(HEADER, []))
    assert lines == ["\ufeff", ",".join(HEADER) + "\r\n"]


def test_dates_are_iso_and_missing_ones_are_empty():
    complete, missing = list(
        csv_lines(HEADER, [row(), row(due_on=None, completed_on=None, expires_on=None)])
    )[2:]
    assert complete == (
        "Ann Smith,ann@example.org,E1001,Teacher,North School,Completed,2026-01-31,2026-01-05,2027-01-05,"
        "ABCD-EFGH-JKLM-NPQR,2026.1\r\n"
    )
    assert ",Completed,,,,ABCD-EFGH-JKLM-NPQR," in missing


def test_every_text_column_is_made_inert_and_quoting_survives_a_round_trip():
    hostile = row(
        name='=HYPERLINK("x","y")',
        email="@a",
        staff_number="=1",
        job_role="-1",
        unit="+u",
        certificate_code="\tc",
    )
    text = "".join(csv_lines(HEADER, [hostile]))[1:]
    (_, cells) = list(csv.reader(io.StringIO(text)))
    assert cells[:5] == ['\'=HYPERLINK("x","y")', "'@a", "'=1", "'-1", "'+u"]
    assert cells[9] == "'\tc"
