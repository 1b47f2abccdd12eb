"""Every learner and staff page runs the same number of SQL statements at 10 and at 1,000 learners:
nothing loops over learners, rows or records with a query each."""

import pytest

from bench.generate import ADMIN_EMAIL, MANAGER_EMAIL, learner_email
from course.models import JobRole, QuizAttempt, User
from tests.fixtures.quiz import take_quiz
from tests.perf.conftest import statements

pytestmark = pytest.mark.database

LEARNER_PAGES = (
    "/",
    "/modules/understanding",
    "/modules/understanding/what-self-harm-is",
    "/modules/understanding/quiz",
    "/records",
)
STAFF_PAGES = (
    "/admin/",
    "/admin/learners",
    "/admin/learners?job_role=teacher&status=Overdue&sort=due",
    "/admin/learning-gain",
    "/admin/reminders",
    "/admin/completions.csv",
)
ADMIN_PAGES = (
    *STAFF_PAGES,
    "/admin/quizzes?module=understanding",
    "/admin/people",
    "/admin/invitations",
)


def counts(app, web, pages):
    """Statements per page, from a second request (the first may warm caches)."""
    found = {}
    for page in pages:
        web.get(page)
        with statements(app) as seen:
            response = web.get(page)
            body = response.get_data()  # a streamed page runs its queries while it is read
        assert response.status_code == 200, f"{page} answered {response.status_code}"
        assert body
        found[page] = len(seen)
    return found


@pytest.fixture
def learner(app, make_user, web):
    """A learner partway through: sections read, one quiz passed and one failed."""
    user = make_user("steady@example.org", job_role=JobRole.TEACHER)
    web.login("steady@example.org")
    for section in ("what-self-harm-is", "why-people-self-harm"):
        web.get(f"/modules/understanding/{section}")
    take_quiz(web, app, "understanding")
    take_quiz(web, app, "warning-signs", right=1)
    return user


def test_learner_pages_run_as_many_statements_at_1000_learners_as_at_10(
    app, organisation, learner, grow, web, db
):
    grow(10)
    attempt = db.query(QuizAttempt).filter_by(user_id=learner.id, module_id="understanding").one()
    pages = (*LEARNER_PAGES, f"/quiz/attempts/{attempt.id}/result")
    at_10 = counts(app, web, pages)
    grow(1000)
    assert counts(app, web, pages) == at_10


def test_admin_pages_run_as_many_statements_at_1000_learners_as_at_10(app, grow, web, db):
    web.login(ADMIN_EMAIL)
    grow(10)
    some_learner = f"/admin/learners/{db.query(User).filter_by(email=learner_email(0)).one().id}"
    at_10 = counts(app, web, (*ADMIN_PAGES, some_learner))
    grow(1000)
    assert counts(app, web, (*ADMIN_PAGES, some_learner)) == at_10


def test_manager_pages_run_as_many_statements_at_1000_learners_as_at_10(app, grow, web):
    web.login(MANAGER_EMAIL)
    grow(10)
    at_10 = counts(app, web, STAFF_PAGES)
    grow(1000)
    assert counts(app, web, STAFF_PAGES) == at_10


def test_the_home_page_asks_about_follow_up_checks_only_when_the_summary_says_one_may_be_due(
    app, make_user, web
):
    """The learner summary on the user row tells the home page that no record, so no follow-up check,
    is due; with a record old enough, one statement finds the check (see test_follow_ups for answers)."""
    make_user("fresh@example.org", job_role=JobRole.NURSE)
    web.login("fresh@example.org")
    web.get("/")
    with statements(app) as seen:
        assert web.get("/").status_code == 200
    assert not [s for s, _ in seen if "follow_ups" in s]
