"""Hostile input to the account forms: sign-in (and where it sends you next), and setting a password from a link."""

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urljoin, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.accounts import services as accounts
from course.accounts.passwords import password_problem
from course.auth.routes import SIGN_IN_FAILED
from course.extensions import db
from course.twofactor import pending, rules
from course.validation import single_line_problem
from tests.authenticator import secret_for
from tests.factories import PASSWORD
from tests.security.conftest import token
from tests.security.strategies import assert_shown_escaped, counted, emails, nul_refused, texts

pytestmark = pytest.mark.database

OFFSITE = [
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "https://evil.example",
    "\\\\evil.example",
]


def no_limits(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000000 per minute"
    app.config["SIGN_IN_FREE_FAILURES"] = 1_000_000


@given(email=st.one_of(emails(), st.just("learner@example.org")), password=texts(200))
def test_sign_in_with_any_input_fails_safely(world, email, password):
    no_limits(world.app)
    client = world.client("anonymous")
    response = client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token(client)}
    )
    counted("sign-in", response.status_code)
    if nul_refused(response, email, password):
        return
    assert response.status_code == 200  # never signed in, never an error
    page = response.get_data(as_text=True)
    expected = (SIGN_IN_FAILED, "Enter your", "Field cannot be longer", "invisible control characters")
    assert any(message in page for message in expected)
    assert_shown_escaped(page, email, password)


def browser_target(location):
    """Where a browser goes for a Location header: it drops tabs and newlines and reads \\ as /."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").strip("\x00\x01\x02 ").replace("\\", "/")
    return urlsplit(urljoin("http://localhost/sign-in", cleaned))


@given(target=st.one_of(texts(100), st.sampled_from(OFFSITE), st.builds("/{}".format, texts(50))))
def test_sign_in_never_sends_you_off_the_site(world, target):
    no_limits(world.app)
    client = world.client("anonymous")
    data = {"email": "learner@example.org", "password": PASSWORD, "csrf_token": token(client)}
    response = client.post(f"/sign-in?next={quote(target, safe='')}", data=data)
    counted("sign-in next address", response.status_code)
    if nul_refused(response, target):
        return
    assert response.status_code == 302
    where = browser_target(response.headers["Location"])
    assert (where.scheme, where.netloc) == ("http", "localhost"), response.headers["Location"]


@given(password=texts(150), confirm=texts(150), same=st.booleans())
def test_setting_a_password_from_a_link_with_any_input(world, password, confirm, same):
    no_limits(world.app)
    confirm = password if same else confirm
    with world.app.app_context():
        invitee = db.session.merge(world.people["invitee"])
        link = accounts.issue_token(invitee, accounts.INVITE, timedelta(days=1), None)
        db.session.remove()
    client = world.client("anonymous")
    client.get(f"/invitation/{link}")  # swaps the token for a session value
    data = {"password": password, "confirm": confirm, "csrf_token": token(client)}
    response = client.post("/invitation", data=data)
    counted("invitation: set a password", response.status_code)
    if nul_refused(response, password, confirm):
        return
    acceptable = password == confirm and (
        single_line_problem(password)
        or password_problem(password, personal=("invitee@example.org", "Invitee"))
    )
    assert response.status_code == (302 if password and acceptable is None else 200)
    assert_shown_escaped(response.get_data(as_text=True), password, confirm)


def waiting_for_a_code(world):
    """An anonymous client whose password step for the administrator is done: the code is asked next."""
    client = world.client("anonymous")
    admin = world.people["admin"]
    with client.session_transaction() as session:
        session[pending.MARKER] = {
            "user": admin.id,
            "version": admin.session_version,
            "remember": False,
            "next": None,
            "at": int(time.time()),
            "enrolled_now": False,
        }
    return client


@given(code=st.one_of(texts(80), st.text(alphabet="0123456789 -", max_size=12)), recovery=st.booleans())
def test_the_second_factor_pages_with_any_input_fail_safely(world, code, recovery):
    no_limits(world.app)
    client = waiting_for_a_code(world)
    path = "/sign-in/recovery-code" if recovery else "/sign-in/code"
    response = client.post(path, data={"code": code, "csrf_token": token(client)})
    counted("second factor: code", response.status_code)
    if nul_refused(response, code):
        return
    if response.status_code == 302:  # a generated six digits may, once in a million, be the right code
        step = rules.step_at(datetime.now(UTC))
        secret = secret_for(world.people["admin"].email)
        typed = code.replace(" ", "").replace("-", "")
        assert not recovery and typed in {rules.code_at_step(secret, step + d) for d in (-1, 0, 1, 2)}
        return
    assert response.status_code == 422  # never signed in by a guess, never an error
    page = response.get_data(as_text=True)
    expected = (
        "The code has 6 digits",
        "Enter the 6-digit",
        "not right",
        "recovery code",
        "control characters",
    )
    assert any(message in page for message in expected)
    assert_shown_escaped(page, code)
