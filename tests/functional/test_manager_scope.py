"""A manager sees the learners of their own units and nobody else's, in the list and in the export.

Who may use each route at all is the authorization matrix (tests/security/routes.py)."""

import pytest

from course.database import utcnow
from course.models import CourseCompletion, Role
from tests import factories
from tests.fixtures.app import Web

pytestmark = pytest.mark.database


@pytest.fixture
def world(app, make_user, org_unit, db):
    trust = org_unit("Trust", "organisation")
    school = org_unit("School", "site", trust)
    ward = org_unit("Ward", "site", trust)
    people = {
        "admin": make_user("admin@example.org", role=Role.ADMIN, unit=trust),
        "manager": make_user("manager@example.org", role=Role.MANAGER, unit=school),
        "other_manager": make_user("other@example.org", role=Role.MANAGER, unit=ward),
        "learner": make_user("learner@example.org", unit=school),
    }
    completion = CourseCompletion(
        user_id=people["learner"].id,
        cycle=1,
        course_version="t",
        completed_at=utcnow(),
        expires_on=factories.today(),
        scores={},
        cpd_minutes=1,
        certificate_code="TEST-CODE-0001",
    )
    db.add(completion)
    db.commit()
    return {"learner": people["learner"].id, "record": completion.id}


def test_other_manager_sees_nothing_of_the_other_unit(app, world):
    web = Web(app.test_client())
    web.login("other@example.org")
    listing = web.get("/admin/learners").get_data(as_text=True)
    assert "learner@example.org" not in listing
    export = web.get("/admin/completions.csv").get_data(as_text=True)
    assert "learner@example.org" not in export


def test_manager_sees_own_unit(app, world):
    web = Web(app.test_client())
    web.login("manager@example.org")
    assert "learner@example.org" in web.get("/admin/learners").get_data(as_text=True)
    assert "learner@example.org" in web.get("/admin/completions.csv").get_data(as_text=True)
