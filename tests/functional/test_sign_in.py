import pytest
from argon2 import PasswordHasher

from course.accounts.passwords import needs_rehash, verify_password
from course.auth.routes import SIGN_IN_FAILED
from tests.factories import PASSWORD
from tests.fixtures.app import csrf_token


def text(response):
    return response.get_data(as_text=True)


def test_sign_in_page_has_labelled_fields_and_a_token(client):
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert '<label for="email">Email address</label>' in text(page)
    assert csrf_token(page)


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_sign_in_with_right_password_goes_home(web, make_user):
    make_user("Teacher@Example.org", name="Taylor")
    response = web.login("teacher@example.ORG ")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Hello Taylor" in text(web.get("/"))


def test_wrong_password_and_unknown_email_get_the_same_answer(web, make_user):
    make_user("known@example.org")
    wrong = web.login("known@example.org", "not the right password")
    unknown = web.login("nobody@example.org", "not the right password")
    assert wrong.status_code == unknown.status_code == 200
    assert SIGN_IN_FAILED in text(wrong) and SIGN_IN_FAILED in text(unknown)


def test_empty_fields_say_what_to_fill(web):
    page = text(web.login("", ""))
    assert "Enter your email address." in page and "Enter your password." in page


def test_inactive_account_cannot_sign_in(web, make_user):
    make_user("left@example.org", active=False)
    assert SIGN_IN_FAILED in text(web.login("left@example.org"))


def test_sign_in_is_throttled_with_a_clear_message(app, web, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        web.login("someone@example.org", "wrong password here")
    response = web.login("someone@example.org", "wrong password here")
    assert response.status_code == 429
    assert "Too many attempts" in text(response)


def test_missing_csrf_token_is_refused_with_a_message(client, make_user):
    make_user("csrf@example.org")
    response = client.post("/sign-in", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in text(response)


def test_safe_next_redirect_is_followed(web, make_user):
    make_user("next@example.org")
    response = web.submit("/sign-in?next=/support", {"email": "next@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/support"


def test_offsite_next_redirect_is_ignored(web, make_user):
    make_user("evil@example.org")
    response = web.submit(
        "/sign-in?next=//evil.example/x", {"email": "evil@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_session_is_rotated_at_sign_in(web, make_user, client):
    make_user("rotate@example.org")
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    web.login("rotate@example.org")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session


def test_sign_out_ends_the_session_everywhere(app, web, make_user):
    make_user("out@example.org")
    web.login("out@example.org")
    other = app.test_client()  # a copied cookie, as if stolen or on another device
    other.set_cookie("session", web.client.get_cookie("session").value)
    assert other.get("/").status_code == 200
    response = web.logout()
    assert response.headers["Location"] == "/sign-in"
    assert web.get("/").status_code == 302
    assert other.get("/").status_code == 302


@pytest.mark.database
def test_last_sign_in_is_recorded(web, make_user, reload):
    user = make_user("when@example.org")
    web.login("when@example.org")
    user = reload(user)
    assert user.last_login_at is not None


@pytest.mark.database
def test_a_hash_with_older_parameters_is_upgraded_at_sign_in(web, make_user, db, reload):
    user = make_user("old@example.org")
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash(PASSWORD)
    user.password_hash = old
    db.commit()
    assert web.login("old@example.org").status_code == 302
    upgraded = reload(user).password_hash
    assert upgraded != old and not needs_rehash(upgraded) and verify_password(upgraded, PASSWORD)


def test_oversized_request_gets_a_clear_413(client):
    response = client.post("/sign-in", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in text(response)


def test_error_pages_are_in_the_site_style(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in text(response) and "Need support now?" in text(response)


def test_security_headers_are_set(client):
    headers = client.get("/sign-in").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_user_ids_in_old_format_do_not_load(client, make_user, app):
    user = make_user("old@example.org")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert client.get("/").status_code == 302


@pytest.mark.database
def test_email_is_unique_whatever_the_case(make_user):
    make_user("Same@Example.org")
    try:
        make_user("same@example.ORG")
    except ValueError as error:
        assert "already exists" in str(error)
    else:
        raise AssertionError("a second account with the same email was created")


def test_behind_a_trusted_proxy_the_client_address_and_https_are_used(database_url):
    from course import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "TRUSTED_PROXIES": 1})
    client = app.test_client()
    secure = client.get("/sign-in", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]
    # The verification page allows 30 requests a minute per client address.
    spread = [
        client.get("/verify/X", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(40)
    ]
    assert 429 not in spread
    same = [
        client.get("/verify/X", headers={"X-Forwarded-For": "198.51.100.7"}).status_code for _ in range(31)
    ]
    assert same[-1] == 429
    app.extensions["database"].engine.dispose()
