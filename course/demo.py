"""Demo data for trying the course: an organisation, units and one account per role."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from course.content import current_course
from course.database import utcnow
from course.extensions import db
from course.models import CourseCompletion, JobRole, OrgSettings, Role, UnitKind, User
from course.people.services import add_unit, create_user
from course.progress.rules import audience_for, expiry_for
from course.records.services import new_certificate_code

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
    people = {
        email: create_user(
            email=email, name=name, role=role, job_role=job_role, unit=units[unit], password=PASSWORD
        )
        for email, name, role, job_role, unit in PEOPLE
    }
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
    db.session.flush()
    _completed(people["nurse@example.org"], days_ago=40)
    db.session.commit()
    return True


def _completed(user: User, days_ago: int) -> None:
    """A completion record, so that the demo has a certificate to download and verify."""
    course = current_course()
    modules = course.modules_for(audience_for(user.job_role))
    completed_at = utcnow() - timedelta(days=days_ago)
    db.session.add(
        CourseCompletion(
            user_id=user.id,
            cycle=1,
            course_version=course.version,
            completed_at=completed_at,
            expires_on=expiry_for(completed_at.date(), 12),
            scores={m.id: 100 for m in modules if m.id in course.banks},
            cpd_minutes=sum(m.minutes for m in modules),
            certificate_code=new_certificate_code(),
        )
    )
