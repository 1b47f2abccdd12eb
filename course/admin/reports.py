"""Report figures as aggregate queries over the status query: the cost does not grow with learners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import Subquery, case, extract, func, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from course.admin.status import Scope, in_scope, learner_rows, units_under
from course.extensions import db
from course.models import ConfidenceRating, CourseCompletion, User
from course.records.rules import Status

IN_DATE = (Status.COMPLETED.value, Status.EXPIRING_SOON.value)


@dataclass(frozen=True)
class Overview:
    learners: int
    assigned: int
    by_status: dict[str, int]

    def count(self, status: Status) -> int:
        return self.by_status.get(status.value, 0)

    @property
    def in_date(self) -> int:
        return sum(self.by_status.get(s, 0) for s in IN_DATE)


@dataclass(frozen=True)
class GroupRow:
    label: str
    learners: int
    in_date: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.in_date / self.learners) if self.learners else 0


def _rows(scope: Scope, today: date, window_days: int) -> Subquery:
    return in_scope(learner_rows(today, window_days), scope).subquery()


def overview(scope: Scope, today: date, window_days: int) -> Overview:
    rows = _rows(scope, today, window_days)
    result = db.session.execute(
        select(rows.c.status, func.count(), func.count(rows.c.due_on)).group_by(rows.c.status)
    ).all()
    return Overview(
        learners=sum(n for _, n, _ in result),
        assigned=sum(a for _, _, a in result),
        by_status={status: n for status, n, _ in result},
    )


def _grouped(scope: Scope, today: date, window_days: int, key: str) -> list[GroupRow]:
    rows = _rows(scope, today, window_days)
    column = rows.c[key]
    result = db.session.execute(
        select(
            column,
            func.count(),
            func.sum(case((rows.c.status.in_(IN_DATE), 1), else_=0)),
            func.sum(case((rows.c.status == Status.OVERDUE.value, 1), else_=0)),
        )
        .group_by(column)
        .order_by(column)
    ).all()
    return [
        GroupRow(str(label or "No unit"), n, int(done or 0), int(late or 0))
        for label, n, done, late in result
    ]


def by_unit(scope: Scope, today: date, window_days: int) -> list[GroupRow]:
    return _grouped(scope, today, window_days, "unit_name")


def by_job_role(scope: Scope, today: date, window_days: int) -> list[GroupRow]:
    rows = _grouped(scope, today, window_days, "job_role")
    return [GroupRow(r.label.replace("_", " ").capitalize(), r.learners, r.in_date, r.overdue) for r in rows]


def _covers(user_id: InstrumentedAttribute[int], scope: Scope) -> ColumnElement[bool]:
    """Rows whose user is in scope; no condition at all for everyone, so the database can use its indexes."""
    if scope.unit_path is None:
        return true()
    return user_id.in_(select(User.id).where(User.unit_id.in_(units_under(scope.unit_path))))


def completions_per_month(scope: Scope, since: date) -> list[tuple[str, int]]:
    """Records completed each month from `since` (renewals and backfilled records included)."""
    year, month = (
        extract("year", CourseCompletion.completed_at),
        extract("month", CourseCompletion.completed_at),
    )
    result = db.session.execute(
        select(year, month, func.count())
        .where(
            _covers(CourseCompletion.user_id, scope),
            CourseCompletion.completed_at >= datetime.combine(since, time(), UTC),
        )
        .group_by(year, month)
        .order_by(year, month)
    ).all()
    return [(f"{int(y):04d}-{int(m):02d}", n) for y, m, n in result]


@dataclass(frozen=True)
class GainRow:
    module_id: str
    job_role: str
    before: float | None
    after: float | None
    rated_before: int
    rated_after: int

    @property
    def gain(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


def learning_gain(scope: Scope) -> list[GainRow]:
    """Average confidence before each module and after passing its quiz, by module and job role."""
    pre = ConfidenceRating.stage == "pre"
    post = ConfidenceRating.stage == "post"
    result = db.session.execute(
        select(
            ConfidenceRating.module_id,
            User.job_role,
            func.avg(case((pre, ConfidenceRating.rating))),
            func.avg(case((post, ConfidenceRating.rating))),
            func.count(case((pre, 1))),
            func.count(case((post, 1))),
        )
        .join(User, User.id == ConfidenceRating.user_id)
        .where(_covers(ConfidenceRating.user_id, scope))
        .group_by(ConfidenceRating.module_id, User.job_role)
        .order_by(ConfidenceRating.module_id, User.job_role)
    ).all()
    return [
        GainRow(m, j, float(b) if b is not None else None, float(a) if a is not None else None, nb, na)
        for m, j, b, a, nb, na in result
    ]
