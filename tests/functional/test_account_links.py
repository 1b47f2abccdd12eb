from datetime import timedelta

import pytest

from course.accounts import services
from course.database import utcnow
from course.models import AccountToken, Role
from tests import factories
from tests.factories import PASSWORD

NEW_PASSWORD = "lantern pebble orchard violin"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def admin(make_user, web):
    user = make_user("admin@example.org", role=Role.ADMIN, name="Ada Admin")
    web.login("admin@example.org")
    return user


def invite(web, **person):
    data = {
        "name": "Nia Newcomer",
        "email": "nia@example.org",
        "job_role": "nurse",
        "role": "learner",
        **person,
    }
    response = web.submit("/admin/people", data)
    page = text(response)
    start = page.index("http://localhost/invitation/")
    return response, page[start : page.index("<", start)]


@pytest.mark.database
def test_admin_invites_and_the_person_sets_a_password_once(app, admin, web, db):
    org_unit_id = None  # no units yet: the form needs one

    unit = factories.unit("Ward 1", "department")
    db.commit()
    org_unit_id = unit.id
    response, link = invite(web, unit=org_unit_id)
    assert response.status_code == 200 and "Invitation link created" in text(response)
    web.logout()

    newcomer = app.test_client()
    path = link.removeprefix("http://localhost")
    page = newcomer.get(path, follow_redirects=True)
    assert page.status_code == 200 and "Set up your account" in text(page)
    assert page.request.path == "/invitation"  # the token is out of the address bar at once
    from tests.fixtures.app import csrf_token

    token = csrf_token(page)
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": token}
    done = newcomer.post("/invitation", data=data)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "Hello Nia Newcomer" in text(newcomer.get("/"))

    again = app.test_client().get(path)
    assert again.status_code == 410 and "already been used" in text(again)
    assert web.login("nia@example.org", NEW_PASSWORD).status_code == 302


def test_invitation_form_errors_say_what_to_fix(admin, web, org_unit):
    unit = org_unit()
    response = web.submit(
        "/admin/people",
        {"name": "", "email": "not-an-email", "job_role": "nurse", "role": "learner", "unit": unit.id},
    )
    assert response.status_code == 422
    page = text(response)
    assert "Enter the person&#39;s full name." in page
    assert "Enter an email address in the right format" in page


def test_invitation_for_a_taken_email_is_refused(admin, web, org_unit):
    unit = org_unit()
    response = web.submit(
        "/admin/people",
        {
            "name": "Ada Again",
            "email": "ADMIN@example.org",
            "job_role": "nurse",
            "role": "learner",
            "unit": unit.id,
        },
    )
    assert response.status_code == 422
    assert "already exists" in text(response)


def make_token(app, user, purpose=services.INVITE, hours=24):
    with app.test_request_context():
        return services.issue_token(user, purpose, timedelta(hours=hours), issued_by=None)


def test_expired_link_says_so(app, client, make_user, db):
    user = make_user("late@example.org", password=None)
    token = make_token(app, user)
    db.query(AccountToken).update({"expires_at": utcnow() - timedelta(minutes=1)})
    db.commit()
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410 and "expired" in text(response)


def test_unknown_link_says_so(client):
    response = client.get("/invitation/not-a-real-token")
    assert response.status_code == 410 and "not valid" in text(response)


def test_invite_link_is_not_a_reset_link(app, client, make_user):
    user = make_user("purpose@example.org", password=None)
    token = make_token(app, user, services.INVITE)
    assert client.get(f"/reset/{token}").status_code == 410


def test_mismatched_and_weak_passwords_are_explained(app, web, make_user):
    user = make_user("weak@example.org", password=None)
    web.get(f"/invitation/{make_token(app, user)}")
    path = "/invitation"
    mismatch = web.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The two passwords do not match" in text(mismatch)
    weak = web.submit(path, {"password": "password1234", "confirm": "password1234"})
    assert "Choose a less common password" in text(weak)
    short = web.submit(path, {"password": "short", "confirm": "short"})
    assert "Use at least 12 characters" in text(short)


@pytest.mark.database
def test_a_new_link_replaces_the_old_one(app, client, make_user):
    user = make_user("twice@example.org")
    first = make_token(app, user, services.RESET)
    second = make_token(app, user, services.RESET)
    assert client.get(f"/reset/{first}").status_code == 410
    assert client.get(f"/reset/{second}").status_code == 303


@pytest.mark.database
def test_only_the_hash_of_a_token_is_stored(app, make_user, db):
    user = make_user("hash@example.org")
    token = make_token(app, user)
    stored = db.query(AccountToken).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64


def test_admin_reset_link_sets_a_new_password_and_ends_sessions(app, admin, web, make_user):
    learner = make_user("forgot@example.org")
    signed_in = app.test_client()
    from tests.fixtures.app import Web

    Web(signed_in).login("forgot@example.org")
    response = web.submit("/admin/people", {}, action=f"/admin/people/{learner.id}/reset-link")
    page = text(response)
    assert response.status_code == 200 and "Password reset link for" in page
    start = page.index("http://localhost/reset/")
    path = page[start : page.index("<", start)].removeprefix("http://localhost")
    resetter = Web(app.test_client())
    resetter.get(path)
    done = resetter.submit("/reset", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert signed_in.get("/").status_code == 302  # the old session ended
    assert Web(app.test_client()).login("forgot@example.org", NEW_PASSWORD).status_code == 302
    assert Web(app.test_client()).login("forgot@example.org", PASSWORD).status_code == 200


def test_people_pages_are_for_admins_only(web, make_user, client):
    assert client.get("/admin/people").status_code == 302
    make_user("learner@example.org")
    web.login("learner@example.org")
    assert web.get("/admin/people").status_code == 403
    learner = make_user("other@example.org", role=Role.MANAGER)
    web.logout()
    web.login("other@example.org")
    assert web.get("/admin/people").status_code == 403
    assert web.submit("/", {}, action=f"/admin/people/{learner.id}/reset-link").status_code == 403


class TestChangePassword:
    def test_wrong_current_password(self, web, make_user):
        make_user("change@example.org")
        web.login("change@example.org")
        response = web.submit(
            "/account/password",
            {"current": "nope nope nope", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
        assert "Your current password is not right." in text(response)

    def test_change_keeps_this_session_and_ends_others(self, app, web, make_user):
        make_user("change@example.org")
        web.login("change@example.org")
        from tests.fixtures.app import Web

        other = Web(app.test_client())
        other.login("change@example.org")
        response = web.submit(
            "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert web.get("/").status_code == 200
        assert other.get("/").status_code == 302


def test_the_link_is_swapped_for_a_short_lived_session_value(app, client, make_user):
    user = make_user("swap@example.org", password=None)
    token = make_token(app, user)
    opened = client.get(f"/invitation/{token}")
    assert opened.status_code == 303 and opened.headers["Location"] == "/invitation"
    assert token not in opened.headers["Location"]
    with client.session_transaction() as session:
        held = session["account_link"]
        assert token not in str(held) and held["purpose"] == services.INVITE
        session["account_link"] = {**held, "until": utcnow().timestamp() - 1}  # as if 15 minutes passed
    late = client.get("/invitation")
    assert late.status_code == 410 and "timed out" in text(late)


def test_the_form_without_its_link_says_what_to_do(client):
    for path in ("/invitation", "/reset"):
        response = client.get(path)
        assert response.status_code == 410 and "Open the link from your message again" in text(response)


def test_an_invitation_held_in_the_session_does_not_open_the_reset_form(app, client, make_user):
    user = make_user("purpose2@example.org", password=None)
    client.get(f"/invitation/{make_token(app, user)}")
    assert client.get("/reset").status_code == 410
