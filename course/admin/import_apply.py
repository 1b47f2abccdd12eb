"""Writing a checked import plan: every row in one transaction, in bulk statements, or nothing at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time
from typing import Any

from sqlalchemy import Executable, insert, update
from sqlalchemy.exc import IntegrityError, OperationalError

from course.admin.csv_table import RowError
from course.admin.imports import (
    CompletionsPlan,
    ImportCounts,
    ImportFailed,
    PeoplePlan,
    PersonRow,
    chunks,
    org_zone,
)
from course.audit import record
from course.extensions import db
from course.models import CourseCompletion, User
from course.records.services import new_certificate_code

Progress = Callable[[int], None]

PEOPLE_CONFLICT = (
    "Someone changed people or units while the import was running, so nothing was imported. Check the "
    "file again and import it again: anyone added meanwhile will then be updated, not added twice."
)
RECORDS_CONFLICT = (
    "Some of these people were given a record while the import was running, so nothing was imported. "
    "Check the file again and import it again."
)
BUSY = "The database was busy saving another change, so nothing was imported. Import the file again."


def apply_people_import(
    plan: PeoplePlan, actor: User | None, progress: Progress | None = None
) -> ImportCounts:
    """Add the new people (without a password: they are invited later) and update the others by email.

    `progress(n)` is told as each batch of n rows is written."""
    _refuse_errors(plan.errors)
    added = [
        {"email": row.email, "password_hash": None, **_person(row)}
        for row in plan.rows
        if row.action == "create"
    ]
    changed = [{"id": row.user_id, **_person(row)} for row in plan.rows if row.action == "update"]
    counts = plan.counts
    with _all_or_nothing(PEOPLE_CONFLICT):
        _write(insert(User), added, progress)
        _write(update(User), changed, progress)
        record(
            "people.imported",
            actor=actor,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
        db.session.commit()
    return counts


def apply_completions_import(
    plan: CompletionsPlan, actor: User | None, progress: Progress | None = None
) -> int:
    """Add every planned completion record, each with a new certificate code; returns how many."""
    _refuse_errors(plan.errors)
    zone = org_zone()
    added: list[dict[str, Any]] = [
        {
            "user_id": row.user_id,
            "cycle": row.cycle,
            "course_version": row.course_version,
            # Midday in the organisation's zone: the day stays the same wherever the time is shown.
            "completed_at": datetime.combine(row.completed_on, time(12), tzinfo=zone),
            "expires_on": row.expires_on,
            "scores": {},
            "cpd_minutes": 0,
            "certificate_code": new_certificate_code(),
            "source": "import",
            "recorded_by_id": actor.id if actor else None,
        }
        for row in plan.rows
    ]
    with _all_or_nothing(RECORDS_CONFLICT):
        _write(insert(CourseCompletion), added, progress)
        people = len({row.user_id for row in plan.rows})
        record("completions.imported", actor=actor, records=len(added), people=people)
        db.session.commit()
    return len(added)


def _person(row: PersonRow) -> dict[str, Any]:
    return {"name": row.name, "job_role": row.job_role, "role": row.role, "unit_id": row.unit_id}


def _refuse_errors(errors: tuple[RowError, ...]) -> None:
    if errors:
        raise ImportFailed(f"The file has {len(errors)} problem(s), so nothing was imported. Fix them first.")


def _write(statement: Executable, rows: list[dict[str, Any]], progress: Progress | None) -> None:
    for batch in chunks(rows):
        db.session.execute(statement, list(batch))
        if progress is not None:
            progress(len(batch))


@contextmanager
def _all_or_nothing(conflict: str) -> Iterator[None]:
    """Roll everything back when another import or change got there first, and say so plainly."""
    try:
        yield
    except IntegrityError as error:  # a unique email, cycle or certificate code already taken
        db.session.rollback()
        raise ImportFailed(conflict) from error
    except OperationalError as error:  # SQLite: another import kept the database locked for too long
        db.session.rollback()
        raise ImportFailed(BUSY) from error
