"""Bulk imports from CSV files: reading and checking every row, and the plan an administrator previews.

Reading the file and the rules for each cell are pure functions. Planning looks things up in a fixed
number of queries: the units once, people and their records in chunks of 1,000.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select

from course.auth.services import normalise_email
from course.extensions import db
from course.models import CourseCompletion, JobRole, OrgUnit, Role, User
from course.org import settings
from course.records.rules import expiry_for

CHUNK = 1000
NAME_MAX = 200
VERSION_MAX = 40
SEPARATOR = " / "
PEOPLE_COLUMNS = ("email", "name", "job_role", "unit_path")
PERSON_FIELDS = ("name", "job_role", "role", "unit_id")
COMPLETION_COLUMNS = ("email", "completed_on")
COMPLETION_OPTIONAL = ("expires_on", "course_version")
ROLES = {"administrator": Role.ADMIN} | {role.value: role for role in Role}
SAVE_AS_UTF8 = (
    "the file is not in the CSV UTF-8 format, so its characters cannot be read. "
    "Save the file as CSV UTF-8 (in Excel: Save As, then CSV UTF-8) and try again"
)
T = TypeVar("T")


class ImportFailed(Exception):
    """Nothing was imported; the message says why and what to do."""


class BadCell(ValueError):
    """A cell's value cannot be used; the message says what to enter instead."""


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


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


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


def cell(row: int, errors: list[RowError], parse: Callable[..., T], *args: Any) -> T | None:
    """parse(*args), or None after noting the problem against the row."""
    try:
        return parse(*args)
    except BadCell as problem:
        errors.append(RowError(row, str(problem)))
        return None


def parse_email(value: str) -> str:
    if not value:
        raise BadCell("enter an email address")
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise BadCell(f"“{value}” is not a valid email address. {error}") from None
    return normalise_email(value)


def parse_name(value: str) -> str:
    if not value:
        raise BadCell("enter the person's name")
    if len(value) > NAME_MAX:
        raise BadCell(f"the name has {len(value)} characters. Shorten it to {NAME_MAX} or fewer")
    return value


def parse_role(value: str) -> Role | None:
    """The role, or None when blank: a new person is then a learner and an existing one keeps theirs."""
    if not value:
        return None
    try:
        return ROLES[value.lower()]
    except KeyError:
        raise BadCell(
            f"“{value}” is not a role. Enter learner, manager or admin, or leave it blank"
        ) from None


def parse_job_role(value: str) -> JobRole:
    try:
        return JobRole(column_key(value))
    except ValueError:
        choices = ", ".join(job.value for job in JobRole)
        raise BadCell(f"“{value}” is not a job role. Enter one of: {choices}") from None


def parse_date(value: str, column: str) -> date:
    """A date written YYYY-MM-DD, the one way that no spreadsheet reads differently."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadCell(f"{column} “{value}” is not a date. Write it as YYYY-MM-DD, like 2025-09-30") from None


def parse_completed_on(value: str, today: date) -> date:
    day = parse_date(value, "completed_on")
    if day > today:
        raise BadCell(f"completed_on {value} is in the future")
    return day


def parse_expires_on(value: str, completed_on: date, validity_months: int) -> date:
    """The given expiry date, or by default the organisation's validity period after completion."""
    if not value:
        return expiry_for(completed_on, validity_months)
    day = parse_date(value, "expires_on")
    if day <= completed_on:
        raise BadCell(f"expires_on {value} must be after completed_on {completed_on.isoformat()}")
    return day


def parse_course_version(value: str) -> str:
    if len(value) > VERSION_MAX:
        raise BadCell(f"course_version has {len(value)} characters. Shorten it to {VERSION_MAX} or fewer")
    return value or "imported"


def path_key(path: str) -> str:
    """How unit paths are compared: ignoring case and the spacing around the separators."""
    return re.sub(r"\s*/\s*", SEPARATOR, " ".join(path.split())).casefold()


def unit_paths(units: Iterable[tuple[int, str, str]]) -> dict[int, str]:
    """Each unit's names from the top ("Trust / School / Department"), from (id, name, id path) rows."""
    units = list(units)
    names = {unit_id: name for unit_id, name, _path in units}
    return {
        unit_id: SEPARATOR.join(names[int(part)] for part in path.split("/") if part)
        for unit_id, _name, path in units
    }


def unit_lookup(paths: dict[int, str]) -> dict[str, int | None]:
    """Path key -> unit id; None where two units have the same path, so neither can be chosen by it."""
    found: dict[str, int | None] = {}
    for unit_id, path in paths.items():
        key = path_key(path)
        found[key] = None if key in found else unit_id
    return found


def parse_unit(value: str, units: dict[str, int | None]) -> int:
    if not value:
        raise BadCell("enter the unit_path, the unit names from the top separated by “ / ”")
    key = path_key(value)
    if key not in units:
        raise BadCell(
            f"there is no unit “{value}”. Write the unit names from the top, separated by “ / ”, "
            "like Trust / School / Department, or add the unit first"
        )
    unit_id = units[key]
    if unit_id is None:
        raise BadCell(f"more than one unit is called “{value}”. Rename one of them first")
    return unit_id


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


def org_zone() -> ZoneInfo:
    """Imported dates are days in the organisation's time zone."""
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def job_label(value: str) -> str:
    return JobRole(value).label if value in JobRole.__members__.values() else value


def describe_changes(old: dict[str, Any], new: dict[str, Any], paths: dict[int, str]) -> tuple[str, ...]:
    """What an update changes, for the preview: ("job role: Teacher → Nurse", ...)."""
    shown: dict[str, Callable[[Any], str]] = {
        "name": str,
        "job_role": job_label,
        "role": str,
        "unit_id": lambda unit_id: paths.get(unit_id, "none"),
    }
    return tuple(
        f"{field.removesuffix('_id').replace('_', ' ')}: {show(old[field])} → {show(new[field])}"
        for field, show in shown.items()
        if old[field] != new[field]
    )


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
    months = settings().certificate_months
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
    zone = org_zone()
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
    for record in sorted(records, key=lambda record: record.completed_on):
        cycles[record.row] = last[record.user_id] = last.get(record.user_id, 0) + 1
    return cycles
