"""Bulk imports: the plan an administrator previews (every row read and checked), and writing it.

Planning looks things up in a fixed number of queries: the units once, people and their records in
chunks of 1,000. Writing a checked plan puts every row in one transaction, in bulk statements, or
nothing at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Executable, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from course import org
from course.audit import record
from course.extensions import db
from course.imports.reading import RowError, read_table
from course.imports.rules import (
    cell,
    chunks,
    describe_changes,
    parse_completed_on,
    parse_course_version,
    parse_email,
    parse_expires_on,
    parse_job_role,
    parse_name,
    parse_role,
    parse_unit,
    unit_lookup,
    unit_paths,
)
from course.models import CourseCompletion, OrgUnit, Role, User
from course.records.services import new_certificate_code

PEOPLE_COLUMNS = ("email", "name", "job_role", "unit_path")
PERSON_FIELDS = ("name", "job_role", "role", "unit_id")
COMPLETION_COLUMNS = ("email", "completed_on")
COMPLETION_OPTIONAL = ("expires_on", "course_version")


class ImportFailed(Exception):
    """Nothing was imported; the message says why and what to do."""


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class PersonRow:
    """A person in the file: new (user_id None) or existing, with what the import changes for them."""

    row: int
    email: str
    name: str
    job_role: str
    role: str
    unit_id: int
    user_id: int | None = None
    changes: tuple[str, ...] = ()

    @property
    def action(self) -> str:
        if self.user_id is None:
            return "create"
        return "update" if self.changes else "unchanged"


@dataclass(frozen=True)
class PeoplePlan:
    rows: tuple[PersonRow, ...]
    errors: tuple[RowError, ...]

    @property
    def counts(self) -> ImportCounts:
        actions = Counter(row.action for row in self.rows)
        return ImportCounts(actions["create"], actions["update"], actions["unchanged"])


def plan_people_import(data: bytes, *, max_rows: int) -> PeoplePlan:
    """Check every row of a people file and say, for each person, what importing it would do."""
    table = read_table(data, required=PEOPLE_COLUMNS, optional=("role",), max_rows=max_rows)
    paths = unit_paths(db.session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.path)))
    units = unit_lookup(paths)
    errors = list(table.errors)
    people: list[PersonRow] = []
    first_row: dict[str, int] = {}
    for row, cells in table.rows:
        email = cell(row, errors, parse_email, cells["email"])
        if email in first_row:
            errors.append(RowError(row, f"{email} is also on row {first_row[email]}. Keep one of the rows"))
            email = None
        elif email is not None:
            first_row[email] = row
        name = cell(row, errors, parse_name, cells["name"])
        job_role = cell(row, errors, parse_job_role, cells["job_role"])
        role = cell(row, errors, parse_role, cells.get("role", ""))
        unit_id = cell(row, errors, parse_unit, cells["unit_path"], units)
        if email is not None and name is not None and job_role is not None and unit_id is not None:
            people.append(PersonRow(row, email, name, job_role.value, role.value if role else "", unit_id))
    existing: dict[str, dict[str, Any]] = {}
    query = select(User.id, User.email, *(getattr(User, field) for field in PERSON_FIELDS))
    for emails in chunks([person.email for person in people]):
        found = db.session.execute(query.where(User.email.in_(emails)))
        existing.update((user.email, user._asdict()) for user in found)
    rows = tuple(_compare(person, existing.get(person.email), paths) for person in people)
    return PeoplePlan(rows, tuple(sorted(errors, key=lambda error: error.row)))


def _compare(person: PersonRow, old: dict[str, Any] | None, paths: dict[int, str]) -> PersonRow:
    """The row as it will be written: a blank role leaves an existing person's role as it is."""
    if old is None:
        return replace(person, role=person.role or Role.LEARNER.value)
    person = replace(person, user_id=old["id"], role=person.role or old["role"])
    new = {field: getattr(person, field) for field in PERSON_FIELDS}
    return replace(person, changes=describe_changes(old, new, paths))


@dataclass(frozen=True)
class CompletionRow:
    row: int
    email: str
    user_id: int
    completed_on: date
    expires_on: date
    course_version: str
    cycle: int


@dataclass(frozen=True)
class CompletionsPlan:
    rows: tuple[CompletionRow, ...]
    errors: tuple[RowError, ...]


def plan_completions_import(data: bytes, *, max_rows: int, today: date) -> CompletionsPlan:
    """Check every row of a completions file; each becomes a new record after the person's last one."""
    table = read_table(data, required=COMPLETION_COLUMNS, optional=COMPLETION_OPTIONAL, max_rows=max_rows)
    months = org.settings().certificate_months
    errors = list(table.errors)
    found: list[tuple[int, str, date, date, str]] = []
    first_row: dict[tuple[str, date], int] = {}
    for row, cells in table.rows:
        email = cell(row, errors, parse_email, cells["email"])
        completed = cell(row, errors, parse_completed_on, cells["completed_on"], today)
        version = cell(row, errors, parse_course_version, cells.get("course_version", ""))
        expiry = cells.get("expires_on", "")
        expires = (
            None if completed is None else cell(row, errors, parse_expires_on, expiry, completed, months)
        )
        if email is None or completed is None or expires is None or version is None:
            continue
        if (email, completed) in first_row:
            message = f"{email} with completed_on {completed} is also on row {first_row[email, completed]}"
            errors.append(RowError(row, f"{message}. Keep one of the rows"))
            continue
        first_row[email, completed] = row
        found.append((row, email, completed, expires, version))
    user_ids: dict[str, int] = {}
    for emails in chunks(sorted({email for _row, email, *_ in found})):
        query = select(User.email, User.id).where(User.email.in_(emails))
        user_ids.update(db.session.execute(query).all())
    latest = _latest_records(list(user_ids.values()))
    accepted = []
    for row, email, completed, expires, version in found:
        user_id = user_ids.get(email)
        last = latest.get(user_id) if user_id is not None else None
        if user_id is None:
            errors.append(RowError(row, f"no one has the email {email}. Import the person first"))
        elif last is not None and completed <= last[1]:
            message = f"{email} already has a record completed on {last[1]}. Only later ones can be added"
            errors.append(RowError(row, message))
        else:
            accepted.append(CompletionRow(row, email, user_id, completed, expires, version, cycle=0))
    cycles = number_cycles(accepted, {user_id: cycle for user_id, (cycle, _on) in latest.items()})
    rows = tuple(replace(record, cycle=cycles[record.row]) for record in accepted)
    return CompletionsPlan(rows, tuple(sorted(errors, key=lambda error: error.row)))


def _latest_records(user_ids: list[int]) -> dict[int, tuple[int, date]]:
    """Per person with records: the highest cycle and the (local) day of their last completion."""
    zone = org.zone()
    found: dict[int, tuple[int, date]] = {}
    for ids in chunks(user_ids):
        query = (
            select(
                CourseCompletion.user_id,
                func.max(CourseCompletion.cycle),
                func.max(CourseCompletion.completed_at),
            )
            .where(CourseCompletion.user_id.in_(ids))
            .group_by(CourseCompletion.user_id)
        )
        found.update(
            {user_id: (cycle, at.astimezone(zone).date()) for user_id, cycle, at in db.session.execute(query)}
        )
    return found


def number_cycles(records: Sequence[CompletionRow], last_cycle: dict[int, int]) -> dict[int, int]:
    """Row -> cycle: each person's new records take the cycles after their last one, oldest first."""
    last = dict(last_cycle)
    cycles: dict[int, int] = {}
    for found in sorted(records, key=lambda row: row.completed_on):
        cycles[found.row] = last[found.user_id] = last.get(found.user_id, 0) + 1
    return cycles


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
    zone = org.zone()
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
