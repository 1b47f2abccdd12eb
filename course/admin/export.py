"""The completion report as CSV: streamed from one query, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, func, select

from course.admin.status import Scope, in_scope, learner_rows
from course.extensions import db
from course.models import CourseCompletion, JobRole

HEADER = (
    "Name",
    "Email",
    "Job role",
    "Unit",
    "Status",
    "Due date",
    "Completed on",
    "Expires on",
    "Certificate code",
    "Course version",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportRow(NamedTuple):
    name: str
    email: str
    job_role: str
    unit: str
    status: str
    due_on: date | None
    completed_on: date | None
    expires_on: date | None
    certificate_code: str
    course_version: str


def completion_rows(scope: Scope, today: date, window_days: int) -> Iterator[ExportRow]:
    """One row per active person in scope, with their latest record, read from the database in batches."""
    rows = in_scope(learner_rows(today, window_days), scope).subquery()
    latest_cycle = (
        select(CourseCompletion.user_id, func.max(CourseCompletion.cycle).label("cycle"))
        .group_by(CourseCompletion.user_id)
        .subquery()
    )
    query = (
        select(
            rows.c.name,
            rows.c.email,
            rows.c.job_role,
            rows.c.unit_name,
            rows.c.status,
            rows.c.due_on,
            rows.c.completed_at,
            rows.c.expires_on,
            CourseCompletion.certificate_code,
            CourseCompletion.course_version,
        )
        .outerjoin(latest_cycle, latest_cycle.c.user_id == rows.c.user_id)
        .outerjoin(
            CourseCompletion,
            and_(CourseCompletion.user_id == rows.c.user_id, CourseCompletion.cycle == latest_cycle.c.cycle),
        )
        .order_by(rows.c.name, rows.c.email)
        .execution_options(yield_per=1000)
    )
    zone = ZoneInfo(current_app.config["ORG_TIMEZONE"])
    for row in db.session.execute(query):
        yield ExportRow(
            name=row.name,
            email=row.email,
            job_role=_job_role_label(row.job_role),
            unit=row.unit_name or "",
            status=row.status,
            due_on=row.due_on,
            completed_on=row.completed_at.astimezone(zone).date() if row.completed_at else None,
            expires_on=row.expires_on,
            certificate_code=row.certificate_code or "",
            course_version=row.course_version or "",
        )


def csv_lines(rows: Iterable[ExportRow]) -> Iterator[str]:
    """A UTF-8 byte order mark (so spreadsheets read the names right), the header, then one line a row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([inert(cell) for cell in cells])
        return buffer.getvalue()

    yield "\ufeff"
    yield line(HEADER)
    for row in rows:
        yield line(_cells(row))


def inert(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made plain text by a leading single quote."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _cells(row: ExportRow) -> list[str]:
    return [value.isoformat() if isinstance(value, date) else (value or "") for value in row]


def _job_role_label(value: str) -> str:
    try:
        return JobRole(value).label
    except ValueError:
        return value
