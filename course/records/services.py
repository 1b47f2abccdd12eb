"""A learner's progress and completion records. The facts come from a fixed number of queries."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from course.audit import record
from course.content.schema import Course
from course.database import utcnow
from course.extensions import db
from course.learning import rules as learning_rules
from course.learning.services import viewed_sections
from course.models import (
    Assignment,
    CourseCompletion,
    OrgLogo,
    OrgSettings,
    OrgUnit,
    QuizAttempt,
    Revocation,
    User,
)
from course.records import rules
from course.records.certificate import CertificateFacts, Logo
from course.records.rules import RecordFacts, Status

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, to read aloud and type


def new_certificate_code() -> str:
    """16 random characters (80 bits) in four groups: unguessable, and easy to read out."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def all_completions(user: User) -> list[CourseCompletion]:
    return list(
        db.session.scalars(
            select(CourseCompletion)
            .options(selectinload(CourseCompletion.revocation))
            .where(CourseCompletion.user_id == user.id)
            .order_by(CourseCompletion.cycle.desc())
        )
    )


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
    progress: tuple[learning_rules.ModuleProgress, ...]
    latest: LatestRecord | None
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


# The learner's pages run these on every request: they are built once, since building a statement
# costs more than running it on a learner's few indexed rows.
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
_DUE = select(func.min(Assignment.due_on)).where(
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


def latest_record(user: User) -> LatestRecord | None:
    row = db.session.connection().execute(_LATEST, {"user_id": user.id}).first()
    return LatestRecord(*row) if row is not None else None


def best_passed_scores(user: User, since: datetime | None) -> dict[str, int]:
    """The best score of each quiz passed at or after `since` (ever, when None)."""
    start = since or datetime.combine(date.min, time(), UTC)
    rows = db.session.connection().execute(_PASSED, {"user_id": user.id, "since": start})
    return {module_id: score or 0 for module_id, score in rows}


def due_date(user: User) -> date | None:
    """The earliest due date of the assignments to the learner, their units or their job role."""
    params = {"user_id": user.id, "unit_id": user.unit_id, "job_role": user.job_role}
    return db.session.connection().execute(_DUE, params).scalar()


def learner_state(user: User, course: Course, settings: OrgSettings, today: date) -> LearnerState:
    audience = learning_rules.audience_for(user.job_role)
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
    due_on = None if current else due_date(user)  # a current record is not due, whatever was assigned
    status = rules.training_status(
        today=today,
        latest=facts,
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


def current_logo() -> Logo | None:
    row = db.session.get(OrgLogo, 1)
    return Logo(row.content_type, row.data) if row is not None else None


def save_logo(content_type: str, data: bytes) -> None:
    """Keep a logo that rules.logo_content_type() accepted, in the caller's transaction."""
    row = db.session.get(OrgLogo, 1) or OrgLogo(id=1)
    row.content_type, row.data = content_type, data
    db.session.add(row)


def remove_logo() -> bool:
    row = db.session.get(OrgLogo, 1)
    if row is None:
        return False
    db.session.delete(row)
    return True


def certificate_facts(
    completion: CourseCompletion, user: User, course: Course, settings: OrgSettings, verify_url: str
) -> CertificateFacts:
    """What the certificate says: one learning outcome per module the learner's audience takes."""
    audience = learning_rules.audience_for(user.job_role)
    return CertificateFacts(
        name=user.name,
        course_title=course.title,
        course_version=completion.course_version,
        organisation=settings.org_name,
        completed_on=completion.completed_at.date(),
        expires_on=completion.expires_on,
        cpd_minutes=completion.cpd_minutes,
        code=completion.certificate_code,
        verify_url=verify_url,
        outcomes=tuple(m.objectives[0].text for m in course.modules_for(audience) if m.objectives),
        signatory_name=settings.signatory_name,
        signatory_role=settings.signatory_role,
        logo=current_logo(),
    )
