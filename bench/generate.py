"""A synthetic organisation: units, assignments, staff accounts and learners with full histories.

Rows are written with bulk inserts, a thousand learners at a time. Every account shares one password
hash, computed once by the caller (argon2 is slow on purpose). Runs inside an app context.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from bench.history import Learner, Row, pick_profile
from course.content import current_course
from course.extensions import db
from course.models import (
    Assignment,
    AttemptAnswer,
    AuditEvent,
    ConfidenceRating,
    CourseCompletion,
    JobRole,
    OrgSettings,
    OrgUnit,
    QuizAttempt,
    Revocation,
    Role,
    SecondFactor,
    SectionView,
    UnitKind,
    User,
)
from course.people.services import add_unit
from course.progress.rules import audience_for

CHUNK = 1000
ADMIN_EMAIL = "bench-admin@example.org"
MANAGER_EMAIL = "bench-manager@example.org"
# The staff's authenticator secret (base32): managers and administrators give a code after the password.
STAFF_SECRET = "BENCHSTAFFSECRETBENCHSTAFFSECRET"  # noqa: S105  (synthetic staff, bench only)
JOB_ROLES = (
    (JobRole.TEACHER, 35),
    (JobRole.TEACHING_ASSISTANT, 15),
    (JobRole.SCHOOL_NURSE, 5),
    (JobRole.NURSE, 30),
    (JobRole.HEALTHCARE_ASSISTANT, 10),
    (JobRole.OTHER, 5),
)


def learner_email(number: int) -> str:
    return f"learner{number:06d}@example.org"


@dataclass(frozen=True)
class Organisation:
    top_id: int
    site_ids: tuple[int, ...]
    department_ids: tuple[int, ...]


def build_organisation(units: int, today: date, password_hash: str, seed: int = 1) -> Organisation:
    """One organisation, a site for every 20 units, departments under the sites, staff, assignments."""
    rng = random.Random(seed)  # noqa: S311  (synthetic data, the same for the same seed)
    top = add_unit("Bench Trust", UnitKind.ORGANISATION)
    site_count = max(1, units // 20)
    sites = [add_unit(f"Site {n:02d}", UnitKind.SITE, top) for n in range(1, site_count + 1)]
    departments = [
        add_unit(f"Department {n:03d}", UnitKind.DEPARTMENT, sites[n % site_count])
        for n in range(1, max(units - site_count - 1, 0) + 1)
    ]
    admin = _staff(ADMIN_EMAIL, "Bench Administrator", Role.ADMIN, top, password_hash)
    _staff(MANAGER_EMAIL, "Bench Manager", Role.MANAGER, sites[0], password_hash)
    db.session.add(OrgSettings.with_defaults())
    db.session.flush()
    assignments: list[Row] = [
        {
            "unit_id": site.id,
            "due_on": today + timedelta(days=rng.randint(-120, 120)),
            "assigned_by_id": admin.id,
        }
        for site in sites
    ]
    assignments.append(
        {"job_role": JobRole.NURSE.value, "due_on": today - timedelta(days=30), "assigned_by_id": admin.id}
    )
    db.session.execute(insert(Assignment), assignments)
    db.session.commit()
    return Organisation(
        top_id=top.id,
        site_ids=tuple(s.id for s in sites),
        department_ids=tuple(d.id for d in departments),
    )


def existing_organisation() -> Organisation:
    """The organisation a previous run built, read back from its units."""
    units = db.session.execute(select(OrgUnit.id, OrgUnit.kind).order_by(OrgUnit.id)).all()
    if not units:
        raise SystemExit("there is no benchmark database to reuse; run without --reuse first")
    # Staff of a database built before two-step verification get the authenticator the load signs in with.
    unenrolled = db.session.scalars(
        select(User.id).where(
            User.role.in_((Role.ADMIN, Role.MANAGER)),
            ~select(SecondFactor.user_id).where(SecondFactor.user_id == User.id).exists(),
        )
    ).all()
    db.session.add_all(
        SecondFactor(user_id=user_id, secret=STAFF_SECRET, confirmed_at=datetime.now(UTC))
        for user_id in unenrolled
    )
    db.session.commit()
    return Organisation(
        top_id=next(i for i, kind in units if kind == UnitKind.ORGANISATION),
        site_ids=tuple(i for i, kind in units if kind == UnitKind.SITE),
        department_ids=tuple(i for i, kind in units if kind == UnitKind.DEPARTMENT),
    )


def _staff(email: str, name: str, role: Role, unit: OrgUnit, password_hash: str) -> User:
    user = User(
        email=email, name=name, role=role, job_role=JobRole.OTHER, unit=unit, password_hash=password_hash
    )
    db.session.add(user)
    db.session.flush()
    db.session.add(SecondFactor(user_id=user.id, secret=STAFF_SECRET, confirmed_at=datetime.now(UTC)))
    return user


def add_learners(
    org: Organisation,
    count: int,
    today: date,
    password_hash: str,
    *,
    first: int = 0,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Learners numbered from `first`, each with a history drawn from the seed, committed per chunk."""
    rng = random.Random(f"{seed}:{first}")  # noqa: S311  (synthetic data, the same for the same seed)
    roles, weights = zip(*JOB_ROLES, strict=True)
    units = (*org.department_ids, *org.site_ids) or (org.top_id,)
    acknowledged = datetime.combine(today - timedelta(days=730), time(9), UTC)
    for start in range(first, first + count, CHUNK):
        numbers = range(start, min(start + CHUNK, first + count))
        people = [
            {
                "email": learner_email(n),
                "name": f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                "password_hash": password_hash,
                "role": Role.LEARNER.value,
                "job_role": rng.choices(roles, weights)[0].value,
                "unit_id": None if rng.random() < 0.02 else rng.choice(units),
                "content_note_ack_at": acknowledged if rng.random() < 0.85 else None,
            }
            for n in numbers
        ]
        ids = _insert_returning(User, people)
        _write_histories(rng, list(zip(ids, (p["job_role"] for p in people), strict=True)), today)
        db.session.commit()
        if progress is not None:
            progress(len(numbers))


def _write_histories(rng: random.Random, people: Sequence[tuple[int, str]], today: date) -> None:
    course = current_course()
    histories = [
        Learner(rng, uid, audience_for(job), course).build(pick_profile(rng), today) for uid, job in people
    ]
    _insert(SectionView, [v for h in histories for v in h.views])
    _insert(ConfidenceRating, [r for h in histories for r in h.ratings])
    attempts = [pair for h in histories for pair in h.attempts]
    attempt_ids = _insert_returning(QuizAttempt, [a for a, _ in attempts])
    _insert(
        AttemptAnswer,
        [
            {**answer, "attempt_id": aid}
            for aid, (_, answers) in zip(attempt_ids, attempts, strict=True)
            for answer in answers
        ],
    )
    records = [pair for h in histories for pair in h.completions]
    record_ids = _insert_returning(CourseCompletion, [r for r, _ in records])
    revoked = [
        {
            "completion_id": rid,
            "reason": "Recorded against the wrong person",
            "revoked_at": row["completed_at"],
        }
        for rid, (row, is_revoked) in zip(record_ids, records, strict=True)
        if is_revoked
    ]
    _insert(Revocation, revoked)
    _insert(
        AuditEvent,
        [
            {
                "at": row["completed_at"],
                "actor_id": row["user_id"],
                "action": "record.completed",
                "subject": f"user:{row['user_id']}",
                "details": {"cycle": row["cycle"], "code": row["certificate_code"]},
            }
            for row, _ in records
        ],
    )


def _insert(model: type[Any], rows: list[Row]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


def _insert_returning(model: type[Any], rows: list[Row]) -> list[int]:
    if not rows:
        return []
    result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


GIVEN = ("Alex", "Sam", "Priya", "Tomasz", "Aoife", "Kwame", "Mei", "Zoë", "Omar", "Ruth", "Jonas", "Ife")
FAMILY = ("Okafor", "Nowak", "Smith", "Ní Bhriain", "Patel", "Jones", "Müller", "Chen", "Hughes", "Silva")
