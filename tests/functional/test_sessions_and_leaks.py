"""Sessions end on the server's clock (idle and absolute limits); nothing personal is cached; single-line
fields refuse control characters with one clear message; exports of personal data are audited."""

import time

import pytest
from sqlalchemy import select

from course.accounts.rules import idle_limit, session_end_reason
from course.accounts.sessions import SEEN_AT, SIGNED_IN_AT
from course.models import AuditEvent, Role
from course.validation import CONTROL_CHARACTERS, has_control_characters
from tests import factories


def text(response):
    return response.get_data(as_text=True)


def age(client, *, signed_in_ago=0, seen_ago=0):
    """Move this session's clocks back, as if time had passed."""
    now = int(time.time())
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = now - signed_in_ago
        session[SEEN_AT] = now - seen_ago


@pytest.mark.parametrize(("role", "idle_minutes"), [(Role.LEARNER, 60), (Role.MANAGER, 30), (Role.ADMIN, 30)])
def test_a_session_ends_after_the_idle_limit_for_the_role(web, make_user, role, idle_minutes):
    make_user("idle@example.org", role=role)
    web.login("idle@example.org")
    age(web.client, seen_ago=idle_minutes * 60 - 5)
    assert web.get("/").status_code == 200  # just inside: and the visit counts as activity
    age(web.client, seen_ago=idle_minutes * 60)
    response = web.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    page = text(web.get("/sign-in"))
    assert f"signed out after {idle_minutes} minutes without activity" in page
    assert web.get("/").status_code == 302  # over for good, not just for one request


def test_a_session_ends_after_the_absolute_limit_however_active(web, make_user):
    make_user("busy@example.org")
    web.login("busy@example.org")
    age(web.client, signed_in_ago=12 * 3600 - 5, seen_ago=1)
    assert web.get("/").status_code == 200
    age(web.client, signed_in_ago=12 * 3600, seen_ago=1)
    assert web.get("/").status_code == 302
    assert "signed in more than 12 hours ago" in text(web.get("/sign-in"))


def test_limits_come_from_the_settings(app, web, make_user):
    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_IDLE_MINUTES_STAFF=2, SESSION_MAX_HOURS=1)
    make_user("set@example.org")
    web.login("set@example.org")
    age(web.client, seen_ago=5 * 60)
    assert web.get("/").status_code == 302


def test_a_session_without_the_servers_clocks_is_not_accepted(client, make_user):
    user = make_user("forged@example.org")
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user.get_id(), True
    assert client.get("/").status_code == 302


def test_the_rules_at_their_boundaries():
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    hour, minute = timedelta(hours=1), timedelta(minutes=1)
    assert idle_limit("admin", everyone=hour, staff=30 * minute) == 30 * minute
    assert idle_limit("learner", everyone=hour, staff=30 * minute) == hour
    limits = {"idle": hour, "absolute": 12 * hour}
    assert session_end_reason(signed_in=now - 12 * hour + minute, seen=now, now=now, **limits) is None
    assert session_end_reason(signed_in=now - 12 * hour, seen=now, now=now, **limits) is not None
    assert session_end_reason(signed_in=now, seen=now - hour + minute, now=now, **limits) is None
    assert session_end_reason(signed_in=now, seen=now - hour, now=now, **limits) is not None


def test_personal_answers_are_never_cached(app, web, make_user, db):
    learner = make_user("me@example.org", role=Role.ADMIN)
    record = factories.completion(learner, expires_in_days=300)
    db.add(record)
    db.commit()
    web.login("me@example.org")
    for url in (
        "/",
        "/records",
        "/records/my-records.csv",
        f"/records/{record.id}/certificate.pdf",
        "/admin/completions.csv",
        "/admin/audit.csv",
        "/admin/learning-gain/follow-up.csv",
        f"/admin/learners/{learner.id}",
        "/healthz",
    ):
        response = web.get(url)
        response.get_data()  # a streamed file is read to its end, as a browser would
        response.close()
        assert response.status_code == 200, url
        assert "no-store" in response.headers["Cache-Control"], url
    assert "no-store" not in web.get("/static/site.css").headers.get("Cache-Control", "")


@pytest.mark.database
def test_exports_of_personal_data_are_audited(web, make_user, db):
    learner = make_user("me@example.org", role=Role.ADMIN)
    record = factories.completion(learner, expires_in_days=300)
    db.add(record)
    db.commit()
    web.login("me@example.org")
    for url in ("/records/my-records.csv", f"/records/{record.id}/certificate.pdf", "/admin/completions.csv"):
        web.get(url).close()
    db.remove()
    files = [
        e.details["file"]
        for e in db.scalars(select(AuditEvent).where(AuditEvent.action == "personal_data.exported"))
    ]
    assert files[0] == "my-records.csv" or files[0].endswith(".csv")
    assert len(files) == 3 and any(name.endswith(".pdf") for name in files)


@pytest.mark.parametrize("character", ["\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\u2028"])
def test_a_name_with_a_control_character_is_refused_with_a_clear_message(web, make_user, org_unit, character):
    unit = org_unit()
    make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    data = {
        "name": f"Nia{character}Subject: spoofed",
        "email": "nia@example.org",
        "job_role": "nurse",
        "role": "learner",
        "unit": unit.id,
    }
    response = web.submit("/admin/people", data)
    assert response.status_code == 422
    assert "cannot contain line breaks, tabs or other invisible control characters" in text(response)


def test_the_edit_form_and_a_search_box_refuse_them_too(web, make_user):
    admin = make_user("admin@example.org", role=Role.ADMIN, name="Ada Admin")
    web.login("admin@example.org")
    edit = web.submit(
        f"/admin/people/{admin.id}/edit",
        {
            "name": "Ada\r\nBcc: everyone",
            "email": "admin@example.org",
            "job_role": "other",
            "role": "admin",
            "active": "y",
        },
    )
    assert edit.status_code == 422 and CONTROL_CHARACTERS in text(edit).replace("&#39;", "'")


def test_the_import_refuses_a_name_on_two_lines():
    from course.imports.rules import BadCell, parse_name

    with pytest.raises(BadCell, match="control character"):
        parse_name("Nia\nNewcomer")
    assert parse_name("Nia Newcomer") == "Nia Newcomer"


def test_create_admin_refuses_a_name_on_two_lines(runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "a@example.org",
            "--name",
            "A\nB",
            "--password",
            "saffron glacier tandem quill",
        ]
    )
    assert result.exit_code == 2 and "control characters" in result.output


def test_what_counts_as_a_control_character():
    assert not has_control_characters("Zoë Ωμέγα-O'Brien 王小明 (she/her)")
    assert all(has_control_characters(f"a{c}b") for c in "\x00\x01\n\r\t\x1b\x7f\x85\x9f\u2028\u2029")


def sign_in_remembered(web, email):
    token_page = web.get("/sign-in")
    from tests.fixtures.app import csrf_token

    data = {
        "email": email,
        "password": factories.PASSWORD,
        "remember": "y",
        "csrf_token": csrf_token(token_page),
    }
    return web.client.post("/sign-in", data=data)


def test_remember_me_only_when_chosen(web, make_user):
    make_user("plain@example.org")
    response = web.login("plain@example.org")
    assert not any("remember_device=" in c for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.database
def test_a_remembered_device_starts_new_sessions_for_30_days(app, web, make_user):
    make_user("mine@example.org")
    response = sign_in_remembered(web, "mine@example.org")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_device="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = web.client.get_cookie("remember_device").expires
    assert 29 * 86400 < expires.timestamp() - time.time() <= 30 * 86400
    device = web.client.get_cookie("remember_device").value
    later = app.test_client()  # the browser was closed: only the device's cookie is left
    later.set_cookie("remember_device", device)
    assert later.get("/").status_code == 200
    age(later, seen_ago=61 * 60)  # idle past the limit: the device is remembered, a new session begins
    assert later.get("/").status_code == 200


@pytest.mark.database
def test_signing_out_revokes_the_remembered_device(app, web, make_user):
    make_user("mine@example.org")
    sign_in_remembered(web, "mine@example.org")
    device = web.client.get_cookie("remember_device").value
    web.logout()
    later = app.test_client()
    later.set_cookie("remember_device", device)
    assert later.get("/").status_code == 302


def test_a_forged_remember_cookie_does_not_keep_a_stolen_session_alive(web, make_user):
    make_user("victim@example.org")
    web.login("victim@example.org")
    web.client.set_cookie("remember_device", "1:1|forged")
    age(web.client, seen_ago=61 * 60)
    assert web.get("/").status_code == 302
