"""Assignments: who must complete the course, and by when. Services own the commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course.accounts.services import find_user_by_email
from course.audit import record
from course.extensions import db
from course.models import Assignment, OrgUnit, User


class NoSuchTarget(ValueError):
    """The unit or person to assign to does not exist (any more)."""


def all_assignments() -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.unit), selectinload(Assignment.user))
            .order_by(Assignment.due_on, Assignment.within_days)
        )
    )


def assign(
    *,
    target: str,
    due_on: date | None,
    by: User,
    within_days: int | None = None,
    unit_id: int | None = None,
    job_role: str = "",
    email: str = "",
) -> str:
    """Assign the course to a unit (and the units within it), a job role or one person, due on a date
    or within a number of days of each person's start date; returns who."""
    assignment = Assignment(due_on=due_on, within_days=within_days, assigned_by_id=by.id)
    if target == "unit":
        unit = db.session.get(OrgUnit, unit_id) if unit_id is not None else None
        if unit is None:
            raise NoSuchTarget("Choose a unit from the list.")
        assignment.unit_id, label = unit.id, f"unit {unit.name}"
    elif target == "job_role":
        assignment.job_role, label = job_role, f"job role {job_role}"
    else:
        person = find_user_by_email(email)
        if person is None:
            raise NoSuchTarget("No account has that email.")
        assignment.user_id, label = person.id, person.email
    db.session.add(assignment)
    due = {"due_on": due_on.isoformat()} if due_on else {"within_days": within_days}
    record("assignment.created", subject=label, actor=by, **due)
    db.session.commit()
    return label


def remove(assignment: Assignment) -> None:
    due = assignment.due_on.isoformat() if assignment.due_on else f"within {assignment.within_days} days"
    record("assignment.deleted", subject=f"assignment:{assignment.id}", due_on=due)
    db.session.delete(assignment)
    db.session.commit()
