"""The one place tests build people, units, records and attempts, with plain defaults for what a test
does not care about. Builders add to the session; the caller (or the fixture) commits."""

import functools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from course.accounts.passwords import hash_password
from course.database import utcnow
from course.extensions import db
from course.models import CourseCompletion, JobRole, OrgUnit, QuizAttempt, Role, SecondFactor, UnitKind, User
from course.people.services import add_unit, create_user
from course.twofactor.rules import STAFF_ROLES
from tests.authenticator import secret_for

PASSWORD = "correct horse battery staple"
ZONE = "Europe/London"  # the test app's ORG_TIMEZONE
# Every field the settings page requires, with ordinary values: tests post it with the fields they test.
SETTINGS_FORM = {
    "org_name": "Northfield",
    "region": "UK",
    "certificate_months": "12",
    "expiring_window_days": "30",
    "reminder_interval_days": "7",
    "retake_review_after": "2",
    "reminder_stages": "30,7,0",
}


def today() -> date:
    """Today as the test app judges it: in the organisation's time zone, like course.org.today()."""
    return datetime.now(ZoneInfo(ZONE)).date()


@functools.cache
def password_hash() -> str:
    """Argon2 is slow on purpose: every test account with PASSWORD shares this one real hash."""
    return hash_password(PASSWORD)


def unit(name: str = "Test School", kind: str = UnitKind.SITE, parent: OrgUnit | None = None) -> OrgUnit:
    return add_unit(name, kind, parent)


def user(
    email: str,
    *,
    name: str = "Test Person",
    role: str = Role.LEARNER,
    job_role: str = JobRole.TEACHER,
    unit: OrgUnit | None = None,
    password: str | None = PASSWORD,
    active: bool = True,
    acknowledged: bool = True,
    second_factor: bool | None = None,
) -> User:
    """A person who can sign in with `password` (None: invited, no password yet) and who has read the
    content note unless `acknowledged` is False. Managers and administrators with a password have an
    authenticator set up, with the known secret `tests.authenticator.secret_for(email)`, as they must to
    sign in (`second_factor`: True or False to choose for anyone)."""
    person = create_user(email=email, name=name, role=role, job_role=job_role, unit=unit)
    if password is not None:
        person.password_hash = password_hash() if password == PASSWORD else hash_password(password)
    person.active = active
    if acknowledged:
        person.content_note_ack_at = utcnow()
    if second_factor if second_factor is not None else (password is not None and role in STAFF_ROLES):
        db.session.flush()
        db.session.add(secret_factor(person))
    return person


def secret_factor(person: User) -> SecondFactor:
    """An authenticator, set up, with the person's known secret (tests.authenticator.secret_for)."""
    return SecondFactor(
        user_id=person.id, secret=secret_for(person.email), confirmed_at=utcnow(), last_step=0
    )


def completion(
    user: User, *, expires_in_days: int, cycle: int = 1, completed_days_ago: int = 30
) -> CourseCompletion:
    return CourseCompletion(
        user_id=user.id,
        cycle=cycle,
        course_version="t",
        completed_at=utcnow() - timedelta(days=completed_days_ago),
        expires_on=today() + timedelta(days=expires_in_days),
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
