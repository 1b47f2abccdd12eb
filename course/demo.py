"""Demo data for trying the course: an organisation of about 200 people in a small tree (trust, sites,
departments), one account per role to sign in with, and every training status on the dashboard.

The same people, records and dates every time (a seeded random generator, dates counted from today),
written in bulk statements.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from course import org
from course.accounts.passwords import hash_password
from course.content import current_course
from course.database import utcnow
from course.extensions import db
from course.models import (
    Assignment,
    CourseCompletion,
    JobRole,
    OrgSettings,
    OrgUnit,
    Revocation,
    Role,
    SectionView,
    UnitKind,
    User,
)
from course.people.services import add_unit, create_user
from course.progress.rules import add_months
from course.records.services import CODE_ALPHABET

PASSWORD = "demo-password-2026"  # noqa: S105  (published in the README; demo databases only)
SEED = 2026
STAFF = 196  # besides the four accounts below

# email, name, role, job role, unit name
PEOPLE = (
    ("admin@example.org", "Alex Admin", Role.ADMIN, JobRole.OTHER, "Northfield Learning Trust"),
    ("manager@example.org", "Morgan Manager", Role.MANAGER, JobRole.TEACHER, "Northfield Academy"),
    ("teacher@example.org", "Taylor Teacher", Role.LEARNER, JobRole.TEACHER, "Year 9 pastoral team"),
    ("nurse@example.org", "Nadia Nurse", Role.LEARNER, JobRole.NURSE, "Ward 7 (adolescent)"),
)

# site -> its departments and the job roles of the people who work there
TREE: dict[str, tuple[tuple[str, ...], tuple[JobRole, ...]]] = {
    "Northfield Academy": (
        ("Year 9 pastoral team", "Science department", "English department", "Sixth form"),
        (JobRole.TEACHER, JobRole.TEACHER, JobRole.TEACHING_ASSISTANT, JobRole.OTHER),
    ),
    "Riverside Primary School": (
        ("Early years", "Key stage 2"),
        (JobRole.TEACHER, JobRole.TEACHING_ASSISTANT, JobRole.SCHOOL_NURSE),
    ),
    "St Mary's Children's Hospital": (
        ("Ward 7 (adolescent)", "Emergency department", "Outpatients"),
        (JobRole.NURSE, JobRole.NURSE, JobRole.HEALTHCARE_ASSISTANT),
    ),
}
OVERDUE_UNITS = ("Science department", "Emergency department")  # their assignment was due a fortnight ago

FIRST = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Femi",
    "Grace",
    "Harry",
    "Isla",
    "Jamal",
    "Kira",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Vik",
    "Wren",
    "Yusuf",
    "Zara",
]
LAST = [
    "Adeyemi",
    "Brooks",
    "Chen",
    "Davies",
    "Evans",
    "Fraser",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Murphy",
    "Nowak",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Walsh",
    "Young",
]

# what each generated person has done, and how often (out of 100)
OUTCOMES = (
    ("completed", 30),
    ("expiring", 10),
    ("expired", 10),
    ("withdrawn", 5),
    ("in_progress", 17),
    ("not_started", 20),
    ("not_invited", 8),
)


def seed() -> bool:
    """Create the demo organisation when the database has no accounts; False when it has some."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    rng = random.Random(SEED)  # noqa: S311  (demo data: the same every time, not a secret)
    today = org.today()
    trust = add_unit("Northfield Learning Trust", UnitKind.ORGANISATION)
    units: dict[str, OrgUnit] = {trust.name: trust}
    staff_units: list[tuple[OrgUnit, tuple[JobRole, ...]]] = []
    for site_name, (departments, jobs) in TREE.items():
        site = units[site_name] = add_unit(site_name, UnitKind.SITE, trust)
        for name in departments:
            units[name] = add_unit(name, UnitKind.DEPARTMENT, site)
            staff_units.append((units[name], jobs))
    shared_hash = hash_password(PASSWORD)  # one hash for every demo account: argon2 is slow on purpose
    for email, name, role, job_role, unit in PEOPLE:
        person = create_user(email=email, name=name, role=role, job_role=job_role, unit=units[unit])
        person.password_hash, person.content_note_ack_at, person.started_on = shared_hash, utcnow(), today
    _settings()
    db.session.flush()
    outcomes = _people(rng, staff_units, shared_hash, today)
    _facts(rng, outcomes, today)
    _assignments(units, today)
    db.session.commit()
    return True


def _settings() -> None:
    db.session.add(
        OrgSettings(
            id=1,
            org_name="Northfield Learning Trust",
            region="UK",
            safeguarding_lead_name="Sam Okafor",
            safeguarding_lead_role="Designated Safeguarding Lead",
            safeguarding_lead_contact="Room B12, extension 2040, or safeguarding@example.org",
            policy_url="https://example.org/policies/self-harm",
            wellbeing_contact="Staff wellbeing service: extension 2100, or wellbeing@example.org",
            signatory_name="Priya Shah",
            signatory_role="Head of Training, Northfield Learning Trust",
        )
    )


def _people(
    rng: random.Random, staff_units: list[tuple[OrgUnit, tuple[JobRole, ...]]], shared_hash: str, today: date
) -> dict[str, list[int]]:
    """The generated staff, in bulk; their ids by what they have done."""
    kinds = [kind for kind, weight in OUTCOMES for _ in range(weight)]
    rows: list[dict[str, Any]] = []
    planned: dict[str, str] = {}
    for n in range(STAFF):
        unit, jobs = staff_units[n % len(staff_units)]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first.lower()}.{last.lower()}.{n + 1}@example.org"
        kind = rng.choice(kinds)
        rows.append(
            {
                "email": email,
                "name": f"{first} {last}",
                "role": Role.MANAGER if n < len(staff_units) else Role.LEARNER,  # a manager per department
                "job_role": rng.choice(jobs),
                "unit_id": unit.id,
                "staff_number": f"E{10001 + n}",
                "started_on": today - timedelta(days=rng.randint(10, 2000)),
                "password_hash": None if kind == "not_invited" else shared_hash,
            }
        )
        planned[email] = kind
    found = db.session.execute(insert(User).returning(User.id, User.email), rows)
    outcomes: dict[str, list[int]] = {kind: [] for kind, _ in OUTCOMES}
    for user_id, email in found:
        outcomes[planned[email]].append(user_id)
    return outcomes


def _facts(rng: random.Random, outcomes: dict[str, list[int]], today: date) -> None:
    """Completion records (valid, expiring, expired, withdrawn) and first steps (in progress)."""
    zone = org.zone()
    records: list[dict[str, Any]] = []
    for kind, days in (("completed", (60, 330)), ("expiring", (1, 25)), ("expired", (-200, -1))):
        records += [
            _record(rng, user_id, today + timedelta(days=rng.randint(*days)), zone)
            for user_id in outcomes[kind]
        ]
    withdrawn = [
        _record(rng, user_id, today + timedelta(days=rng.randint(60, 300)), zone)
        for user_id in outcomes["withdrawn"]
    ]
    db.session.execute(insert(CourseCompletion), records + withdrawn)
    ids = db.session.execute(
        select(CourseCompletion.id).where(CourseCompletion.user_id.in_(outcomes["withdrawn"]))
    ).scalars()
    reason = "Recorded against the wrong person: to be completed again"
    db.session.execute(
        insert(Revocation), [{"completion_id": record_id, "reason": reason} for record_id in ids]
    )
    module = current_course().modules[0]
    db.session.execute(
        insert(SectionView),
        [
            {"user_id": user_id, "module_id": module.id, "section_id": module.sections[0].id}
            for user_id in outcomes["in_progress"]
        ],
    )


def _record(rng: random.Random, user_id: int, expires_on: date, zone: Any) -> dict[str, Any]:
    completed_on = add_months(expires_on, -org.settings().certificate_months)
    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(16))
    return {
        "user_id": user_id,
        "cycle": 1,
        "course_version": current_course().version,
        "completed_at": datetime.combine(completed_on, time(12), tzinfo=zone).astimezone(UTC),
        "expires_on": expires_on,
        "scores": {},
        "cpd_minutes": 120,
        "certificate_code": "-".join(code[i : i + 4] for i in range(0, 16, 4)),
        "source": "course",
    }


def _assignments(units: dict[str, OrgUnit], today: date) -> None:
    """Everyone is due in six weeks; two departments were due a fortnight ago; new healthcare
    assistants within 30 days of starting."""
    db.session.add(
        Assignment(unit_id=units["Northfield Learning Trust"].id, due_on=today + timedelta(days=42))
    )
    for name in OVERDUE_UNITS:
        db.session.add(Assignment(unit_id=units[name].id, due_on=today - timedelta(days=14)))
    db.session.add(Assignment(job_role=JobRole.HEALTHCARE_ASSISTANT, within_days=30))
