"""The security suite's world: one person of each kind, their records, and a signed-in client for each.

Hypothesis profiles: "quick" (the default, run by `make test`) and "long" (`make check-security`),
chosen with SECURITY_FUZZ=long. The figures the suite measured are printed at the end of the run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings

from course.accounts import services as accounts
from course.accounts.sessions import stamp
from course.database import utcnow
from course.extensions import db as database
from course.models import (
    Assignment,
    CourseCompletion,
    JobRole,
    OutboxMessage,
    Role,
    ScormPackage,
    UnitKind,
    User,
)
from course.outbox.services import enqueue
from course.quizzes import services as quizzes
from tests import factories
from tests.fixtures.app import csrf_token

# Examples per fuzz test. There are ten fuzz tests: 400 cases in the quick run, 13,000 in the long one.
settings.register_profile(
    "quick",
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("long", settings.get_profile("quick"), max_examples=1300)
settings.load_profile(os.environ.get("SECURITY_FUZZ", "quick"))

VISITORS = ("anonymous", "learner", "other_manager", "manager", "admin")
MODULE, SECTION, SCENARIO = "understanding", "why-people-self-harm", "pressure-release"


@dataclass
class World:
    app: Flask
    people: dict[str, User]
    ids: dict[str, Any]  # the values for the {placeholders} in route paths

    def client(self, visitor: str) -> FlaskClient:
        """A test client signed in as `visitor` (no client session at all for "anonymous")."""
        client = self.app.test_client()
        if visitor != "anonymous":
            with client.session_transaction() as session:
                session["_user_id"] = self.people[visitor].get_id()
                session["_fresh"] = True
                stamp(session)
        return client


def token(client: FlaskClient) -> str:
    """A valid CSRF token for this client's session, read from a page as a browser would."""
    page = client.get("/support")
    if 'name="csrf_token"' not in page.get_data(as_text=True):
        page = client.get("/sign-in")
    return csrf_token(page)


def person(email: str, role: str, unit: Any, *, password: bool = True, job: str = JobRole.TEACHER) -> User:
    name = email.split("@")[0].title()
    return factories.user(
        email,
        name=name,
        role=role,
        job_role=job,
        unit=unit,
        password=factories.PASSWORD if password else None,
    )


def queue_mail_for_the_matrix() -> OutboxMessage:
    message = enqueue(
        "mail", {"to": "learner@example.org", "subject": "s", "body": "b", "cc": [], "html": None}
    )
    database.session.commit()
    return message


def build_world(app: Flask) -> World:
    with app.app_context():
        trust = factories.unit("Trust", UnitKind.ORGANISATION)
        school = factories.unit("School", UnitKind.SITE, trust)
        ward = factories.unit("Ward", UnitKind.SITE, trust)
        people = {
            "admin": person("admin@example.org", Role.ADMIN, trust),
            "manager": person("manager@example.org", Role.MANAGER, school),
            "other_manager": person("other@example.org", Role.MANAGER, ward),
            "learner": person("learner@example.org", Role.LEARNER, school),
            "invitee": person("invitee@example.org", Role.LEARNER, school, password=False),
        }
        database.session.flush()
        completion = CourseCompletion(
            user_id=people["learner"].id,
            cycle=1,
            course_version="t",
            completed_at=utcnow(),
            expires_on=factories.today() + timedelta(days=300),
            scores={},
            cpd_minutes=1,
            certificate_code="TEST-CODE-0001",
        )
        assignment = Assignment(unit_id=school.id, due_on=factories.today() + timedelta(days=30))
        database.session.add_all([completion, assignment])
        database.session.commit()
        attempt = quizzes.start_attempt(
            people["learner"],
            app.extensions["course"].banks[MODULE],
            audience="teacher",
            region="UK",
            course_version="t",
            pass_mark=80,
            valid_for=timedelta(hours=1),
            daily_limit=0,
        )
        message = queue_mail_for_the_matrix()
        package = ScormPackage(
            key="matrix-key", secret="s" * 64, title="Course", version="1.2", unit_id=school.id
        )
        database.session.add(package)
        database.session.commit()
        ids = {
            "package": package.id,
            "message": message.id,
            "learner": people["learner"].id,
            "record": completion.id,
            "code": completion.certificate_code,
            "attempt": attempt.id,
            "assignment": assignment.id,
            "school": school.id,
            "invite": accounts.issue_token(people["invitee"], accounts.INVITE, timedelta(days=1), None),
            "reset": accounts.issue_token(people["learner"], accounts.RESET, timedelta(days=1), None),
            "module": MODULE,
            "section": SECTION,
            "scenario": SCENARIO,
        }
        database.session.remove()
    return World(app, people, ids)


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)
