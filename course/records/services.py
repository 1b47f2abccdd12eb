"""Completion records: written when the last requirement is met, withdrawn as a new fact, never edited."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course import org
from course.audit import record
from course.content.schema import Course
from course.database import utcnow
from course.events import COURSE_COMPLETED, announce
from course.extensions import db
from course.models import CourseCompletion, OrgLogo, OrgSettings, QuizAttempt, Revocation, User
from course.progress.rules import audience_for, expiry_for
from course.progress.services import LearnerState, learner_state
from course.records.certificate import CertificateFacts, Logo

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


def cpd_minutes(course: Course, audience: str, state: LearnerState) -> int:
    """The CPD time a new record states: the course's stated time for the learner's pathway (quizzes
    included) for a first record; for a renewal, only the quizzes taken again, since the sections need
    not be read again."""
    if state.renewing:
        return sum(p.quiz_minutes for p in state.progress if p.quiz_required)
    return course.minutes_for(audience)


def complete_if_done(user: User, course: Course, settings: OrgSettings) -> CourseCompletion | None:
    """Create the completion record when the last requirement has just been met, in the caller's
    transaction. A record for the same cycle written at the same moment by another request wins."""
    now = utcnow()
    today = org.today()
    state = learner_state(user, course, settings, today)
    if not state.needs_new_record or not state.all_complete:
        return None
    completion = CourseCompletion(
        user_id=user.id,
        cycle=(state.latest.cycle + 1) if state.latest else 1,
        course_version=course.version,
        completed_at=now,
        expires_on=expiry_for(today, settings.certificate_months),
        scores=state.scores,
        cpd_minutes=cpd_minutes(course, audience_for(user.job_role), state),
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
    announce(COURSE_COMPLETED, user=user, completion=completion)
    return completion


def course_score(scores: dict[str, int]) -> int:
    """The course's score on a record: the mean of its module quiz scores (100 with no quiz)."""
    return round(sum(scores.values()) / len(scores)) if scores else 100


def withdraw(completion: CourseCompletion, *, by: User, reason: str) -> bool:
    """Withdraw a record (a new fact beside it; the record itself is never changed). False when it was
    withdrawn already."""
    if completion.revocation is not None:
        return False
    db.session.add(Revocation(completion_id=completion.id, revoked_by_id=by.id, reason=reason))
    record(
        "record.revoked",
        subject=f"user:{completion.user_id}",
        actor=by,
        code=completion.certificate_code,
        reason=reason,
    )
    db.session.commit()
    return True


def submitted_attempts(user: User) -> list[QuizAttempt]:
    """The learner's marked quiz attempts, newest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.submitted_at.is_not(None))
            .order_by(QuizAttempt.submitted_at.desc())
        )
    )


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
    audience = audience_for(user.job_role)
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
