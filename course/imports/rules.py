"""Pure rules of an import: each cell's value, or a message saying what to enter; what an update
changes; and the chunks the work is done in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email

from course.accounts.services import normalise_email
from course.imports.reading import RowError, column_key
from course.models import JobRole, Role, UnitKind
from course.progress.rules import expiry_for
from course.validation import has_control_characters

CHUNK = 1000
NAME_MAX = 200
STAFF_NUMBER_MAX = 40
PATH_MAX = 400
VERSION_MAX = 40
SEPARATOR = " / "
ROLES = {"administrator": Role.ADMIN} | {role.value: role for role in Role}
T = TypeVar("T")


class BadCell(ValueError):
    """A cell's value cannot be used; the message says what to enter instead."""


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
    if has_control_characters(value):
        raise BadCell("the name contains a line break, tab or another control character. Put it on one line")
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


def parse_unit(
    value: str, units: dict[str, int | None], retired: frozenset[str] = frozenset(), create: bool = False
) -> int | str:
    """The unit's id; or, when missing units may be created, the path key of a unit to create."""
    if not value:
        raise BadCell("enter the unit_path, the unit names from the top separated by “ / ”")
    key = path_key(value)
    if key in retired:
        raise BadCell(f"the unit “{value}” is retired. Choose a current unit, or bring it back first")
    if key not in units:
        if create and all(part.strip() for part in key.split(SEPARATOR)) and len(key) <= PATH_MAX:
            return key
        raise BadCell(
            f"there is no unit “{value}”. Write the unit names from the top, separated by “ / ”, "
            "like Trust / School / Department, or add the unit first (or tick “create missing units”)"
        )
    unit_id = units[key]
    if unit_id is None:
        raise BadCell(f"more than one unit is called “{value}”. Rename one of them first")
    return unit_id


def units_to_create(wanted: Iterable[str], existing: Iterable[str]) -> tuple[str, ...]:
    """The path keys of the units to create so that every wanted path exists, parents first: each
    wanted path and every missing unit above it."""
    have = set(existing)
    missing: set[str] = set()
    for key in wanted:
        parts = key.split(SEPARATOR)
        for depth in range(1, len(parts) + 1):
            prefix = SEPARATOR.join(parts[:depth])
            if prefix not in have:
                missing.add(prefix)
    return tuple(sorted(missing, key=lambda key: (key.count(SEPARATOR), key)))


def kind_at_depth(depth: int) -> str:
    """The kind of a unit created by an import: the top is the organisation, then sites, departments."""
    return (UnitKind.ORGANISATION, UnitKind.SITE)[depth] if depth < 2 else UnitKind.DEPARTMENT


def parse_staff_number(value: str) -> str | None:
    """The staff number, or None when blank (an existing person then keeps theirs)."""
    if len(value) > STAFF_NUMBER_MAX:
        raise BadCell(
            f"the staff_number has {len(value)} characters. Shorten it to {STAFF_NUMBER_MAX} or fewer"
        )
    return value or None


def parse_start_date(value: str) -> date | None:
    """The first day in post, or None when blank."""
    return parse_date(value, "start_date") if value else None


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    return (items[start : start + size] for start in range(0, len(items), size))


SHOWN: dict[str, Callable[[Any], str]] = {
    "email": str,
    "name": str,
    "job_role": JobRole.label_for,
    "role": str,
    "staff_number": lambda number: number or "none",
    "started_on": lambda day: str(day) if day else "none",
}


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What an update changes, for the audit trail: {field: {"from": old, "to": new}}, dates as text."""

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    return {
        field: {"from": plain(old[field]), "to": plain(value)}
        for field, value in new.items()
        if old[field] != value
    }


def describe_changes(changes: dict[str, dict[str, Any]], paths: Mapping[int | str, str]) -> tuple[str, ...]:
    """What an update changes, for the preview: ("job role: Teacher → Nurse", ...)."""
    shown = {**SHOWN, "unit_id": lambda unit_id: paths.get(unit_id, "none")}
    return tuple(
        f"{field.removesuffix('_id').replace('_', ' ')}: {shown[field](change['from'])} → "
        f"{shown[field](change['to'])}"
        for field, change in changes.items()
        if field in shown
    )
