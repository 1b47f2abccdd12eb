"""Several gunicorn workers on one database (the suite's: PostgreSQL when TEST_DATABASE_URL is set).

Sessions, sign-in throttling and quiz submission must hold whichever worker process answers. The app is
served with three workers for the few seconds these tests take; requests go on fresh connections,
several at once, so that more than one worker answers; the access log names the worker of each request.
"""

import http.client
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bench.server import free_port, wait_until_up
from course.models import AttemptAnswer, JobRole, QuizAttempt, SignInFailure
from tests.factories import PASSWORD
from tests.fixtures.quiz import answers_for

pytestmark = pytest.mark.database

WORKERS = 3
LIMIT = 3  # sign-in attempts a minute per address, counted by each worker (memory storage)
FREE_FAILURES = 3
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Live:
    port: int
    access_log: Path

    def workers_seen(self, method: str, path: str) -> set[str]:
        """The worker processes that answered `method path` so far."""
        lines = self.access_log.read_text().splitlines()
        return {line.split()[0] for line in lines if line.split()[1:3] == [method, path]}


@pytest.fixture(scope="module")
def live(database_url, tmp_path_factory) -> Iterator[Live]:
    port, log = free_port(), tmp_path_factory.mktemp("gunicorn") / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": f"{LIMIT} per minute",
        "SIGN_IN_FREE_FAILURES": str(FREE_FAILURES),
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    command += ["--no-control-socket", "--access-logfile", str(log)]
    command += ["--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "course:create_app()"]
    server = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server, seconds=90)  # a loaded machine starts slowly
        yield Live(port, log)
    finally:
        server.terminate()
        server.wait(timeout=30)


class Visitor:
    """One person's browser: a session cookie, and a new connection for every request.

    Each test's visitor comes from its own loopback address, so sign-in throttling (counted per
    address) in one test does not spill into another."""

    def __init__(self, live: Live, address: str) -> None:
        self.port, self.address, self.cookie = live.port, address, ""

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            if cookie.startswith("session="):
                self.cookie = cookie.split(";")[0]
        connection.close()
        return response.status, response.headers.get("Location", ""), text

    def token(self, path: str) -> str:
        match = CSRF.search(self.send("GET", path)[2])
        assert match, f"{path} has no CSRF token"
        return match.group(1)

    def sign_in(self, email: str, password: str = PASSWORD) -> tuple[int, str, str]:
        token = self.token("/sign-in")
        return self.send("POST", "/sign-in", {"email": email, "password": password, "csrf_token": token})


def at_once(count: int, call) -> list:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


def until_two_workers(live: Live, method: str, path: str, call, rounds: int = 20) -> list:
    """Bursts of 12 requests until at least two workers have answered (which one accepts is up to the OS)."""
    results: list = []
    for _ in range(rounds):
        results += at_once(12, call)
        if len(live.workers_seen(method, path)) >= 2:
            break
    return results


def test_a_session_from_one_worker_is_honoured_by_every_worker(live, make_user):
    make_user("many@example.org")
    visitor = Visitor(live, "127.0.0.2")
    assert visitor.sign_in("many@example.org")[:2] == (302, "/")
    pages = until_two_workers(
        live, "GET", "/modules/understanding", lambda: visitor.send("GET", "/modules/understanding")
    )
    assert all(status == 200 and "Sign in" not in body for status, _, body in pages)
    assert len(live.workers_seen("GET", "/modules/understanding")) >= 2


def test_every_worker_throttles_sign_in(app, live):
    visitor = Visitor(live, "127.0.0.3")
    token = visitor.token("/sign-in")
    form = {"email": "nobody@example.org", "password": "not the password at all", "csrf_token": token}
    statuses = at_once(15, lambda: visitor.send("POST", "/sign-in", form)[0])
    answered = statuses.count(200)
    # Memory storage counts per worker: no worker lets more than LIMIT through, so together at most
    # WORKERS x LIMIT. A shared Redis (RATELIMIT_STORAGE_URI) makes it LIMIT for all of them.
    assert LIMIT <= answered <= WORKERS * LIMIT
    assert statuses.count(429) == 15 - answered


def test_failed_sign_ins_on_any_worker_slow_that_address_down(live, make_user, db):
    user = make_user("paused@example.org")
    visitor = Visitor(live, "127.0.0.4")
    for _ in range(FREE_FAILURES):
        assert visitor.sign_in("paused@example.org", "a wrong password for sure")[0] == 200
    status, location, _ = visitor.sign_in("paused@example.org")
    assert (status, location) != (302, "/")
    db.remove()
    assert db.scalar(select(SignInFailure.failures).where(SignInFailure.user_id == user.id)) == FREE_FAILURES


def test_a_quiz_sent_to_several_workers_at_once_is_graded_once(app, live, make_user, db):
    user = make_user("quiz@example.org", job_role=JobRole.NURSE)
    visitor = Visitor(live, "127.0.0.5")
    visitor.sign_in("quiz@example.org")
    token = visitor.token("/modules/understanding/quiz")
    status, location, _ = visitor.send("POST", "/modules/understanding/quiz", {"csrf_token": token})
    assert status == 302
    attempt = db.get(QuizAttempt, int(location.rsplit("/", 1)[1]))
    form = {**answers_for(app, attempt), "csrf_token": visitor.token(location)}
    results = at_once(12, lambda: visitor.send("POST", location, form)[:2])
    results += until_two_workers(live, "POST", location, lambda: visitor.send("POST", location, form)[:2])
    assert set(results) == {(302, f"{location}/result")}
    assert len(live.workers_seen("POST", location)) >= 2
    db.expire_all()
    graded = db.get(QuizAttempt, attempt.id)
    assert graded.submitted_at is not None and graded.score == 100 and graded.user_id == user.id
    answers = db.query(AttemptAnswer).filter_by(attempt_id=attempt.id).count()
    assert answers == len(attempt.draw)
    assert "100%" in visitor.send("GET", f"{location}/result")[2]
