"""Every admin route, for every kind of visitor: the expected answer, and nothing more."""

import pytest

from course.database import utcnow
from course.models import CourseCompletion, Role
from tests.fixtures.app import Web

ADMIN_ONLY, STAFF = "admin", "staff"
# endpoint -> (who may use it, method, path template); {learner} is a learner in the manager's unit.
ROUTES = {
    "admin.dashboard": (STAFF, "GET", "/admin/"),
    "admin.learners": (STAFF, "GET", "/admin/learners"),
    "admin.learner": (STAFF, "GET", "/admin/learners/{learner}"),
    "admin.export_completions": (STAFF, "GET", "/admin/completions.csv"),
    "admin.reminders": (STAFF, "GET", "/admin/reminders"),
    "admin.send": (STAFF, "POST", "/admin/reminders"),
    "admin.learning_gain": (STAFF, "GET", "/admin/learning-gain"),
    "admin.people": (ADMIN_ONLY, "GET", "/admin/people"),
    "admin.add_person": (ADMIN_ONLY, "POST", "/admin/people"),
    "admin.edit_person": (ADMIN_ONLY, "GET", "/admin/people/{learner}/edit"),
    "admin.reset_link": (ADMIN_ONLY, "POST", "/admin/people/{learner}/reset-link"),
    "admin.assignments": (ADMIN_ONLY, "GET", "/admin/assignments"),
    "admin.delete_assignment": (ADMIN_ONLY, "POST", "/admin/assignments/999999/delete"),
    "admin.settings": (ADMIN_ONLY, "GET", "/admin/settings"),
    "admin.item_analysis": (ADMIN_ONLY, "GET", "/admin/quizzes"),
    "admin.audit": (ADMIN_ONLY, "GET", "/admin/audit"),
    "admin.audit_csv": (ADMIN_ONLY, "GET", "/admin/audit.csv"),
    "admin.import_people": (ADMIN_ONLY, "GET", "/admin/import"),
    "admin.confirm_import": (ADMIN_ONLY, "POST", "/admin/import/confirm"),
    "admin.revoke": (ADMIN_ONLY, "POST", "/admin/records/{record}/revoke"),
}
ALLOWED = {200, 302, 400, 404, 422}  # a permitted visitor gets the page, a redirect or a form error


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
        expires_on=utcnow().date(),
        scores={},
        cpd_minutes=1,
        certificate_code="TEST-CODE-0001",
    )
    db.add(completion)
    db.commit()
    return {"learner": people["learner"].id, "record": completion.id}


def test_every_admin_route_has_an_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert endpoints == set(ROUTES), "add new admin routes to ROUTES with who may use them"


def request(web, method, path):
    if method == "GET":
        return web.get(path)
    return web.submit("/", {"reason": "x"}, action=path)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
@pytest.mark.parametrize("visitor", ["anonymous", "learner", "other_manager", "manager", "admin"])
def test_route_answers_each_visitor_as_expected(app, world, endpoint, visitor):
    who, method, template = ROUTES[endpoint]
    path = template.format(**world)
    web = Web(app.test_client())
    if visitor == "anonymous":
        response = web.get(path) if method == "GET" else web.client.post(path)
        assert response.status_code in (302, 400), "anonymous visitors are sent to sign in (or refused)"
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/sign-in")
        return
    web.login(f"{visitor.replace('other_manager', 'other')}@example.org")
    response = request(web, method, path)
    if visitor == "learner" or (who == ADMIN_ONLY and visitor != "admin"):
        assert response.status_code == 403
    elif visitor == "other_manager" and "{learner}" in template:
        assert response.status_code == 404  # outside their unit: as if it did not exist
    else:
        assert response.status_code in ALLOWED, response.status_code


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
