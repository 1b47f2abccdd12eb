"""Demo data for trying the course: an organisation, units and one account per role."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.models import JobRole, OrgSettings, Role, UnitKind, User
from course.people.services import add_unit, create_user

PASSWORD = "demo-password-2026"  # noqa: S105  (published in the README; demo databases only)

# email, name, role, job role, unit name
PEOPLE = (
    ("admin@example.org", "Alex Admin", Role.ADMIN, JobRole.OTHER, "Northfield Learning Trust"),
    ("manager@example.org", "Morgan Manager", Role.MANAGER, JobRole.TEACHER, "Northfield Academy"),
    ("teacher@example.org", "Taylor Teacher", Role.LEARNER, JobRole.TEACHER, "Year 9 pastoral team"),
    ("nurse@example.org", "Nadia Nurse", Role.LEARNER, JobRole.NURSE, "Ward 7 (adolescent)"),
)


def seed() -> bool:
    """Create the demo organisation when the database has no accounts; False when it has some."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    trust = add_unit("Northfield Learning Trust", UnitKind.ORGANISATION)
    academy = add_unit("Northfield Academy", UnitKind.SITE, trust)
    units = {
        trust.name: trust,
        academy.name: academy,
        "Year 9 pastoral team": add_unit("Year 9 pastoral team", UnitKind.DEPARTMENT, academy),
        "Science department": add_unit("Science department", UnitKind.DEPARTMENT, academy),
    }
    hospital = add_unit("St Mary's Children's Hospital", UnitKind.SITE, trust)
    units["Ward 7 (adolescent)"] = add_unit("Ward 7 (adolescent)", UnitKind.DEPARTMENT, hospital)
    add_unit("Emergency department", UnitKind.DEPARTMENT, hospital)
    for email, name, role, job_role, unit in PEOPLE:
        create_user(email=email, name=name, role=role, job_role=job_role, unit=units[unit], password=PASSWORD)
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
        )
    )
    db.session.commit()
    return True
