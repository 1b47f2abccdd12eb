"""The length limit and the strength check agree: the strength library judges at most 72 characters, so
a longer password never reaches it whole and never breaks a page. Tried at 64, 72, 73, 128 and 129
characters on every page that sets a password, and on `create-admin`."""

import hashlib

import pytest

from course.accounts import services
from course.accounts.passwords import MAX_LENGTH, STRENGTH_CHECKED, password_problem
from tests.factories import PASSWORD
from tests.fixtures.app import Web

LENGTHS = (64, 72, 73, 128, 129)


def strong(length):
    """A password of `length` characters that no dictionary or pattern holds."""
    text = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(5))
    return text[:length]


def accepted(length):
    return length <= MAX_LENGTH


def test_the_rule_itself_at_each_length():
    assert STRENGTH_CHECKED == 72
    for length in LENGTHS:
        problem = password_problem(strong(length))
        assert (problem is None) == accepted(length), (length, problem)
    assert "at most 128" in password_problem(strong(129))


def test_a_weak_start_is_still_refused_beyond_72_characters():
    assert "less common" in password_problem("a" * 100)


@pytest.mark.parametrize("length", LENGTHS)
def test_change_password_at_each_length(web, make_user, length):
    make_user("long@example.org")
    web.login("long@example.org")
    new = strong(length)
    response = web.submit("/account/password", {"current": PASSWORD, "password": new, "confirm": new})
    if accepted(length):
        assert response.status_code == 302
        web.logout()
        assert web.login("long@example.org", new).status_code == 302
    else:
        assert response.status_code == 200 and "Use at most 128 characters." in response.get_data(
            as_text=True
        )


@pytest.mark.parametrize("purpose", [services.INVITE, services.RESET])
@pytest.mark.parametrize("length", LENGTHS)
def test_invitation_and_reset_at_each_length(app, make_user, length, purpose):
    from datetime import timedelta

    user = make_user(
        f"{purpose}{length}@example.org", password=None if purpose == services.INVITE else PASSWORD
    )
    with app.test_request_context():
        token = services.issue_token(user, purpose, timedelta(hours=1), issued_by=None)
    prefix, form = ("/invitation", "/invitation") if purpose == services.INVITE else ("/reset", "/reset")
    web = Web(app.test_client())
    assert web.get(f"{prefix}/{token}").status_code == 303
    new = strong(length)
    response = web.submit(form, {"password": new, "confirm": new})
    if accepted(length):
        assert response.status_code == 302
    else:
        assert response.status_code == 200 and "Use at most 128 characters." in response.get_data(
            as_text=True
        )


@pytest.mark.parametrize("length", LENGTHS)
def test_create_admin_at_each_length(runner, web, length):
    email = f"lead{length}@example.org"
    new = strong(length)
    result = runner.invoke(args=["create-admin", "--email", email, "--name", "Lee Lead", "--password", new])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if accepted(length):
        assert result.exit_code == 0, result.output
        assert web.login(email, new).status_code == 302
    else:
        assert result.exit_code == 2 and "Use at most 128 characters." in result.output
