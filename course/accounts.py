"""Creating people and organisation units: shared by the admin pages, imports, the CLI and demo data."""

from __future__ import annotations

from sqlalchemy import select

from course.auth.passwords import hash_password
from course.auth.services import normalise_email
from course.extensions import db
from course.models import OrgUnit, User


def add_unit(name: str, kind: str, parent: OrgUnit | None = None) -> OrgUnit:
    unit = OrgUnit(name=name, kind=kind, parent=parent)
    db.session.add(unit)
    db.session.flush()  # the id is needed for the path
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    job_role: str,
    unit: OrgUnit | None = None,
    password: str | None = None,
) -> User:
    """Add a person to the session; the caller commits. Raises ValueError for a taken email."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ValueError(f"An account with the email {email} already exists.")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        job_role=job_role,
        unit=unit,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    return user
