"""Open quiz attempts for the quiz-submit benchmark: each POST grades a fresh attempt exactly once."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlalchemy import func, insert, select

from course.content import current_course
from course.database import utcnow
from course.extensions import db
from course.models import CourseCompletion, QuizAttempt, Revocation, Role, User
from course.progress.rules import audience_for
from course.quizzes.rules import draw

MODULE = "understanding"  # every pathway has it


@dataclass(frozen=True)
class OpenAttempt:
    user_id: int
    attempt_id: int
    answers: str  # the form body that answers every question right, without the CSRF token


def settled_learners(today: date, count: int) -> list[tuple[int, str]]:
    """(id, email) of learners with one valid record well outside its renewal window: reading and
    passing again changes nothing, so repeated requests do the same work each time."""
    cycles = (
        select(CourseCompletion.user_id)
        .group_by(CourseCompletion.user_id)
        .having(func.count() == 1)
        .subquery()
    )
    rows = db.session.execute(
        select(User.id, User.email)
        .join(cycles, cycles.c.user_id == User.id)
        .join(CourseCompletion, CourseCompletion.user_id == User.id)
        .outerjoin(Revocation, Revocation.completion_id == CourseCompletion.id)
        .where(
            User.role == Role.LEARNER,
            User.content_note_ack_at.is_not(None),
            Revocation.id.is_(None),
            CourseCompletion.expires_on > today + timedelta(days=90),
        )
        .order_by(User.id)
        .limit(count)
    ).all()
    return [(user_id, email) for user_id, email in rows]


def open_attempts(learners: list[tuple[int, str]], per_learner: int, seed: int = 1) -> list[OpenAttempt]:
    """`per_learner` unsubmitted attempts of the module's quiz for each learner, interleaved by learner."""
    course = current_course()
    bank = course.banks[MODULE]
    rng = random.Random(seed)  # noqa: S311  (synthetic data, the same for the same seed)
    now = utcnow()
    jobs = dict(
        db.session.execute(select(User.id, User.job_role).where(User.id.in_([u for u, _ in learners]))).all()
    )
    questions = {q.id: q for q in bank.questions}
    rows, bodies, owners = [], [], []
    for _ in range(per_learner):
        for user_id, _email in learners:
            drawn = draw(bank, audience_for(jobs[user_id]), "UK", rng)
            rows.append(
                {
                    "user_id": user_id,
                    "module_id": MODULE,
                    "quiz_version": bank.version,
                    "course_version": course.version,
                    "draw": [{"question": d.question_id, "options": list(d.option_ids)} for d in drawn],
                    "pass_mark": bank.pass_mark,
                    "started_at": now,
                    "expires_at": now + timedelta(hours=24),
                }
            )
            bodies.append(
                urlencode(
                    [
                        (f"q-{d.question_id}", o)
                        for d in drawn
                        for o in sorted(questions[d.question_id].correct_ids)
                    ]
                )
            )
            owners.append(user_id)
    result = db.session.execute(
        insert(QuizAttempt).returning(QuizAttempt.id, sort_by_parameter_order=True), rows
    )
    ids = list(result.scalars())
    db.session.commit()
    return [OpenAttempt(u, a, b) for u, a, b in zip(owners, ids, bodies, strict=True)]


def graded(attempt_ids: list[int]) -> int:
    """How many of the attempts have been submitted."""
    return (
        db.session.scalar(
            select(func.count()).where(QuizAttempt.id.in_(attempt_ids), QuizAttempt.submitted_at.is_not(None))
        )
        or 0
    )
