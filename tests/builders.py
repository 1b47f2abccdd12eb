"""Rows that tests put straight into the database, with plain defaults for what a test does not care about."""

from datetime import timedelta
from typing import Any

from course.database import utcnow
from course.models import CourseCompletion, QuizAttempt, User


def completion(
    user: User, *, expires_in_days: int, cycle: int = 1, completed_days_ago: int = 30
) -> CourseCompletion:
    return CourseCompletion(
        user_id=user.id,
        cycle=cycle,
        course_version="t",
        completed_at=utcnow() - timedelta(days=completed_days_ago),
        expires_on=utcnow().date() + timedelta(days=expires_in_days),
        scores={},
        cpd_minutes=100,
        certificate_code=f"CODE-{user.id:04d}-{cycle:04d}-XXXX",
    )


def quiz_attempt(
    user: User, *, module_id: str = "understanding", submitted: bool = True, score: int | None = None
) -> QuizAttempt:
    outcome: dict[str, Any] = {}
    if submitted:
        outcome = {"submitted_at": utcnow(), "score": score, "correct_count": 0, "passed": (score or 0) >= 80}
    return QuizAttempt(
        user_id=user.id,
        module_id=module_id,
        quiz_version=1,
        course_version="t",
        draw=[],
        pass_mark=80,
        expires_at=utcnow() + timedelta(hours=1),
        **outcome,
    )
