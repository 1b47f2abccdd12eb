"""What a learner has done and where they stand: the facts every feature may read.

The learner's pages run these on every request, so each is one statement built once (building a
statement costs more than running it on a learner's few indexed rows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased

from course.content.schema import Course
from course.extensions import db
from course.models import (
    Assignment,
    CourseCompletion,
    OrgSettings,
    OrgUnit,
    QuizAttempt,
    Revocation,
    SectionView,
    User,
)
from course.progress import rules
from course.progress.status import RecordFacts, Status, training_status

_VIEWED = select(SectionView.module_id, SectionView.section_id).where(
    SectionView.user_id == bindparam("user_id")
)


def viewed_sections(user: User) -> dict[str, set[str]]:
    """Every section the user has opened, by module id, in one query."""
    rows = db.session.connection().execute(_VIEWED, {"user_id": user.id})
    viewed: dict[str, set[str]] = defaultdict(set)
    for module_id, section_id in rows:
        viewed[module_id].add(section_id)
    return viewed


@dataclass(frozen=True)
class LatestRecord:
    """What a learner's state needs of their latest completion record."""

    id: int
    cycle: int
    expires_on: date
    revoked_at: datetime | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def facts(self) -> RecordFacts:
        return RecordFacts(self.expires_on, self.revoked)


@dataclass(frozen=True)
class LearnerState:
    progress: tuple[rules.ModuleProgress, ...]
    latest: LatestRecord | None
    status: Status
    due_on: date | None
    renewing: bool  # working towards a renewed record
    renews_from: date | None  # since when work counts towards the next record
    scores: dict[str, int]

    @property
    def all_complete(self) -> bool:
        return all(p.complete for p in self.progress)

    @property
    def needs_new_record(self) -> bool:
        return self.latest is None or self.renewing

    @property
    def resume(self) -> rules.ModuleProgress | None:
        return next((p for p in self.progress if not p.complete), None)


_LAST_VIEWED = select(SectionView.section_id, SectionView.last_viewed_at).where(
    SectionView.user_id == bindparam("user_id"), SectionView.module_id == bindparam("module_id")
)
_LATEST = (
    select(CourseCompletion.id, CourseCompletion.cycle, CourseCompletion.expires_on, Revocation.revoked_at)
    .outerjoin(Revocation, Revocation.completion_id == CourseCompletion.id)
    .where(CourseCompletion.user_id == bindparam("user_id"))
    .order_by(CourseCompletion.cycle.desc())
    .limit(1)
)
_PASSED = (
    select(QuizAttempt.module_id, func.max(QuizAttempt.score))
    .where(
        QuizAttempt.user_id == bindparam("user_id"),
        QuizAttempt.passed.is_(True),
        QuizAttempt.submitted_at >= bindparam("since"),
    )
    .group_by(QuizAttempt.module_id)
)
_unit, _above = aliased(OrgUnit), aliased(OrgUnit)
_DUE = select(func.min(Assignment.due_on), func.min(Assignment.within_days)).where(
    or_(
        Assignment.user_id == bindparam("user_id"),
        Assignment.job_role == bindparam("job_role"),
        Assignment.unit_id.in_(  # the learner's unit and every unit above it
            select(_above.id)
            .join(_unit, _unit.path.startswith(_above.path))
            .where(_unit.id == bindparam("unit_id"))
        ),
    )
)


def last_viewed(user: User, module_id: str) -> dict[str, datetime | None]:
    """When the user last opened each section of a module they have opened."""
    rows = db.session.connection().execute(_LAST_VIEWED, {"user_id": user.id, "module_id": module_id})
    return {section_id: at for section_id, at in rows}


def latest_record(user: User) -> LatestRecord | None:
    row = db.session.connection().execute(_LATEST, {"user_id": user.id}).first()
    return LatestRecord(*row) if row is not None else None


def best_passed_scores(user: User, since: datetime | None) -> dict[str, int]:
    """The best score of each quiz passed at or after `since` (ever, when None)."""
    start = since or datetime.combine(date.min, time(), UTC)
    rows = db.session.connection().execute(_PASSED, {"user_id": user.id, "since": start})
    return {module_id: score or 0 for module_id, score in rows}


def due_date(user: User) -> date | None:
    """The earliest due date of the assignments to the learner, their units or their job role: a fixed
    date, or their start date plus the fewest days an assignment gives from it."""
    params = {"user_id": user.id, "unit_id": user.unit_id, "job_role": user.job_role}
    fixed, within_days = db.session.connection().execute(_DUE, params).one()
    relative = rules.relative_due_on(user.started_on, within_days)
    return min((day for day in (fixed, relative) if day is not None), default=None)


def learner_state(user: User, course: Course, settings: OrgSettings, today: date) -> LearnerState:
    audience = rules.audience_for(user.job_role)
    latest = latest_record(user)
    facts = latest.facts if latest is not None else None
    revoked_at = latest.revoked_at if latest is not None else None
    since = rules.renewal_opens_at(facts, settings.expiring_window_days, revoked_at)
    # A valid record outside its renewal window: this cycle is done; modules stay open for review.
    current = facts is not None and not facts.revoked and since is not None and today < since.date()
    renewing = latest is not None and not current
    # A current record settles progress by itself; otherwise read what the learner has done.
    viewed = {} if current else viewed_sections(user)
    scores = {} if current else best_passed_scores(user, since)
    progress = tuple(
        rules.module_progress(
            module,
            audience,
            # Sections stay available for review in a renewal; only the quizzes must be passed again.
            [s.id for s in module.sections] if renewing or current else viewed.get(module.id, ()),
            module.id in course.banks,
            current or module.id in scores,
            course.quiz_minutes(module),
        )
        for module in course.modules_for(audience)
    )
    due_on = None if current else due_date(user)  # a current record is not due, whatever was assigned
    status = training_status(
        today=today,
        latest=facts,
        started=user.started_at is not None,  # kept by the database: see User.started_at
        due_on=due_on,
        window_days=settings.expiring_window_days,
    )
    renews_from = since.date() if since is not None else None
    return LearnerState(progress, latest, status, due_on, renewing, renews_from, scores)
