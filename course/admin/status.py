"""Every learner's training status as one SQL query, for reports that must not loop over learners.

The CASE below is the SQL form of course.records.rules.training_status; a test checks that both give
the same answer for every status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from course.models import (
    Assignment,
    CourseCompletion,
    OrgUnit,
    QuizAttempt,
    Revocation,
    Role,
    SectionView,
    User,
)
from course.records.rules import Status


@dataclass(frozen=True)
class Scope:
    """Whose records a viewer may see: everyone (unit_path None) or one unit and its sub-units."""

    unit_path: str | None

    @classmethod
    def for_viewer(cls, viewer: User) -> Scope:
        if viewer.role == Role.ADMIN:
            return cls(None)
        # A manager without a unit sees nobody rather than everybody.
        return cls(viewer.unit.path if viewer.unit else "/none/")

    def covers(self, unit_path: str | None) -> bool:
        return self.unit_path is None or (unit_path or "").startswith(self.unit_path)


def learner_rows(today: date, window_days: int) -> Select[*tuple[Any, ...]]:
    """One row per active account: user columns, unit, due date, latest record, started, status."""
    unit = aliased(OrgUnit)
    assignment_unit = aliased(OrgUnit)
    latest_cycle = (
        select(CourseCompletion.user_id, func.max(CourseCompletion.cycle).label("cycle"))
        .group_by(CourseCompletion.user_id)
        .subquery()
    )
    latest = aliased(CourseCompletion)
    due_on = (
        select(func.min(Assignment.due_on))
        .outerjoin(assignment_unit, assignment_unit.id == Assignment.unit_id)
        .where(
            or_(
                Assignment.user_id == User.id,
                Assignment.job_role == User.job_role,
                and_(Assignment.unit_id.is_not(None), unit.path.startswith(assignment_unit.path)),
            )
        )
        .correlate(User, unit)
        .scalar_subquery()
    )
    base = (
        select(
            User.id.label("user_id"),
            User.name,
            User.email,
            User.job_role,
            User.unit_id,
            unit.name.label("unit_name"),
            unit.path.label("unit_path"),
            due_on.label("due_on"),
            latest.id.label("record_id"),
            latest.completed_at.label("completed_at"),
            latest.expires_on.label("expires_on"),
            Revocation.id.label("revocation_id"),
        )
        .outerjoin(unit, unit.id == User.unit_id)
        .outerjoin(latest_cycle, latest_cycle.c.user_id == User.id)
        .outerjoin(latest, and_(latest.user_id == User.id, latest.cycle == latest_cycle.c.cycle))
        .outerjoin(Revocation, Revocation.completion_id == latest.id)
        .where(User.active.is_(True))
        .subquery("learner")  # the due date is worked out once per learner, then used twice below
    )
    started = or_(
        exists().where(SectionView.user_id == base.c.user_id),
        exists().where(QuizAttempt.user_id == base.c.user_id, QuizAttempt.submitted_at.is_not(None)),
    )
    recorded = and_(base.c.record_id.is_not(None), base.c.revocation_id.is_(None))
    valid = and_(recorded, base.c.expires_on > today)
    status = case(
        (
            and_(valid, base.c.expires_on <= today + timedelta(days=window_days)),
            literal(Status.EXPIRING_SOON.value),
        ),
        (valid, literal(Status.COMPLETED.value)),
        (base.c.due_on < today, literal(Status.OVERDUE.value)),
        (recorded, literal(Status.EXPIRED.value)),
        (started, literal(Status.IN_PROGRESS.value)),
        else_=literal(Status.NOT_STARTED.value),
    )
    columns = (
        "user_id",
        "name",
        "email",
        "job_role",
        "unit_id",
        "unit_name",
        "unit_path",
        "due_on",
        "completed_at",
        "expires_on",
    )
    return select(*(base.c[name] for name in columns), status.label("status"))


def units_under(path: str) -> Select[int]:
    """The ids of a unit and every unit within it: one indexed prefix match on the unit paths."""
    return select(OrgUnit.id).where(OrgUnit.path.startswith(path))


def in_scope(query: Select[*tuple[Any, ...]], scope: Scope) -> Select[*tuple[Any, ...]]:
    if scope.unit_path is None:
        return query
    # Filtering on the unit id (not the joined path) lets the database use the index on users.unit_id.
    unit_id: ColumnElement[int] = query.selected_columns.unit_id
    return query.where(unit_id.in_(units_under(scope.unit_path)))
