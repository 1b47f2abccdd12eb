"""Report figures as aggregate queries over the status query: the cost does not grow with learners."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from itertools import pairwise
from typing import Any, NamedTuple

from flask_login import current_user
from sqlalchemy import Select, and_, case, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from course import org
from course.accounts.services import INVITE
from course.extensions import db
from course.models import (
    ORG_DEFAULTS,
    AccountToken,
    Assignment,
    ConfidenceRating,
    CourseCompletion,
    JobRole,
    OrgSettings,
    OrgUnit,
    Role,
    User,
)
from course.people.rules import Scope
from course.people.services import in_scope, units_under
from course.progress.rules import add_months
from course.progress.status import Status
from course.reporting.queries import learner_rows, tallies
from course.reporting.rules import SetupFacts, Summary, Tally, summarise


@dataclass(frozen=True)
class ReportContext:
    """What every report needs: whose records the viewer may see, today, and the renewal window."""

    scope: Scope
    today: date
    window_days: int


def report_context(viewer: User | None = None) -> ReportContext:
    """The context for the signed-in viewer, or for everyone (the command line's scheduled jobs)."""
    scope = Scope.for_viewer(viewer) if viewer is not None else Scope(None)
    return ReportContext(scope, org.today(), org.settings().expiring_window_days)


def viewer_context() -> ReportContext:
    return report_context(current_user._get_current_object())


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


EXPORT_HEADER = (
    "Name",
    "Email",
    "Staff number",
    "Job role",
    "Unit",
    "Status",
    "Due date",
    "Completed on",
    "Expires on",
    "Certificate code",
    "Course version",
)


class ExportRow(NamedTuple):
    name: str
    email: str
    staff_number: str
    job_role: str
    unit: str
    status: str
    due_on: date | None
    completed_on: date | None
    expires_on: date | None
    certificate_code: str
    course_version: str


def completion_rows(ctx: ReportContext) -> Iterator[ExportRow]:
    """One row per active person in scope, with their latest record, read from the database in batches."""
    rows = in_scope(learner_rows(ctx.today, ctx.window_days), ctx.scope).subquery()
    latest_cycle = (
        select(CourseCompletion.user_id, func.max(CourseCompletion.cycle).label("cycle"))
        .group_by(CourseCompletion.user_id)
        .subquery()
    )
    query = (
        select(
            rows.c.name,
            rows.c.email,
            rows.c.staff_number,
            rows.c.job_role,
            rows.c.unit_name,
            rows.c.status,
            rows.c.due_on,
            rows.c.completed_at,
            rows.c.expires_on,
            CourseCompletion.certificate_code,
            CourseCompletion.course_version,
        )
        .outerjoin(latest_cycle, latest_cycle.c.user_id == rows.c.user_id)
        .outerjoin(
            CourseCompletion,
            and_(CourseCompletion.user_id == rows.c.user_id, CourseCompletion.cycle == latest_cycle.c.cycle),
        )
        .order_by(rows.c.name, rows.c.email)
        .execution_options(yield_per=1000)
    )
    zone = org.zone()
    for row in db.session.execute(query):
        yield ExportRow(
            name=row.name,
            email=row.email,
            staff_number=row.staff_number or "",
            job_role=JobRole.label_for(row.job_role),
            unit=row.unit_name or "",
            status=row.status,
            due_on=row.due_on,
            completed_on=row.completed_at.astimezone(zone).date() if row.completed_at else None,
            expires_on=row.expires_on,
            certificate_code=row.certificate_code or "",
            course_version=row.course_version or "",
        )


SORTS = {"name": "name", "unit": "unit_name", "status": "status", "due": "due_on"}


@dataclass(frozen=True)
class LearnerQuery:
    """What the learners list is filtered and sorted by; empty values filter nothing."""

    search: str = ""
    unit_id: int | None = None
    job_role: str = ""
    status: str = ""
    due_before: date | None = None
    sort: str = "name"


def learners(ctx: ReportContext, wanted: LearnerQuery) -> Select[Any]:
    """The learners in scope with their status and due date, filtered and sorted."""
    rows = in_scope(learner_rows(ctx.today, ctx.window_days), ctx.scope).subquery()
    query = select(rows)
    if wanted.search:
        needle = f"%{wanted.search.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(rows.c.name).like(needle),
                func.lower(rows.c.email).like(needle),
                func.lower(rows.c.staff_number) == wanted.search.strip().lower(),
            )
        )
    if wanted.unit_id:
        unit = db.session.get(OrgUnit, wanted.unit_id)
        query = query.where(rows.c.unit_id.in_(units_under(unit.path if unit else "/none/")))
    if wanted.job_role:
        query = query.where(rows.c.job_role == wanted.job_role)
    if wanted.status:
        query = query.where(rows.c.status == wanted.status)
    if wanted.due_before:
        query = query.where(rows.c.due_on <= wanted.due_before)
    order = rows.c[SORTS.get(wanted.sort, "name")]
    return query.order_by(order.is_(None), order, rows.c.name)


def confidence_ratings(user: User) -> list[ConfidenceRating]:
    return list(
        db.session.scalars(
            select(ConfidenceRating)
            .where(ConfidenceRating.user_id == user.id)
            .order_by(ConfidenceRating.module_id)
        )
    )


def setup_facts() -> SetupFacts:
    """The facts behind the first-run checklist: whether a few kinds of row exist (each an EXISTS, which
    stops at the first row: the checklist costs the same with 100 people as with 100,000)."""
    saved = db.session.get(OrgSettings, 1)
    invited = select(AccountToken.user_id).where(AccountToken.purpose == INVITE)
    uninvited = (User.active.is_(True), User.password_hash.is_(None), User.id.not_in(invited))
    exists = select(
        select(OrgUnit.id).exists(),
        select(User.id).where(User.role != Role.ADMIN).exists(),
        select(Assignment.id).exists(),
        select(User.id).where(*uninvited).exists(),
    )
    units, staff, assignments, anyone_uninvited = db.session.execute(exists).one()
    return SetupFacts(
        named=saved is not None and saved.org_name != ORG_DEFAULTS["org_name"],
        settings_saved=saved is not None,
        contacts=saved is not None and bool(saved.safeguarding_lead_contact and saved.wellbeing_contact),
        units=units,
        staff=staff,
        assignments=assignments,
        uninvited=anyone_uninvited,
    )
