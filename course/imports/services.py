"""Bulk imports: the plan an administrator previews (every row read and checked), and writing it.

Planning looks things up in a fixed number of queries: the units once, people and their records in
chunks of 1,000. Writing a checked plan puts every row in one transaction, in bulk statements, or
nothing at all.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Executable, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from course import org
from course.audit import record, record_each
from course.database import utcnow
from course.extensions import db
from course.imports.reading import RowError, read_table
from course.imports.rules import (
    SEPARATOR,
    cell,
    changed_fields,
    chunks,
    describe_changes,
    kind_at_depth,
    parse_completed_on,
    parse_course_version,
    parse_email,
    parse_expires_on,
    parse_job_role,
    parse_name,
    parse_role,
    parse_staff_number,
    parse_start_date,
    parse_unit,
    path_key,
    unit_lookup,
    unit_paths,
    units_to_create,
)
from course.models import CourseCompletion, ImportUpload, OrgUnit, Role, User
from course.people.services import add_unit
from course.records.services import new_certificate_code

PEOPLE_COLUMNS = ("email", "name", "job_role", "unit_path")
PEOPLE_OPTIONAL = ("role", "staff_number", "start_date")
PERSON_FIELDS = ("email", "name", "job_role", "role", "unit_id", "staff_number", "started_on")
COMPLETION_COLUMNS = ("email", "completed_on")
COMPLETION_OPTIONAL = ("expires_on", "course_version")


class ImportFailed(Exception):
    """Nothing was imported; the message says why and what to do."""


@dataclass(frozen=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int
    deactivated: int = 0
    units_created: int = 0


@dataclass(frozen=True)
class PeopleOptions:
    """What the administrator allowed the import to do beyond adding and updating people."""

    create_units: bool = False  # create the units named in unit_path that do not exist yet
    sync: bool = False  # deactivate the active people missing from the file
    update_roles: bool = False  # let the role column change an existing person's role


@dataclass(frozen=True)
class PersonRow:
    """A person in the file: new (user_id None) or existing, with what the import changes for them.

    `unit_id` is a unit's id, or the path key of a unit the import creates."""

    row: int
    email: str
    name: str
    job_role: str
    role: str
    unit_id: int | str
    staff_number: str | None = None
    started_on: date | None = None
    user_id: int | None = None
    changes: tuple[str, ...] = ()
    audit: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def action(self) -> str:
        if self.user_id is None:
            return "create"
        return "update" if self.audit else "unchanged"


@dataclass(frozen=True)
class Leaver:
    """An active person missing from the file: sync mode deactivates them (their records are kept)."""

    user_id: int
    email: str
    name: str


@dataclass(frozen=True)
class PeoplePlan:
    rows: tuple[PersonRow, ...]
    errors: tuple[RowError, ...]
    options: PeopleOptions = PeopleOptions()
    read_as: str = ""
    new_units: tuple[str, ...] = ()  # the units to create, as written in the file, parents first
    leavers: tuple[Leaver, ...] = ()
    kept: tuple[str, ...] = ()  # missing from the file but never deactivated: why, for each

    @property
    def counts(self) -> ImportCounts:
        actions = Counter(row.action for row in self.rows)
        return ImportCounts(
            actions["create"], actions["update"], actions["unchanged"], len(self.leavers), len(self.new_units)
        )


def plan_people_import(
    data: bytes, *, max_rows: int, options: PeopleOptions = PeopleOptions(), actor: User | None = None
) -> PeoplePlan:
    """Check every row of a people file and say, for each person, what importing it would do."""
    table = read_table(data, required=PEOPLE_COLUMNS, optional=PEOPLE_OPTIONAL, max_rows=max_rows)
    units_found = db.session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.path, OrgUnit.retired_at)).all()
    paths = unit_paths((unit_id, name, path) for unit_id, name, path, _ in units_found)
    retired_ids = {unit_id for unit_id, _name, _path, retired_at in units_found if retired_at is not None}
    units = unit_lookup({unit_id: path for unit_id, path in paths.items() if unit_id not in retired_ids})
    retired = frozenset(path_key(paths[unit_id]) for unit_id in retired_ids) - units.keys()
    errors = list(table.errors)
    people: list[PersonRow] = []
    first_row: dict[str, int] = {}
    first_number: dict[str, int] = {}
    written: dict[str, str] = {}  # path key of a unit to create -> the path as first written
    for row, cells in table.rows:
        email = cell(row, errors, parse_email, cells["email"])
        if email in first_row:
            errors.append(RowError(row, f"{email} is also on row {first_row[email]}. Keep one of the rows"))
            email = None
        elif email is not None:
            first_row[email] = row
        number = cell(row, errors, parse_staff_number, cells.get("staff_number", ""))
        if number is not None and number in first_number:
            message = f"staff number {number} is also on row {first_number[number]}. Keep one of the rows"
            errors.append(RowError(row, message))
            email = None
        elif number is not None:
            first_number[number] = row
        name = cell(row, errors, parse_name, cells["name"])
        job_role = cell(row, errors, parse_job_role, cells["job_role"])
        role = cell(row, errors, parse_role, cells.get("role", ""))
        started = cell(row, errors, parse_start_date, cells.get("start_date", ""))
        unit_id = cell(row, errors, parse_unit, cells["unit_path"], units, retired, options.create_units)
        if isinstance(unit_id, str):
            written.setdefault(unit_id, " ".join(cells["unit_path"].split()))
        if email is not None and name is not None and job_role is not None and unit_id is not None:
            person = PersonRow(row, email, name, job_role.value, role.value if role else "", unit_id)
            people.append(replace(person, staff_number=number, started_on=started))
    new_units = units_to_create(written, units.keys())
    shown_paths: dict[int | str, str] = {unit_id: path for unit_id, path in paths.items()}  # noqa: C416
    shown_paths.update((key, _as_written(key, written, paths)) for key in new_units)
    matched = _existing(people)
    rows = []
    for person in people:
        found = _match(person, matched, errors)
        if found is not _NO_MATCH:
            rows.append(_compare(person, found, shown_paths, options, actor, errors))
    in_file = {row.user_id for row in rows if row.user_id}
    leavers, kept = _leavers(in_file, actor) if options.sync else ((), ())
    leavers, kept = _keep_an_admin(rows, leavers, kept, errors)
    return PeoplePlan(
        tuple(rows),
        tuple(sorted(errors, key=lambda error: error.row)),
        options,
        table.read_as,
        tuple(shown_paths[key] for key in new_units),
        leavers,
        kept,
    )


def _as_written(key: str, written: dict[str, str], paths: dict[int, str]) -> str:
    """A unit to create as the file first wrote each name in its path; names of existing units as the
    course has them."""
    existing = {path_key(path): path for path in paths.values()}
    spelling: dict[str, str] = {}
    for path in written.values():
        parts = [part.strip() for part in path.split("/")]
        for depth in range(1, len(parts) + 1):
            spelling.setdefault(path_key(SEPARATOR.join(parts[:depth])), parts[depth - 1])
    parts = key.split(SEPARATOR)
    shown: list[str] = []
    for depth in range(1, len(parts) + 1):
        prefix = SEPARATOR.join(parts[:depth])
        shown = existing[prefix].split(SEPARATOR) if prefix in existing else [*shown, spelling[prefix]]
    return SEPARATOR.join(shown)


_NO_MATCH: dict[str, Any] = {}


def _existing(people: list[PersonRow]) -> dict[str, dict[str, dict[str, Any]]]:
    """The people already in the course whom the file names, by email and by staff number."""
    query = select(User.id, User.active, *(getattr(User, name) for name in PERSON_FIELDS))
    numbers = [person.staff_number for person in people if person.staff_number]
    by_id: dict[int, dict[str, Any]] = {}
    for column, keys in ((User.email, [person.email for person in people]), (User.staff_number, numbers)):
        for batch in chunks(keys):
            by_id.update(
                (user.id, user._asdict()) for user in db.session.execute(query.where(column.in_(batch)))
            )
    return {
        "email": {user["email"]: user for user in by_id.values()},
        "staff_number": {user["staff_number"]: user for user in by_id.values() if user["staff_number"]},
    }


def _match(
    person: PersonRow, found: dict[str, dict[str, dict[str, Any]]], errors: list[RowError]
) -> dict[str, Any] | None:
    """The existing person a row stands for: by staff number when the row has one, else by email.
    None for a new person; _NO_MATCH (after noting why) when the row contradicts the course."""
    by_email = found["email"].get(person.email)
    by_number = found["staff_number"].get(person.staff_number) if person.staff_number else None
    if by_number is not None and by_email is not None and by_number["id"] != by_email["id"]:
        message = (
            f"staff number {person.staff_number} belongs to {by_number['email']}, but {person.email} "
            "is someone else. Correct the email or the staff number"
        )
        errors.append(RowError(person.row, message))
        return _NO_MATCH
    if by_number is None and person.staff_number and by_email is not None and by_email["staff_number"]:
        message = (
            f"{person.email} has the staff number {by_email['staff_number']} in the course, not "
            f"{person.staff_number}. Correct the file, or change the number on the person's edit page first"
        )
        errors.append(RowError(person.row, message))
        return _NO_MATCH
    return by_number or by_email


def _compare(
    person: PersonRow,
    old: dict[str, Any] | None,
    paths: dict[int | str, str],
    options: PeopleOptions,
    actor: User | None,
    errors: list[RowError],
) -> PersonRow:
    """The row as it will be written. An existing person keeps their role unless roles may be
    updated, and keeps the staff number and start date the file leaves blank."""
    if old is None:
        return replace(person, role=person.role or Role.LEARNER.value)
    role = person.role if options.update_roles and person.role else old["role"]
    if actor is not None and old["id"] == actor.id and role != Role.ADMIN:
        errors.append(RowError(person.row, "you cannot remove your own administrator access"))
        role = old["role"]
    person = replace(
        person,
        user_id=old["id"],
        role=role,
        staff_number=person.staff_number or old["staff_number"],
        started_on=person.started_on or old["started_on"],
    )
    audit = changed_fields(old, {name: getattr(person, name) for name in PERSON_FIELDS})
    return replace(person, audit=audit, changes=describe_changes(audit, paths))


def _leavers(in_file: set[int], actor: User | None) -> tuple[tuple[Leaver, ...], tuple[str, ...]]:
    """Sync mode: the active people the file does not name, but never the importer."""
    query = select(User.id, User.email, User.name).where(User.active.is_(True)).order_by(User.name)
    leavers, kept = [], []
    for user_id, email, name in db.session.execute(query):
        if user_id in in_file:
            continue
        if actor is not None and user_id == actor.id:
            kept.append(f"{email}: you are importing the file, so your account stays active")
        else:
            leavers.append(Leaver(user_id, email, name))
    return tuple(leavers), tuple(kept)


def _keep_an_admin(
    rows: list[PersonRow], leavers: tuple[Leaver, ...], kept: tuple[str, ...], errors: list[RowError]
) -> tuple[tuple[Leaver, ...], tuple[str, ...]]:
    """Never leave the organisation without an active administrator: sync mode keeps the
    administrators it would deactivate, and a file that would demote the last one is refused."""
    admins = set(db.session.scalars(select(User.id).where(User.active.is_(True), User.role == Role.ADMIN)))
    staying = admins - {leaver.user_id for leaver in leavers} - {row.user_id for row in rows}
    if not admins or staying or any(row.role == Role.ADMIN for row in rows):
        return leavers, kept
    keep = [leaver for leaver in leavers if leaver.user_id in admins]
    if keep:
        note = "the last administrator stays active"
        return (
            tuple(leaver for leaver in leavers if leaver.user_id not in admins),
            (*kept, *(f"{leaver.email}: {note}" for leaver in keep)),
        )
    message = (
        "the import would leave no active administrator. Keep at least one administrator in the "
        "file with the role admin"
    )
    errors.append(RowError(1, message))
    return leavers, kept


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
    read_as: str = ""


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
    return CompletionsPlan(rows, tuple(sorted(errors, key=lambda error: error.row)), table.read_as)


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
    """Create the missing units, add the new people (without a password: they are invited later),
    update the others, and in sync mode deactivate the leavers: one transaction, bulk statements, and
    an audit event for every person created, updated or deactivated, written in bulk too.

    `progress(n)` is told as each batch of n rows is written."""
    _refuse_errors(plan.errors)
    counts = plan.counts
    today = org.today()
    with _all_or_nothing(PEOPLE_CONFLICT):
        unit_ids = _create_units(plan.new_units, actor)
        added = [
            {"password_hash": None, **_person(row, unit_ids), "started_on": row.started_on or today}
            for row in plan.rows
            if row.action == "create"
        ]
        created: list[tuple[str, dict[str, Any]]] = []
        for batch in chunks(added):
            # A plain executemany, then the new ids by email: faster than RETURNING on every row.
            db.session.connection().execute(insert(User.__table__), list(batch))  # type: ignore[arg-type]
            emails = [person["email"] for person in batch]
            new_ids = dict(
                db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all()
            )
            created.extend((f"user:{new_ids[person['email']]}", _created_details(person)) for person in batch)
            if progress is not None:
                progress(len(batch))
        changed = [row for row in plan.rows if row.action == "update"]
        _write(update(User), [{"id": row.user_id, **_person(row, unit_ids)} for row in changed], progress)
        access = [row.user_id for row in changed if "role" in row.audit]
        left = [leaver.user_id for leaver in plan.leavers]
        for ids in chunks([*access, *left]):  # a change of access ends the person's sessions
            db.session.execute(
                update(User).where(User.id.in_(ids)).values(session_version=User.session_version + 1)
            )
        for ids in chunks(left):
            db.session.execute(update(User).where(User.id.in_(ids)).values(active=False))
        record_each("person.created", created, actor=actor)
        record_each(
            "person.updated",
            ((f"user:{row.user_id}", {"changes": row.audit}) for row in changed),
            actor=actor,
        )
        deactivated = {"changes": {"active": {"from": True, "to": False}}, "reason": "not in the file (sync)"}
        record_each("person.deactivated", ((f"user:{user_id}", deactivated) for user_id in left), actor=actor)
        record(
            "people.imported",
            actor=actor,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            deactivated=counts.deactivated,
            units_created=counts.units_created,
            options={name: getattr(plan.options, name) for name in ("create_units", "sync", "update_roles")},
        )
        db.session.commit()
    return counts


def _create_units(paths: Sequence[str], actor: User | None) -> dict[str, int]:
    """Create the planned units, parents first; path key -> new unit id."""
    existing = unit_lookup(unit_paths(db.session.execute(select(OrgUnit.id, OrgUnit.name, OrgUnit.path))))
    ids: dict[str, int] = {key: unit_id for key, unit_id in existing.items() if unit_id is not None}
    for path in paths:
        names = [part.strip() for part in path.split("/")]
        key = path_key(path)
        parent_key = SEPARATOR.join(key.split(SEPARATOR)[:-1])
        parent = db.session.get(OrgUnit, ids[parent_key]) if parent_key else None
        unit = add_unit(names[-1], kind_at_depth(len(names) - 1), parent)
        ids[key] = unit.id
        record("unit.created", subject=f"unit:{unit.id}", actor=actor, name=unit.name, path=path)
    return ids


def _created_details(person: dict[str, Any]) -> dict[str, Any]:
    return {
        name: person[name].isoformat() if isinstance(person[name], date) else person[name]
        for name in PERSON_FIELDS
    }


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


def _person(row: PersonRow, unit_ids: dict[str, int]) -> dict[str, Any]:
    """The columns an import writes for a person; a unit the import created is found by its path."""
    unit_id = unit_ids[row.unit_id] if isinstance(row.unit_id, str) else row.unit_id
    written = {name: getattr(row, name) for name in PERSON_FIELDS}
    return {**written, "unit_id": unit_id}


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


UPLOAD_KEPT = timedelta(hours=1)


def keep_upload(user: User, kind: str, options: PeopleOptions, data: bytes) -> str:
    """Keep an uploaded file on the server between its preview and the confirmation; returns its id.

    Only the administrator who uploaded it can confirm it, for an hour; their earlier uploads and
    everyone's expired ones are removed."""
    db.session.execute(
        delete(ImportUpload).where(
            or_(ImportUpload.user_id == user.id, ImportUpload.created_at < utcnow() - UPLOAD_KEPT)
        )
    )
    upload = ImportUpload(
        id=secrets.token_urlsafe(32), user_id=user.id, kind=kind, options=asdict(options), data=data
    )
    db.session.add(upload)
    db.session.commit()
    return upload.id


def kept_upload(user: User, upload_id: str) -> tuple[str, PeopleOptions, bytes] | None:
    """The kind, options and content of the user's kept upload; None when missing, another
    administrator's or expired."""
    upload = db.session.get(ImportUpload, upload_id)
    if upload is None or upload.user_id != user.id or upload.created_at < utcnow() - UPLOAD_KEPT:
        return None
    return upload.kind, PeopleOptions(**upload.options), upload.data


def discard_upload(upload_id: str) -> None:
    """Remove a kept upload once its import is confirmed (whether or not it went through)."""
    db.session.execute(delete(ImportUpload).where(ImportUpload.id == upload_id))
    db.session.commit()
