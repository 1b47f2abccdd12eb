"""Every learner's training status in SQL, for reports that must not loop over learners.

The status itself comes from course.progress.status (the rule's one home); these queries add the due
dates from the assignments and the units, and read the learner summary the database keeps on each
user row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Select, Subquery, case, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from course.models import Assignment, OrgUnit, User
from course.people.rules import Scope
from course.people.services import in_scope
from course.progress.status import sql_record_states, sql_training_status


class least(FunctionElement[date]):  # noqa: N801  (named like the SQL function it renders)
    """The earliest of several dates, ignoring empty ones: PostgreSQL's LEAST, made the same on SQLite."""

    type = Date()
    inherit_cache = True


@compiles(least)
def _least(element: least, compiler: SQLCompiler, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite's min(a, b) is empty when any argument is: stand in the last possible date for those.
    dates = ", ".join(f"coalesce({compiler.process(c, **kw)}, '{date.max}')" for c in element.clauses)
    return f"nullif(min({dates}), '{date.max}')"


class add_days(FunctionElement[date]):  # noqa: N801  (named like the SQL it stands for)
    """A date plus a number of days; empty when either is (course.progress.rules.relative_due_on)."""

    type = Date()
    inherit_cache = True


@compiles(add_days)
def _add_days(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(({day}) + ({days}) AS DATE)"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, ({days}) || ' days')"


def _units() -> Subquery:
    """Each unit's name and path, and the earliest due date (and fewest days from starting) of the
    assignments to it or a unit above it."""
    assigned = (  # the few units with assignments: each one's path and earliest due date
        select(
            OrgUnit.path,
            func.min(Assignment.due_on).label("due_on"),
            func.min(Assignment.within_days).label("within_days"),
        )
        .join(OrgUnit, OrgUnit.id == Assignment.unit_id)
        .group_by(OrgUnit.path)
        .subquery()
    )
    return (
        select(
            OrgUnit.id,
            OrgUnit.name,
            OrgUnit.path,
            func.min(assigned.c.due_on).label("due_on"),
            func.min(assigned.c.within_days).label("within_days"),
        )
        .outerjoin(assigned, OrgUnit.path.startswith(assigned.c.path))
        .group_by(OrgUnit.id, OrgUnit.name, OrgUnit.path)
        .subquery("unit")
    )


def _due_by(column: InstrumentedAttribute[Any], name: str) -> Subquery:
    """The earliest due date, and the fewest days from starting, of the assignments to each job role,
    or to each person."""
    return (
        select(
            column.label("key"),
            func.min(Assignment.due_on).label("due_on"),
            func.min(Assignment.within_days).label("within_days"),
        )
        .where(column.is_not(None))
        .group_by(column)
        .subquery(name)
    )


def _earliest_due(started_on: Any, fixed: tuple[Any, ...], within: tuple[Any, ...]) -> least:
    """The earliest of the fixed due dates and of the start date plus each number of days."""
    return least(*fixed, *(add_days(started_on, days) for days in within))


def learner_rows(today: date, window_days: int) -> Select[*tuple[Any, ...]]:
    """One row per active account: user columns, unit, due date, latest valid record, status.

    It reads the summary the database keeps on each user row (see User.started_at), and joins only
    small tables, so its cost is one pass over the learners.
    """
    unit = _units()
    by_role = _due_by(Assignment.job_role, "due_by_role")
    by_person = _due_by(Assignment.user_id, "due_by_person")
    due_on = _earliest_due(
        User.started_on,
        (unit.c.due_on, by_role.c.due_on, by_person.c.due_on),
        (unit.c.within_days, by_role.c.within_days, by_person.c.within_days),
    )
    status = sql_training_status(today, window_days, due_on)
    return (
        select(
            User.id.label("user_id"),
            User.name,
            User.email,
            User.staff_number,
            User.job_role,
            User.unit_id,
            unit.c.name.label("unit_name"),
            unit.c.path.label("unit_path"),
            due_on.label("due_on"),
            User.record_completed_at.label("completed_at"),
            User.record_expires_on.label("expires_on"),
            status.label("status"),
        )
        .outerjoin(unit, unit.c.id == User.unit_id)
        .outerjoin(by_role, by_role.c.key == User.job_role)
        .outerjoin(by_person, by_person.c.key == User.id)
        .where(User.active.is_(True))
    )


def tallies(today: date, window_days: int, scope: Scope) -> Select[*tuple[Any, ...]]:
    """The active learners in scope counted by unit, job role and due date, with a count for each
    status before the due date is considered (see course.progress.status.past_due for the rest).

    Counting first and joining the units and job roles afterwards, on a few rows a unit, keeps the one
    pass over the learners to a scan and a count; a count for each status (rather than grouping by it)
    lets the database estimate the number of groups well, so it counts in memory.
    """
    by_person = _due_by(Assignment.user_id, "due_by_person")
    states = sql_record_states(today, window_days)
    # The start date is only counted by when an assignment counts from it: otherwise it would split
    # every unit's count into one group per start date.
    relative = exists().where(Assignment.within_days.is_not(None))
    started_on = case((relative, User.started_on), else_=None)
    counts = select(
        User.unit_id,
        User.job_role,
        by_person.c.due_on.label("person_due_on"),
        by_person.c.within_days.label("person_within_days"),
        started_on.label("started_on"),
        *(func.count().filter(condition).label(state.value) for state, condition in states),
    ).outerjoin(by_person, by_person.c.key == User.id)
    counted = (
        in_scope(counts.where(User.active.is_(True)), scope)
        .group_by(User.unit_id, User.job_role, by_person.c.due_on, by_person.c.within_days, started_on)
        .subquery("counted")
    )
    unit = _units()
    by_role = _due_by(Assignment.job_role, "due_by_role")
    return (
        select(
            unit.c.name.label("unit_name"),
            counted.c.job_role,
            _earliest_due(
                counted.c.started_on,
                (unit.c.due_on, by_role.c.due_on, counted.c.person_due_on),
                (unit.c.within_days, by_role.c.within_days, counted.c.person_within_days),
            ).label("due_on"),
            *(counted.c[state.value] for state, _ in states),
        )
        .outerjoin(unit, unit.c.id == counted.c.unit_id)
        .outerjoin(by_role, by_role.c.key == counted.c.job_role)
    )
