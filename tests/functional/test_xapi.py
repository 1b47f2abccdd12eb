"""xAPI statements against a real LRS (ralph): written with the fact, delivered from the outbox,
waiting while the LRS is down, and a rejected statement reported rather than retried for ever."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from course.database import utcnow
from course.extensions import db
from course.models import OutboxMessage
from course.outbox.services import deliver, enqueue
from course.xapi.services import TOPIC, send_best_effort
from tests.fixtures.lrs import PASSWORD, USER
from tests.fixtures.quiz import complete_course, take_quiz

EMAIL = "learner@example.org"


@pytest.fixture
def app_config(lrs):
    return {
        "XAPI_ENDPOINT": lrs.endpoint,
        "XAPI_USERNAME": USER,
        "XAPI_PASSWORD": PASSWORD,
        "PUBLIC_BASE_URL": "https://training.example.org",
    }


def _waiting(app):
    with app.app_context():
        return (
            db.session.query(OutboxMessage).filter_by(topic=TOPIC, delivered_at=None, refused_at=None).count()
        )


def _verbs(statements):
    return [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]


@pytest.mark.database
def test_a_quiz_pass_and_the_course_completion_reach_the_lrs_for_that_learner(app, web, make_user, lrs):
    make_user(EMAIL, job_role="teacher")
    web.login(EMAIL)
    complete_course(web, app, "teacher")
    with app.app_context():
        deliver(topic=TOPIC)  # whatever the after-request tries left
    found = lrs.statements(agent=f'{{"mbox": "mailto:{EMAIL}"}}', limit="1000")
    verbs = _verbs(found)
    assert {"initialized", "experienced", "answered", "passed", "completed"} <= set(verbs)
    passed = next(s for s in found if s["verb"]["id"].endswith("/passed"))
    assert passed["object"]["id"].startswith("https://training.example.org/xapi/activities/modules/")
    assert passed["object"]["id"].endswith("/quiz")
    assert passed["result"]["success"] is True and 0 < passed["result"]["score"]["scaled"] <= 1
    completed = next(s for s in found if s["verb"]["id"].endswith("/completed"))
    assert completed["object"]["id"] == "https://training.example.org/xapi/activities/course"
    assert _waiting(app) == 0
    other = lrs.statements(agent='{"mbox": "mailto:someone-else@example.org"}')
    assert other == []


@pytest.mark.database
def test_statements_wait_while_the_lrs_is_down_and_arrive_once_it_is_back(app, web, make_user, lrs):
    make_user(EMAIL, job_role="teacher")
    lrs.stop()
    web.login(EMAIL)
    take_quiz(web, app, "understanding")
    waiting = _waiting(app)
    assert waiting > 0
    send_best_effort(app)  # what runs after a request that wrote statements, once its answer has gone
    assert _waiting(app) == waiting  # nothing is lost
    with app.app_context():  # and it stopped at the first failure: one try, not one per statement
        assert db.session.query(OutboxMessage).filter(OutboxMessage.attempts > 0).count() == 1
    with app.app_context():
        assert deliver(topic=TOPIC).delivered == 0  # not due yet: the back-off holds them
    lrs.start()
    with app.app_context():
        report = deliver(topic=TOPIC, now=utcnow() + timedelta(hours=2))
    assert report.delivered == waiting and report.refused == 0
    assert "passed" in _verbs(lrs.statements(agent=f'{{"mbox": "mailto:{EMAIL}"}}', limit="1000"))


def test_a_request_that_wrote_statements_sends_them_once_its_answer_has_gone(
    app, client, web, make_user, lrs
):
    make_user(EMAIL, job_role="teacher")
    web.login(EMAIL)
    section = app.extensions["course"].module("understanding").sections_for("teacher")[0]
    response = client.get(f"/modules/understanding/{section.id}")
    assert _waiting(app) > 0  # written, not sent while the page was being answered
    response.close()  # the server closes the answer once it has gone
    assert _waiting(app) == 0
    assert "experienced" in _verbs(lrs.statements(agent=f'{{"mbox": "mailto:{EMAIL}"}}'))


def test_a_statement_sent_twice_counts_as_sent(app, web, make_user, lrs):
    make_user(EMAIL, job_role="teacher")
    web.login(EMAIL)
    take_quiz(web, app, "understanding")
    with app.app_context():
        deliver(topic=TOPIC)
        message = db.session.query(OutboxMessage).filter_by(topic=TOPIC).first()
        message.delivered_at, message.next_attempt_at = None, utcnow()  # its answer lost, as it were
        db.session.commit()
        report = deliver(topic=TOPIC)
    assert report.delivered == 1 and report.refused == 0


def test_a_statement_the_lrs_rejects_is_refused_not_retried_for_ever(app, lrs):
    with app.app_context():
        # No object: ralph answers 422 (some other malformations make it answer 500, which is retried).
        malformed = {
            "id": str(uuid.uuid4()),
            "actor": {"mbox": "mailto:a@example.org"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
        }
        enqueue(TOPIC, malformed)
        db.session.commit()
        report = deliver(topic=TOPIC)
        assert report.refused == 1 and "rejected" in report.problems[0]
        assert deliver(topic=TOPIC, now=utcnow() + timedelta(days=30)).refused == 0  # never tried again


def test_without_settings_no_statement_is_written(app, web, make_user):
    app.config["XAPI_ENDPOINT"] = ""
    make_user(EMAIL, job_role="teacher")
    web.login(EMAIL)
    take_quiz(web, app, "understanding")
    assert _waiting(app) == 0
