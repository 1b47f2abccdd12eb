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


def summarise(tallies: list[Tally]) -> Summary:
    """The dashboard's overview, by unit and by job role, all from one set of tallies."""
    by_status: Counter[str] = Counter()
    units: dict[str, Counter[str]] = defaultdict(Counter)
    roles: dict[str, Counter[str]] = defaultdict(Counter)
    for t in tallies:
        by_status.update(t.by_status)
        for group in (units[t.unit_name or "No unit"], roles[JobRole(t.job_role).label]):
            group["learners"] += sum(t.by_status.values())
            group["in_date"] += sum(t.by_status.get(s, 0) for s in IN_DATE)
            group["overdue"] += t.by_status.get(Status.OVERDUE.value, 0)

    def rows(groups: dict[str, Counter[str]]) -> list[GroupRow]:
        return [GroupRow(k, g["learners"], g["in_date"], g["overdue"]) for k, g in sorted(groups.items())]

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
    counts = [func.count().filter(rows.c.status == status.value) for status in Status]
    result = db.session.execute(
        select(rows.c.unit_name, rows.c.job_role, func.count(rows.c.due_on), *counts).group_by(
            rows.c.unit_name, rows.c.job_role
        )
    )
    return summarise(
        [
            Tally(unit, role, assigned, {s.value: n for s, n in zip(Status, by_status, strict=True)})
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
