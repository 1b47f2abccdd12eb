"""People and organisation units: adding, editing, finding, and whose records a viewer may see.

Shared by the admin pages, imports, the command line and the demo data. The functions that change
something own their transaction and commit; add_unit and create_user only add to the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import Select, delete, func, literal, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.elements import ColumnElement
from wtforms.fields.choices import SelectChoice

from course import org
from course.accounts import services as accounts
from course.accounts.passwords import hash_password
from course.audit import record
from course.database import utcnow
from course.extensions import db
from course.models import Assignment, OrgUnit, User
from course.people.rules import Scope


class EmailTaken(ValueError):
    def __init__(self, email: str) -> None:
        super().__init__(f"An account with the email {email} already exists.")


class StaffNumberTaken(ValueError):
    def __init__(self, number: str) -> None:
        super().__init__(f"Someone else has the staff number {number}.")


def add_unit(name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit(name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()  # the id is needed for the path
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    job_role: str,
    unit: OrgUnit | None = None,
    password: str | None = None,
    started_on: date | None = None,
) -> User:
    """Add a person to the session; the caller commits. Raises EmailTaken for a taken email."""
    email = accounts.normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTaken(email)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        job_role=job_role,
        unit=unit,
        password_hash=hash_password(password) if password else None,
        started_on=started_on,
    )
    db.session.add(user)
    return user


def add_person(*, email: str, name: str, role: str, job_role: str, unit_id: int | None) -> User:
    """Add a person (without a password: they set one through their invitation) and commit."""
    unit = db.session.get(OrgUnit, unit_id) if unit_id is not None else None
    # Relative due dates ("within 30 days of starting") count from the day the person is added.
    user = create_user(
        email=email, name=name, role=role, job_role=job_role, unit=unit, started_on=org.today()
    )
    db.session.flush()
    record("person.created", subject=f"user:{user.id}", email=user.email, role=user.role)
    db.session.commit()
    return user


def update_person(person: User, new: dict[str, Any]) -> dict[str, dict[str, object]]:
    """Apply the changed fields, audit them and commit; a change of access ends the person's sessions."""
    email = accounts.normalise_email(str(new["email"]))
    taken = db.session.scalar(select(User.id).where(User.email == email, User.id != person.id))
    if taken is not None:
        raise EmailTaken(email)
    number = new.get("staff_number")
    if number and db.session.scalar(select(User.id).where(User.staff_number == number, User.id != person.id)):
        raise StaffNumberTaken(str(number))
    new = {**new, "email": email, "name": str(new["name"]).strip()}
    changes = {k: {"from": getattr(person, k), "to": v} for k, v in new.items() if getattr(person, k) != v}
    for key, value in new.items():
        setattr(person, key, value)
    if "active" in changes or "role" in changes:
        accounts.end_sessions(person)  # a change of access takes effect at once
    record("person.updated", subject=f"user:{person.id}", changes=changes)
    db.session.commit()
    return changes


def account_link(user: User, issued_by: User) -> tuple[str, str]:
    """A new single-use link for the person: an invitation until they have a password, then a reset.
    Returns the purpose and the full link."""
    config = current_app.config
    if user.password_hash is None:
        purpose, endpoint = accounts.INVITE, "auth.accept_invitation"
        valid = timedelta(days=config["INVITATION_DAYS"])
    else:
        purpose, endpoint = accounts.RESET, "auth.reset_password"
        valid = timedelta(hours=config["RESET_HOURS"])
    token = accounts.issue_token(user, purpose, valid, issued_by=issued_by)
    return purpose, url_for(endpoint, token=token, _external=True)


def people_matching(search: str) -> Select[User]:
    """Everyone whose name or email contains `search` (everyone when empty), by name."""
    query = select(User).options(selectinload(User.unit)).order_by(User.name)
    if search:
        needle = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(needle), User.email.like(needle)))
    return query


def unit_choices(
    scope: Scope | None = None, *, keep: int | None = None, retired: bool = False
) -> list[SelectChoice]:
    """Organisation units as choices for forms, indented to show the tree. Retired units are left out
    (but for `keep`, the unit a person is in now), unless `retired` (report filters) asks for them."""
    query = select(OrgUnit).order_by(OrgUnit.path)
    if scope is not None and scope.unit_path is not None:
        query = query.where(OrgUnit.path.startswith(scope.unit_path))
    if not retired:
        query = query.where(or_(OrgUnit.retired_at.is_(None), OrgUnit.id == keep))
    units = db.session.scalars(query).all()
    return [
        SelectChoice(u.id, "— " * (u.path.count("/") - 2) + u.name + (" (retired)" if u.retired_at else ""))
        for u in units
    ]


def person_in_scope(viewer: User, user_id: int) -> User | None:
    """The person when the viewer may see them; None otherwise (the caller answers as if not found)."""
    user = db.session.get(User, user_id, options=[selectinload(User.unit)])
    if user is None or not Scope.for_viewer(viewer).covers(user.unit.path if user.unit else None):
        return None
    return user


def units_under(path: str) -> Select[int]:
    """The ids of a unit and every unit within it: one indexed prefix match on the unit paths."""
    return select(OrgUnit.id).where(OrgUnit.path.startswith(path))


def in_scope(query: Select[Any], scope: Scope) -> Select[Any]:
    """The query's rows for people the scope covers; the query selects a `unit_id` column."""
    if scope.unit_path is None:
        return query
    # Filtering on the unit id (not the joined path) lets the database use the index on users.unit_id.
    unit_id: ColumnElement[int] = query.selected_columns.unit_id
    return query.where(unit_id.in_(units_under(scope.unit_path)))


class UnitProblem(ValueError):
    """A change to the organisation tree that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class UnitRow:
    """A unit in the tree as the units page shows it."""

    unit: OrgUnit
    depth: int
    people: int  # in the unit itself
    sub_units: int


def unit_tree() -> list[UnitRow]:
    """Every unit, retired ones too, in tree order, with its people and sub-units counted: two queries."""
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.path)).all()
    counted = select(User.unit_id, func.count()).where(User.unit_id.is_not(None)).group_by(User.unit_id)
    people: dict[int | None, int] = {unit_id: count for unit_id, count in db.session.execute(counted)}
    children: dict[int, int] = {}
    for unit in units:
        if unit.parent_id is not None:
            children[unit.parent_id] = children.get(unit.parent_id, 0) + 1
    return [UnitRow(u, u.path.count("/") - 2, people.get(u.id, 0), children.get(u.id, 0)) for u in units]


def _parent(parent_id: int | None) -> OrgUnit | None:
    if not parent_id:
        return None
    parent = db.session.get(OrgUnit, parent_id)
    if parent is None or parent.retired_at is not None:
        raise UnitProblem("Choose a current unit to put it in.")
    return parent


def create_unit(name: str, kind: str, parent_id: int | None) -> OrgUnit:
    """Add a unit to the tree (at the top when it has no parent), audited, and commit."""
    unit = add_unit(name.strip(), kind, _parent(parent_id))
    record("unit.created", subject=f"unit:{unit.id}", name=unit.name, kind=kind, parent_id=unit.parent_id)
    db.session.commit()
    return unit


def change_unit(
    unit: OrgUnit, *, name: str, kind: str, parent_id: int | None
) -> dict[str, dict[str, object]]:
    """Rename a unit or move it (with everything within it) under another parent, audited, in one
    transaction: moving rewrites the paths of the whole subtree in one statement."""
    parent = _parent(parent_id)
    if parent is not None and parent.path.startswith(unit.path):
        raise UnitProblem(
            f"{unit.name} cannot go inside itself or one of its own units. Choose another unit."
        )
    new: dict[str, object] = {"name": name.strip(), "kind": kind, "parent_id": parent.id if parent else None}
    changes = {k: {"from": getattr(unit, k), "to": v} for k, v in new.items() if getattr(unit, k) != v}
    unit.name, unit.kind = name.strip(), kind
    if "parent_id" in changes:
        old_path, new_path = unit.path, f"{parent.path if parent else '/'}{unit.id}/"
        unit.parent = parent
        db.session.flush()
        db.session.execute(
            update(OrgUnit)
            .where(OrgUnit.path.startswith(old_path))
            .values(path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1))
            .execution_options(synchronize_session="fetch")
        )
    record("unit.updated", subject=f"unit:{unit.id}", changes=changes)
    db.session.commit()
    return changes


def retire_unit(unit: OrgUnit) -> int:
    """Retire a unit and every unit within it: kept with their people and records, no longer offered
    in forms or imports. Returns how many units were retired."""
    within = OrgUnit.path.startswith(unit.path)
    retired = db.session.scalar(select(func.count()).where(within, OrgUnit.retired_at.is_(None))) or 0
    db.session.execute(
        update(OrgUnit)
        .where(within, OrgUnit.retired_at.is_(None))
        .values(retired_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    record("unit.retired", subject=f"unit:{unit.id}", name=unit.name, units=retired)
    db.session.commit()
    return retired


def restore_unit(unit: OrgUnit) -> None:
    """Bring a retired unit and the units within it back; its parent must be current."""
    if unit.parent is not None and unit.parent.retired_at is not None:
        raise UnitProblem(
            f"{unit.parent.name} is retired. Bring it back first, or move {unit.name} elsewhere."
        )
    db.session.execute(
        update(OrgUnit)
        .where(OrgUnit.path.startswith(unit.path))
        .values(retired_at=None)
        .execution_options(synchronize_session="fetch")
    )
    record("unit.restored", subject=f"unit:{unit.id}", name=unit.name)
    db.session.commit()


def delete_unit(unit: OrgUnit) -> None:
    """Delete an empty unit (no people, no units within it) and its assignments; UnitProblem otherwise."""
    people = db.session.scalar(select(func.count()).where(User.unit_id == unit.id)) or 0
    if people:
        raise UnitProblem(
            f"{unit.name} has {people} {'person' if people == 1 else 'people'}, so it cannot be deleted: "
            "their records belong to it. Retire it instead, or move the people to another unit first."
        )
    if db.session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id == unit.id).limit(1)) is not None:
        raise UnitProblem(
            f"{unit.name} has units within it. Move or delete them first, or retire it instead."
        )
    db.session.execute(delete(Assignment).where(Assignment.unit_id == unit.id))
    record("unit.deleted", subject=f"unit:{unit.id}", name=unit.name, path=unit.path)
    db.session.delete(unit)
    db.session.commit()
