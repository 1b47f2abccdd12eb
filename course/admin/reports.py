"""Report figures as aggregate queries over the status query: the cost does not grow with learners."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import case, extract, func, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from course.admin.status import Scope, in_scope, learner_rows, units_under
from course.extensions import db
from course.models import ConfidenceRating, CourseCompletion, JobRole, User
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


@dataclass(frozen=True)
class Summary:
    overview: Overview
    units: list[GroupRow]
    roles: list[GroupRow]


@dataclass(frozen=True)
class Tally:
    """The learners of one unit with one job role: how many have each status, and how many are assigned."""

    unit_name: str | None
    job_role: str
    assigned: int
    by_status: dict[str, int]


STATUSES = tuple(s.value for s in Status)
JOB_ROLES = {j.value: j.label for j in JobRole}


def summarise(tallies: list[Tally]) -> Summary:
    """The dashboard's overview, by unit and by job role, all from one set of tallies."""
    by_status: Counter[str] = Counter()
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # learners, in date, overdue
    roles: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for t in tallies:
        counts = t.by_status
        by_status.update(counts)
        figures = (
            sum(counts.values()),
            sum(counts.get(s, 0) for s in IN_DATE),
            counts.get(Status.OVERDUE.value, 0),
        )
        for group in (units[t.unit_name or "No unit"], roles[JOB_ROLES.get(t.job_role, t.job_role)]):
            for i, n in enumerate(figures):
                group[i] += n

    def rows(groups: dict[str, list[int]]) -> list[GroupRow]:
        return [GroupRow(label, *figures) for label, figures in sorted(groups.items())]

    overview = Overview(
        learners=by_status.total(),
        assigned=sum(t.assigned for t in tallies),
        by_status={status: n for status, n in by_status.items() if n},
    )
    return Summary(overview, rows(units), rows(roles))


def summary(scope: Scope, today: date, window_days: int) -> Summary:
    """Every learner in scope counted by unit, job role and status: one pass over the learners.

    Grouping by unit and job role only (with a count for each status) lets the database estimate the
    number of groups well, so it aggregates in memory rather than sorting every learner.
    """
    rows = in_scope(learner_rows(today, window_days), scope).subquery()
    counts = [func.count().filter(rows.c.status == status) for status in STATUSES]
    result = db.session.execute(
        select(rows.c.unit_name, rows.c.job_role, func.count(rows.c.due_on), *counts).group_by(
            rows.c.unit_name, rows.c.job_role
        )
    )
    return summarise(
        [
            Tally(unit, role, assigned, dict(zip(STATUSES, by_status, strict=True)))
            for unit, role, assigned, *by_status in result
        ]
    )


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
