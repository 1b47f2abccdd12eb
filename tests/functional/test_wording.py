"""Wording that agrees with itself: error titles, plurals, record states, progress after a withdrawal."""

import re
from datetime import timedelta

import pytest

from course.database import utcnow
from course.formatting import minutes
from course.models import CourseCompletion, JobRole, Revocation, Role
from course.progress.status import RecordState, record_state
from tests.factories import completion
from tests.fixtures.quiz import complete_course


def text(response):
    return response.get_data(as_text=True)


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", text(response), re.S).group(1).strip()


@pytest.mark.parametrize(("value", "words"), [(0, "0 minutes"), (1, "1 minute"), (2, "2 minutes")])
def test_minutes_agree_with_their_number(value, words):
    assert minutes(value) == words


def test_record_state_is_one_rule():
    today = utcnow().date()
    assert record_state(expires_on=today + timedelta(days=1), revoked=False, today=today) == RecordState.VALID
    assert (
        record_state(expires_on=today, revoked=False, today=today) == RecordState.EXPIRED
    )  # its last day has gone
    assert (
        record_state(expires_on=today + timedelta(days=9), revoked=True, today=today) == RecordState.WITHDRAWN
    )


@pytest.mark.parametrize(("path", "code"), [("/missing", 404), ("/admin/", 403)])
def test_error_pages_say_error_first_in_their_title(make_user, web, path, code):
    make_user("learner@example.org")
    web.login("learner@example.org")
    response = web.get(path)
    assert response.status_code == code and title(response).startswith("Error: ")


def test_learner_and_admin_see_the_same_state_for_a_record(make_user, web, db):
    learner = make_user("learner@example.org", name="Lee")
    make_user("admin@example.org", role=Role.ADMIN)
    db.add(completion(learner, expires_in_days=100))
    db.commit()
    web.login("learner@example.org")
    assert '<span class="status status-completed">Valid</span>' in text(web.get("/records"))
    web.logout()
    web.login("admin@example.org")
    page = text(web.get(f"/admin/learners/{learner.id}"))
    assert '<span class="status status-completed">Valid</span>' in page and "Recorded" not in page


def test_a_withdrawn_record_leaves_no_module_complete_until_its_quiz_is_passed_again(app, make_user, web, db):
    make_user("learner@example.org", job_role=JobRole.TEACHER)
    web.login("learner@example.org")
    complete_course(web, app, "teacher")
    (record,) = db.query(CourseCompletion).all()
    db.add(Revocation(completion_id=record.id, reason="issued in error"))  # the same day as the passes
    db.commit()
    page = text(web.get("/"))
    course = app.extensions["course"]
    modules = course.modules_for("teacher")
    without_quiz = sum(m.id not in course.banks for m in modules)  # read again, they stay complete
    assert "In progress" in page and f"{without_quiz} of {len(modules)} modules completed" in page
    assert "(100%)" not in page


class TestDateFieldsFromTheAddress:
    @pytest.fixture
    def admin(self, make_user, web):
        make_user("admin@example.org", role=Role.ADMIN)
        web.login("admin@example.org")

    @pytest.mark.parametrize(
        ("given", "shown"),
        [
            ("2026-02-03", "2026-02-03"),
            ("2026-13-45", ""),
            ("03/02/2026", ""),
            ('"><script>alert(1)</script>', ""),
            ("", ""),
        ],
    )
    def test_date_inputs_hold_a_valid_date_or_nothing(self, admin, web, given, shown):
        for path, name in (("/admin/audit", "since"), ("/admin/learners", "due_before")):
            page = text(web.get(path, query_string={name: given}))
            (value,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
            assert re.search(r'type="date"', value)
            assert f'value="{shown}"' in value, (path, value)
