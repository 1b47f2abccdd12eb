"""The course as an LTI 1.3 tool, launched from a real platform (lti1p3platform on 127.0.0.1): who gets
in, every refusal explained with nothing changed, deep linking, and scores sent back through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.database import utcnow
from course.lti import services
from course.models import (
    AuditEvent,
    JobRole,
    LtiLink,
    LtiRegistration,
    OutboxMessage,
    Role,
    User,
)
from course.outbox.services import deliver
from tests.fixtures.lti import register
from tests.partners.lti_platform import path_of


def count(db, model):
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def users(db):
    db.expire_all()
    return list(db.scalars(select(User).order_by(User.id)))


@pytest.mark.database
def test_a_first_launch_signs_a_new_learner_in_and_shows_the_course(lms, db, lti_platform):
    lti_platform.people["alice"] = {"name": "Alice Nurse", "email": "alice@trust.example.org"}
    response = lms.launch("alice", custom={"job_role": "nurse"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    page = lms.follow(response)
    assert page.status_code == 200
    assert f"frame-ancestors {lti_platform.issuer}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert (
        "Before you start" in page.get_data(as_text=True) or "course" in page.get_data(as_text=True).lower()
    )
    [alice] = users(db)
    assert (alice.email, alice.name, alice.role, alice.job_role) == (
        "alice@trust.example.org",
        "Alice Nurse",
        Role.LEARNER,
        JobRole.NURSE,
    )
    link = db.scalar(select(LtiLink))
    assert (link.subject, link.user_id) == ("alice", alice.id)
    assert db.get(LtiRegistration, link.registration_id).last_launch_at is not None


def test_the_course_home_shows_after_launch(lms, web, db):
    page = lms.follow(lms.launch("alice", custom={"job_role": "teacher"}))
    assert page.status_code == 200
    web.submit("/content-note", {})
    home = web.get("/")
    assert home.status_code == 200 and "module" in home.get_data(as_text=True).lower()


def test_a_second_launch_reuses_the_account(lms, db, lti_platform):
    lms.launch("alice", custom={"job_role": "nurse"})
    lms.client.post("/sign-out")  # a new browser session
    lms.client.delete_cookie("session", domain="localhost")
    again = lms.launch("alice", link="link-2")
    assert again.status_code == 302
    assert len(users(db)) == 1 and count(db, LtiLink) == 1


def test_a_first_launch_matches_an_existing_learner_by_email(lms, db, lti_platform, make_user):
    existing = make_user("bea@trust.example.org", job_role=JobRole.TEACHER)
    lti_platform.people["bea"] = {"email": "BEA@trust.example.org", "name": "Bea"}
    lms.follow(lms.launch("bea"))
    assert [u.id for u in users(db)] == [existing.id]
    assert db.scalar(select(LtiLink)).user_id == existing.id


def test_an_email_of_a_staff_account_is_refused(lms, db, lti_platform, make_user):
    make_user("lead@trust.example.org", role=Role.ADMIN)
    lti_platform.people["lead"] = {"email": "lead@trust.example.org"}
    page = lms.launch("lead")
    assert page.status_code == 403 and "Sign in to this site directly" in page.get_data(as_text=True)
    assert count(db, LtiLink) == 0


def test_without_email_a_new_learner_joins_the_registrations_unit_and_is_asked_the_job_role_once(
    lms, db, org_unit, web
):
    ward = org_unit("Ward 9")
    registration = db.scalar(select(LtiRegistration))
    registration.unit_id = ward.id
    db.commit()
    started = lms.launch("noemail")
    page = lms.get(path_of(started.headers["Location"]))
    assert page.status_code == 302 and "/lti/job-role" in page.headers["Location"]
    form = lms.get(path_of(page.headers["Location"]))
    assert "Your job role" in form.get_data(as_text=True)
    [person] = users(db)
    assert person.unit_id == ward.id and person.email.endswith("@lms.invalid") and person.role == Role.LEARNER
    refused = web.submit(path_of(page.headers["Location"]), {})
    assert refused.status_code == 422
    answered = web.submit(path_of(page.headers["Location"]), {"job_role": "school_nurse"})
    assert answered.status_code == 302
    assert users(db)[0].job_role == JobRole.SCHOOL_NURSE
    assert web.get("/lti/job-role").status_code == 404  # asked once


def test_platform_roles_give_no_admin_rights(lms, db, web):
    lms.follow(lms.launch("tina", teacher=True, custom={"job_role": "teacher"}))
    assert users(db)[0].role == Role.LEARNER
    assert web.get("/lti/registrations").status_code == 403


@pytest.mark.parametrize(
    ("hint", "title"),
    [
        ({"tamper": True}, "This launch could not be trusted"),
        ({"expires_in": -600}, "This launch has expired"),
        ({"aud": "another-tool"}, "This launch was meant for another tool"),
    ],
    ids=["tampered", "expired", "wrong-audience"],
)
def test_a_bad_token_is_refused_with_a_clear_page_and_no_account_change(lms, db, hint, title):
    page = lms.launch("mallory", **hint)
    assert page.status_code == 403
    assert title in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers or "Partitioned" not in page.headers["Set-Cookie"]
    assert users(db) == [] and count(db, LtiLink) == 0
    assert lms.get("/").status_code == 302  # not signed in


@pytest.mark.database
def test_a_replayed_token_is_refused(lms, db):
    form = lms.id_token("alice", custom={"job_role": "nurse"})
    assert lms.post("/lti/launch", data=form).status_code == 302
    lms.client.delete_cookie("session", domain="localhost")
    replay = lms.post("/lti/launch", data=form)
    assert replay.status_code == 403 and "This launch was already used" in replay.get_data(as_text=True)
    assert len(users(db)) == 1 and count(db, LtiLink) == 1
    assert "lti.replayed" in [e.action for e in db.scalars(select(AuditEvent))]


def test_a_token_with_another_state_is_refused(lms, db):
    first, second = lms.id_token("alice"), lms.id_token("alice")
    crossed = lms.post("/lti/launch", data={"id_token": first["id_token"], "state": second["state"]})
    assert crossed.status_code == 403 and "already used" in crossed.get_data(as_text=True)
    unknown = lms.post("/lti/launch", data={"id_token": first["id_token"], "state": "nothing"})
    assert unknown.status_code == 403 and "could not be checked" in unknown.get_data(as_text=True)
    assert users(db) == []


def test_an_unregistered_platform_cannot_start_a_login(lms):
    page = lms.get(
        "/lti/login?iss=https://unknown.example.org&login_hint=x&target_link_uri=https://localhost/lti/launch"
    )
    assert page.status_code == 403 and "not registered" in page.get_data(as_text=True)
    assert lms.get("/lti/login").status_code == 403


def test_a_switched_off_registration_refuses_launches(lms, db):
    db.scalar(select(LtiRegistration)).active = False
    db.commit()
    started = lms.get(path_of(lms.platform.login_url("alice")))
    assert started.status_code == 403


def test_deep_linking_returns_a_signed_response_the_platform_accepts(lms, lti_platform):
    import requests

    page = lms.launch("tina", deep=True, teacher=True)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Add the training to your LMS course" in text and 'value="warning-signs"' in text
    assert f"frame-ancestors {lti_platform.issuer}" in page.headers["Content-Security-Policy"]
    context = text.split('name="context" type="hidden" value="')[1].split('"')[0]
    missing = lms.post("/lti/deep-link", data={"context": context})
    assert missing.status_code == 422
    chosen = lms.post("/lti/deep-link", data={"context": context, "choice": "warning-signs"})
    assert chosen.status_code == 200
    assert f"form-action 'self' {lti_platform.issuer}" in chosen.headers["Content-Security-Policy"]
    body = chosen.get_data(as_text=True)
    jwt = body.split('name="JWT" value="')[1].split('"')[0]
    answer = requests.post(f"{lti_platform.issuer}/deep-link-return", data={"JWT": jwt}, timeout=10)
    assert answer.status_code == 200, answer.text
    [items] = lti_platform.deep_links
    assert items[0]["type"] == "ltiResourceLink"
    assert items[0]["url"] == "https://localhost/lti/launch"
    assert items[0]["custom"] == {"module": "warning-signs"}
    assert items[0]["lineItem"]["scoreMaximum"] == 100


def test_a_forged_deep_linking_context_is_refused(lms):
    page = lms.post("/lti/deep-link", data={"context": "forged", "choice": "course"})
    assert page.status_code == 403


def test_a_learner_cannot_deep_link(lms):
    page = lms.launch("alice", deep=True, teacher=False)
    assert page.status_code == 403 and "Only LMS teachers" in page.get_data(as_text=True)


@pytest.mark.database
def test_completing_the_course_sends_the_score_the_platform_records(app, lms, web, db, lti_platform):
    from tests.fixtures.quiz import complete_course

    lms.follow(lms.launch("alice", custom={"job_role": "teacher"}))
    web.submit("/content-note", {})
    complete_course(web, app, "teacher")
    [message] = db.scalars(select(OutboxMessage).where(OutboxMessage.topic == "lti.score")).all()
    assert deliver(topic="lti.score").delivered == 1
    [score] = lti_platform.scores
    assert score["lineitem"] == "link-1" and score["query"] == "type=lti"
    assert (score["userId"], score["scoreGiven"], score["scoreMaximum"]) == ("alice", 100, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    assert lti_platform.tokens_given == 1
    assert message.id


def test_passing_the_linked_modules_quiz_sends_its_score(app, lms, web, db, lti_platform):
    from tests.fixtures.quiz import take_quiz

    lms.follow(lms.launch("alice", link="ws", custom={"job_role": "teacher", "module": "warning-signs"}))
    web.submit("/content-note", {})
    take_quiz(web, app, "understanding")  # another module: nothing for this link
    assert deliver(topic="lti.score").delivered == 0
    take_quiz(web, app, "warning-signs")
    assert deliver(topic="lti.score").delivered == 1
    assert [s["lineitem"] for s in lti_platform.scores] == ["ws"]


@pytest.mark.database
def test_a_platform_that_is_down_gets_the_score_later_from_the_outbox(app, lms, web, db, lti_platform):
    from tests.fixtures.quiz import take_quiz

    lms.follow(lms.launch("alice", link="ws", custom={"job_role": "teacher", "module": "warning-signs"}))
    web.submit("/content-note", {})
    lti_platform.down = True
    take_quiz(web, app, "warning-signs")
    first = deliver(topic="lti.score")
    assert first.retrying == 1 and "503" in first.problems[0]
    assert lti_platform.scores == []
    db.expire_all()
    waiting = db.scalar(select(OutboxMessage).where(OutboxMessage.topic == "lti.score"))
    assert waiting.delivered_at is None and "503" in waiting.last_error
    lti_platform.down = False
    assert deliver(topic="lti.score").delivered == 0  # not due yet
    assert deliver(topic="lti.score", now=utcnow() + timedelta(minutes=2)).delivered == 1
    assert len(lti_platform.scores) == 1


def test_the_frame_fallback_opens_the_course_in_a_new_window(lms, db, app):
    started = lms.launch("alice", custom={"job_role": "nurse"})
    where = path_of(started.headers["Location"])
    lms.client.delete_cookie("session", domain="localhost")  # the frame kept no cookie
    page = lms.get(where)
    assert page.status_code == 200 and "Open the course in a new window" in page.get_data(as_text=True)
    assert f"frame-ancestors {lms.platform.issuer}" in page.headers["Content-Security-Policy"]
    open_url = page.get_data(as_text=True).split('href="/lti/open')[1].split('"')[0].replace("&amp;", "&")
    open_url = "/lti/open" + open_url
    opened = lms.get(open_url)
    assert opened.status_code == 302
    assert "Partitioned" not in opened.headers["Set-Cookie"]  # a first-party window: the usual cookie
    lms.client.delete_cookie("session", domain="localhost")
    again = lms.get(open_url)
    assert again.status_code == 403  # the link works once


def test_the_strict_frame_policy_stays_everywhere_else(client):
    page = client.get("/sign-in")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_the_tool_key_set_rotates_and_keeps_the_old_key_for_a_grace_period(app, client):
    first = client.get("/lti/jwks").get_json()["keys"]
    assert len(first) == 1 and first[0]["kty"] == "RSA" and "d" not in first[0]
    with app.app_context():
        services.rotate_key()
    after = client.get("/lti/jwks").get_json()["keys"]
    assert [k["kid"] for k in after][1:] == [first[0]["kid"]] and len(after) == 2


@pytest.mark.database
def test_the_admin_page_registers_and_lists_platforms(app, make_user, web, db):
    make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    fields = {
        "issuer": "https://moodle.example.org",
        "client_id": "abc",
        "deployment_id": "1",
        "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
        "keyset_url": "https://moodle.example.org/mod/lti/certs.php",
        "unit": "0",
    }
    assert web.submit("/lti/registrations", fields).status_code == 302
    again = web.submit("/lti/registrations", fields)
    assert again.status_code == 422 and "registered already" in again.get_data(as_text=True)
    bad = web.submit("/lti/registrations", {**fields, "deployment_id": "2", "keyset_url": "not a url"})
    assert bad.status_code == 422
    page = web.get("/lti/registrations").get_data(as_text=True)
    assert "https://moodle.example.org" in page and "Never" in page and "/lti/jwks" in page
    registration = db.scalar(select(LtiRegistration))
    web.submit("/lti/registrations", {}, action=f"/lti/registrations/{registration.id}/switch")
    db.expire_all()
    assert db.get(LtiRegistration, registration.id).active is False


def test_the_register_command_adds_a_deployment(runner, db, org_unit):
    org_unit("Ward 7")
    args = [
        "lti",
        "register",
        "--issuer",
        "https://canvas.instructure.com",
        "--client-id",
        "100",
        "--deployment-id",
        "d:1",
        "--auth-login-url",
        "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--auth-token-url",
        "https://sso.canvaslms.com/login/oauth2/token",
        "--keyset-url",
        "https://sso.canvaslms.com/api/lti/security/jwks",
        "--unit",
        "Ward 7",
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=args).exit_code != 0  # the same deployment twice
    assert runner.invoke(args=[*args[:7], "d:2", *args[8:-1], "Nowhere"]).exit_code != 0
    assert runner.invoke(args=[*args[:7], "d:2", *args[8:]]).exit_code == 0
    assert count(db, LtiRegistration) == 2
    assert "now signs with key" in runner.invoke(args=["lti", "rotate-key"]).output


def test_a_renewal_posts_the_score_again(app, lms, web, db, lti_platform, org_settings):
    from course.models import CourseCompletion, QuizAttempt
    from tests.fixtures.quiz import complete_course

    lms.follow(lms.launch("alice", custom={"job_role": "teacher"}))
    web.submit("/content-note", {})
    complete_course(web, app, "teacher")
    assert deliver(topic="lti.score").delivered == 1
    # Records are never edited: a window longer than the record's life puts today inside it.
    org_settings(expiring_window_days=400)
    for attempt in db.scalars(select(QuizAttempt)):
        attempt.submitted_at = utcnow() - timedelta(days=60)
    db.commit()
    complete_course(web, app, "teacher", read=False)
    assert count(db, CourseCompletion) == 2
    assert deliver(topic="lti.score").delivered == 1
    assert len(lti_platform.scores) == 2


def test_waiting_scores_are_visible_to_the_administrator(app, lms, web, db, lti_platform, make_user):
    from tests.fixtures.quiz import take_quiz

    lms.follow(lms.launch("alice", link="ws", custom={"job_role": "teacher", "module": "warning-signs"}))
    web.submit("/content-note", {})
    take_quiz(web, app, "warning-signs")
    lti_platform.down = True
    deliver(topic="lti.score")
    web.logout()
    make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    page = web.get("/admin/outbox").get_data(as_text=True)
    assert "lti.score" in page and "503" in page


def test_a_platform_that_rotated_its_key_is_still_trusted(lms, db, lti_platform):
    assert lms.launch("alice", custom={"job_role": "nurse"}).status_code == 302  # its keys are kept now
    lti_platform.rotate_key()
    lms.client.delete_cookie("session", domain="localhost")
    assert lms.launch("bob", custom={"job_role": "nurse"}).status_code == 302  # fetched again
    assert len(users(db)) == 2


@pytest.mark.database
def test_simultaneous_posts_of_one_launch_sign_in_once(app, db, live_server):
    """The nonce's single use holds across processes and threads: it is a conditional update."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from tests.partners.lti_platform import Platform, read_launch_form

    platform = Platform(tool_base=live_server).start()
    try:
        register(app, platform)
        started = requests.get(platform.login_url("alice"), allow_redirects=False, timeout=10)
        answer = requests.get(started.headers["Location"], timeout=10)
        form = read_launch_form(answer.text)
        data = {"id_token": form["id_token"], "state": form["state"]}

        def post(_):
            return requests.post(form["launch_url"], data=data, allow_redirects=False, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = sorted(pool.map(post, range(8)))
    finally:
        platform.stop()
    assert statuses == [302] + [403] * 7
    assert len(users(db)) == 1 and count(db, LtiLink) == 1
