"""The course as an LTI 1.3 tool, launched from a real platform (lti1p3platform on 127.0.0.1): who gets
in, every refusal explained with nothing changed, deep linking, and scores sent back through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.database import utcnow
from course.lti import services
from course.models import (
    AuditEvent,
    JobRole,
    LtiLink,
    LtiRegistration,
    OutboxMessage,
    Role,
    User,
)
from course.outbox.services import deliver
from tests.partners.lti_platform import path_of


def count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def users(db):
    db.expire_all()
    return list(db.scalars(select(User).order_by(User.id)))


def test_a_first_launch_signs_a_new_learner_in_and_shows_the_course(lms, db, lti_platform):
    lti_platform.people["alice"] = {"name": "Alice Nurse", "email": "alice@trust.example.org"}
    response = lms.launch("alice", custom={"job_role": "nurse"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    page = lms.follow(response)
    assert page.status_code == 200
    assert f"frame-ancestors {lti_platform.issuer}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert "Before you start" in page.get_data(as_text=True) or "course" in page.get_data(as_text=True).lower()
    [alice] = users(db)
    assert (alice.email, alice.name, alice.role, alice.job_role) == (
        "alice@trust.example.org",
        "Alice Nurse",
        Role.LEARNER,
        JobRole.NURSE,
    )
    link = db.scalar(select(LtiLink))
    assert (link.subject, link.user_id) == ("alice", alice.id)
    assert db.get(LtiRegistration, link.registration_id).last_launch_at is not None
