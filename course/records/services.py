"""A learner's progress and completion records. The facts come from a fixed number of queries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course.audit import record
from course.content.schema import Course
from course.database import utcnow
from course.extensions import db
from course.learning import rules as learning_rules
from course.learning.services import viewed_sections
from course.models import Assignment, CourseCompletion, OrgSettings, QuizAttempt, User
from course.records import rules
from course.records.rules import RecordFacts, Status

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, to read aloud and type


def new_certificate_code() -> str:
    """16 random characters (80 bits) in four groups: unguessable, and easy to read out."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def facts(completion: CourseCompletion | None) -> RecordFacts | None:
    if completion is None:
        return None
    return RecordFacts(expires_on=completion.expires_on, revoked=completion.revocation is not None)


def latest_completion(user: User) -> CourseCompletion | None:
    return db.session.scalar(
        select(CourseCompletion)
        .options(selectinload(CourseCompletion.revocation))
        .where(CourseCompletion.user_id == user.id)
        .order_by(CourseCompletion.cycle.desc())
        .limit(1)
    )


def all_completions(user: User) -> list[CourseCompletion]:
    return list(
        db.session.scalars(
            select(CourseCompletion)
            .options(selectinload(CourseCompletion.revocation))
            .where(CourseCompletion.user_id == user.id)
            .order_by(CourseCompletion.cycle.desc())
        )
    )


def assignment_filter(user: User) -> object:
    """Assignments that cover the user: to them, to their unit or any unit above it, or to their job role."""
    unit_ids = [int(part) for part in (user.unit.path if user.unit else "").split("/") if part]
    return or_(
        Assignment.user_id == user.id,
        Assignment.unit_id.in_(unit_ids),
        Assignment.job_role == user.job_role,
    )


def due_date(user: User) -> date | None:
    return db.session.scalar(select(func.min(Assignment.due_on)).where(assignment_filter(user)))  # type: ignore[arg-type]


def best_passed_scores(user: User, since: date | None) -> dict[str, int]:
    query = (
        select(QuizAttempt.module_id, func.max(QuizAttempt.score))
        .where(QuizAttempt.user_id == user.id, QuizAttempt.passed.is_(True))
        .group_by(QuizAttempt.module_id)
    )
    if since is not None:
        query = query.where(
            QuizAttempt.submitted_at >= datetime(since.year, since.month, since.day, tzinfo=UTC)
        )
    return {module_id: score or 0 for module_id, score in db.session.execute(query)}


@dataclass(frozen=True)
class LearnerState:
    progress: tuple[learning_rules.ModuleProgress, ...]
    latest: CourseCompletion | None
    status: Status
    due_on: date | None
    renewing: bool  # working towards a renewed record
    scores: dict[str, int]

    @property
    def all_complete(self) -> bool:
        return all(p.complete for p in self.progress)

    @property
    def needs_new_record(self) -> bool:
        return self.latest is None or self.renewing

    @property
    def resume(self) -> learning_rules.ModuleProgress | None:
        return next((p for p in self.progress if not p.complete), None)


def learner_state(user: User, course: Course, settings: OrgSettings, today: date) -> LearnerState:
    audience = learning_rules.audience_for(user.job_role)
    latest = latest_completion(user)
    latest_facts = facts(latest)
    revoked_at = latest.revocation.revoked_at if latest is not None and latest.revocation else None
    since = rules.renewal_opens_at(latest_facts, settings.expiring_window_days, revoked_at)
    # A valid record outside its renewal window: this cycle is done; modules stay open for review.
    current = latest_facts is not None and not latest_facts.revoked and since is not None and today < since
    renewing = latest is not None and not current
    viewed = viewed_sections(user)
    scores = best_passed_scores(user, None if current else since)
    progress = tuple(
        learning_rules.module_progress(
            module,
            audience,
            # Sections stay available for review in a renewal; only the quizzes must be passed again.
            [s.id for s in module.sections] if renewing or current else viewed.get(module.id, ()),
            module.id in course.banks,
            current or module.id in scores,
        )
        for module in course.modules_for(audience)
    )
    due_on = due_date(user)
    status = rules.training_status(
        today=today,
        latest=latest_facts,
        started=user.started_at is not None,  # kept by the database: see User.started_at
        due_on=due_on,
        window_days=settings.expiring_window_days,
    )
    return LearnerState(progress, latest, status, due_on, renewing, scores)


def complete_if_done(user: User, course: Course, settings: OrgSettings) -> CourseCompletion | None:
    """Create the completion record when the last requirement has just been met, in the caller's
    transaction. A record for the same cycle written at the same moment by another request wins."""
    now = utcnow()
    state = learner_state(user, course, settings, now.date())
    if not state.needs_new_record or not state.all_complete:
        return None
    completion = CourseCompletion(
        user_id=user.id,
        cycle=(state.latest.cycle + 1) if state.latest else 1,
        course_version=course.version,
        completed_at=now,
        expires_on=rules.expiry_for(now.date(), settings.certificate_months),
        scores=state.scores,
        cpd_minutes=sum(p.module.minutes for p in state.progress),
        certificate_code=new_certificate_code(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:
        return None
    record(
        "record.completed",
        subject=f"user:{user.id}",
        actor=user,
        cycle=completion.cycle,
        code=completion.certificate_code,
    )
    return completion
