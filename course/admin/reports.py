"""Report figures as aggregate queries over the status query: the cost does not grow with learners."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import pairwise

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from course.admin.status import Scope, tallies, units_under
from course.extensions import db
from course.models import ConfidenceRating, CourseCompletion, JobRole, User
from course.records.rules import Status, add_months, past_due

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
    """The learners of one unit with one job role and due date: how many have each status before the
    due date is considered (course.records.rules.record_status)."""

    unit_name: str | None
    job_role: str
    due_on: date | None
    by_state: dict[Status, int]


JOB_ROLES = {j.value: j.label for j in JobRole}


def summarise(tallies: list[Tally], today: date) -> Summary:
    """The dashboard's overview, by unit and by job role, all from one set of tallies."""
    by_status: Counter[str] = Counter()
    assigned = 0
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # learners, in date, overdue
    roles: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for t in tallies:
        counts: Counter[str] = Counter()
        for state, n in t.by_state.items():
            counts[past_due(state, t.due_on, today).value] += n
        by_status.update(counts)
        learners = counts.total()
        assigned += learners if t.due_on is not None else 0
        figures = (learners, sum(counts[s] for s in IN_DATE), counts[Status.OVERDUE.value])
        for group in (units[t.unit_name or "No unit"], roles[JOB_ROLES.get(t.job_role, t.job_role)]):
            for i, n in enumerate(figures):
                group[i] += n

    def rows(groups: dict[str, list[int]]) -> list[GroupRow]:
        return [GroupRow(label, *figures) for label, figures in sorted(groups.items())]

    overview = Overview(
        learners=by_status.total(),
        assigned=assigned,
        by_status={status: n for status, n in by_status.items() if n},
    )
    return Summary(overview, rows(units), rows(roles))


def summary(scope: Scope, today: date, window_days: int) -> Summary:
    """Every learner in scope counted by unit, job role and status: one pass over the learners."""
    result = db.session.execute(tallies(today, window_days, scope))
    states = [Status(key) for key in list(result.keys())[3:]]  # a column for each status, named after it
    return summarise(
        [
            Tally(unit, role, due_on, dict(zip(states, counts, strict=True)))
            for unit, role, due_on, *counts in result
        ],
        today,
    )


def _covers(user_id: InstrumentedAttribute[int], scope: Scope) -> ColumnElement[bool]:
    """Rows whose user is in scope; no condition at all for everyone, so the database can use its indexes."""
    if scope.unit_path is None:
        return true()
    return user_id.in_(select(User.id).where(User.unit_id.in_(units_under(scope.unit_path))))


def completions_per_month(scope: Scope, since: date, until: date) -> list[tuple[str, int]]:
    """Records completed in each month from `since` to `until` (renewals and backfilled records
    included), or nothing when there are none: one range count a month, each read from the index."""
    starts = []
    month = since.replace(day=1)
    while month <= until:
        starts.append(month)
        month = add_months(month, 1)
    bounds = [datetime.combine(day, time(), UTC) for day in (*starts, month)]
    counts = [
        select(func.count())
        .where(
            _covers(CourseCompletion.user_id, scope),
            CourseCompletion.completed_at >= start,
            CourseCompletion.completed_at < end,
        )
        .scalar_subquery()
        for start, end in pairwise(bounds)
    ]
    if not counts:
        return []
    found = db.session.execute(select(*counts)).one()
    months = [(f"{start:%Y-%m}", n) for start, n in zip(starts, found, strict=True)]
    return months if any(n for _, n in months) else []


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
