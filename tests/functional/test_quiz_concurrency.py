"""Twenty simultaneous submissions of one attempt, through a real HTTP server: scored exactly once."""

import http.client
import threading
from urllib.parse import urlencode, urlsplit

import pytest

from course.models import AttemptAnswer, JobRole, QuizAttempt
from tests.fixtures.app import Web, csrf_token
from tests.fixtures.quiz import answers_for

pytestmark = pytest.mark.database

SUBMITTERS = 20


def post(base_url, path, body, cookie):
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request(
        "POST",
        path,
        body=body,
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    status = connection.getresponse().status
    connection.close()
    return status


def test_concurrent_submissions_score_exactly_once(app, live_server, make_user, db):
    make_user("race@example.org", job_role=JobRole.NURSE)
    web = Web(app.test_client())
    web.login("race@example.org")
    started = web.submit("/modules/referring/quiz", {})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    token = csrf_token(web.get(f"/quiz/attempts/{attempt_id}"))
    cookie = f"session={web.client.get_cookie('session').value}"
    attempt = db.get(QuizAttempt, attempt_id)
    # Each submitter answers a different number of questions right, so a second scoring would show.
    bodies = [
        urlencode(
            {**answers_for(app, attempt, right=n % (len(attempt.draw) + 1)), "csrf_token": token}, doseq=True
        )
        for n in range(SUBMITTERS)
    ]
    statuses = []
    gate = threading.Barrier(SUBMITTERS)

    def submit(body):
        gate.wait()
        statuses.append(post(live_server, f"/quiz/attempts/{attempt_id}", body, cookie))

    threads = [threading.Thread(target=submit, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [302] * SUBMITTERS  # every submitter is sent to the one result
    db.expire_all()
    stored = db.get(QuizAttempt, attempt_id)
    assert stored.submitted_at is not None
    answers = db.query(AttemptAnswer).filter_by(attempt_id=attempt_id).all()
    assert len(answers) == len(attempt.draw)
    assert stored.correct_count == sum(a.correct for a in answers)
    assert db.query(QuizAttempt).count() == 1
