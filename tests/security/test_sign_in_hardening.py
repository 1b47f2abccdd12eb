"""Sign-in hardening beyond tests/functional/test_sign_in.py: one answer for every failure, in the same
time; a failure count that simultaneous guesses cannot get around; a throttle that changing email does not."""

import re
import statistics
import time
from urllib.parse import urlencode

from sqlalchemy import select

from course.auth.routes import SIGN_IN_FAILED
from course.extensions import db as database
from course.models import SignInFailure, User
from tests.factories import PASSWORD
from tests.fixtures.app import Web
from tests.security import figures
from tests.security.conftest import token
from tests.security.live import all_at_once

GUESSERS = 30


def page_without(response, email):
    """The page, less what rightly differs: the CSRF token, and the email typed, shown back in its box."""
    page = re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", response.get_data(as_text=True))
    return page.replace(email, "EMAIL")


def sign_in(app, email, password):
    client = app.test_client()
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token(client)})


def test_unknown_email_wrong_password_inactive_and_slowed_accounts_get_the_same_page(app, make_user):
    app.config["SIGN_IN_FREE_FAILURES"] = 2
    make_user("known@example.org")
    make_user("left@example.org", active=False)
    make_user("locked@example.org")
    for _ in range(2):
        sign_in(app, "locked@example.org", "not the password at all")
    tries = {
        "unknown email": ("nobody@example.org", "not the password at all"),
        "wrong password": ("known@example.org", "not the password at all"),
        "inactive account": ("left@example.org", PASSWORD),
        "slowed account, right password": ("locked@example.org", PASSWORD),
    }
    pages = {}
    for what, (email, password) in tries.items():
        response = sign_in(app, email, password)
        pages[what] = (response.status_code, page_without(response, email))
    assert len(set(pages.values())) == 1, "the pages differ"
    assert SIGN_IN_FAILED in pages["unknown email"][1]


def test_unknown_and_known_emails_take_the_same_time(app, make_user):
    make_user("known@example.org")

    def seconds(email):
        started = time.perf_counter()
        assert sign_in(app, email, "not the password at all").status_code == 200
        return time.perf_counter() - started

    seconds("nobody@example.org"), seconds("known@example.org")  # warm up: connections, statements
    timed: dict[str, list[float]] = {"nobody@example.org": [], "known@example.org": []}
    for _ in range(4):  # interleaved, so that the machine's load falls on both alike (10 tries: the limit)
        for email, times in timed.items():
            times.append(seconds(email))
    unknown, known = (statistics.median(times) for times in timed.values())
    assert 0.5 < unknown / known < 2, (unknown, known)  # both check a password hash; no shortcut
    figures.note("sign-in time, unknown vs known email", f"{unknown * 1000:.0f} ms vs {known * 1000:.0f} ms")


def test_simultaneous_wrong_guesses_are_each_counted(app, live_server, make_user, db):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # many guessers at once from one address
    app.config["SIGN_IN_FREE_FAILURES"] = GUESSERS  # no wait yet: every guess reaches the count
    target = make_user("target@example.org")
    requests = []
    for n in range(GUESSERS):
        web = Web(app.test_client())
        body = urlencode(
            {"email": "target@example.org", "password": f"guess {n} xx", "csrf_token": token(web.client)}
        )
        requests.append(("/sign-in", body, f"session={web.client.get_cookie('session').value}"))
    answers, _seconds = all_at_once(live_server, requests)
    assert [answer and answer[0] for answer in answers] == [200] * GUESSERS
    db.remove()
    counted = db.scalar(select(SignInFailure.failures).where(SignInFailure.user_id == target.id))
    assert counted == GUESSERS, f"{GUESSERS} wrong guesses at once, {counted} counted"
    # The address that guessed now waits, even with the right password.
    app.config["SIGN_IN_FREE_FAILURES"] = 1
    Web(app.test_client()).login("target@example.org", "one more wrong guess")
    assert SIGN_IN_FAILED in Web(app.test_client()).login("target@example.org").get_data(as_text=True)
    figures.note("simultaneous wrong guesses", f"{GUESSERS} at once -> {counted} counted, that address waits")


def test_the_throttle_counts_every_email_from_one_address(app, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    statuses = [
        sign_in(app, f"person{n}@example.org", "not the password at all").status_code for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_a_cookie_from_before_sign_in_is_not_signed_in_afterwards(app, make_user):
    make_user("rotate@example.org")
    web = Web(app.test_client())
    web.get("/sign-in")
    before = web.client.get_cookie("session").value
    web.login("rotate@example.org")
    assert web.client.get_cookie("session").value != before
    replay = app.test_client()
    replay.set_cookie("session", before)
    assert replay.get("/").status_code == 302
    with app.app_context():
        assert database.session.query(User).filter_by(email="rotate@example.org").one().last_login_at
        database.session.remove()
