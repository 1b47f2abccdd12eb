"""Two-step verification: after the right password, managers and administrators (and everyone, when the
organisation says so) give a code from their authenticator app, or a recovery code, before any session
starts; they set the app up at their first sign-in. Codes are refused when wrong, replayed or out of the
one-step window; wrong codes slow the address like wrong passwords; an administrator's reset is audited."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.accounts.services import FailurePolicy
from course.database import utcnow
from course.models import (
    AuditEvent,
    OrgSettings,
    OutboxMessage,
    RecoveryCode,
    Role,
    SecondFactor,
    SignInFailure,
    User,
)
from course.twofactor import pending, rules
from course.twofactor import services as second_factor
from tests import authenticator
from tests.factories import PASSWORD, SETTINGS_FORM
from tests.fixtures.app import Web, csrf_token

pytestmark = pytest.mark.database

ADDRESS = "203.0.113.7"


def text(response):
    return response.get_data(as_text=True)


def password_step(web, email, password=PASSWORD, next_url=None, remember=False):
    """Only the password: the answer leads to the second step (or not)."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return web.submit(f"/sign-in?next={next_url}" if next_url else "/sign-in", data)


def send_code(web, code, page="/sign-in/code"):
    return web.submit(page, {"code": code})


def signed_in(web):
    return web.get("/").status_code == 200


def events(db, action):
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def factor(db, user):
    db.expire_all()
    return db.scalar(select(SecondFactor).where(SecondFactor.user_id == user.id))


def code_at(email, step):
    return rules.code_at_step(authenticator.secret_for(email), step)


@pytest.fixture
def frozen(monkeypatch):
    """The server's clock for codes, held at a moment 15 s into a time step (no step boundary can fall
    between reading a code and sending it)."""
    moment = utcnow().replace(microsecond=0)
    moment -= timedelta(seconds=moment.second % 30) - timedelta(seconds=15)
    monkeypatch.setattr(second_factor, "utcnow", lambda: moment)
    return moment


@pytest.fixture
def admin(make_user):
    return make_user("admin@example.org", name="Ada Admin", role=Role.ADMIN)


# Enrolment at the first sign-in.


def test_a_new_organisations_first_administrator_sets_up_the_app_at_first_sign_in(app, runner, web, db):
    result = runner.invoke(
        args=["create-admin", "--email", "lead@example.org", "--name", "Lee Lead", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    db.add(OrgSettings(id=1, org_name="Northfield Trust"))
    db.commit()
    response = password_step(web, "lead@example.org", remember=True)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/set-up"
    assert web.get("/").status_code == 302  # no session yet: the password alone is not enough

    page = web.get("/sign-in/set-up")
    html = text(page)
    assert "Set up two-step verification" in html
    assert '<svg role="img" aria-label="QR code for your authenticator app"' in html
    assert "Northfield Trust: lead@example.org" in html  # the text alternative names the account
    secret = authenticator.secret_on_page(html)
    assert re.search(r'<code class="secret" id="secret">(\w{4} ){7}\w{4}</code>', html)
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert web.get("/sign-in/set-up").get_data(as_text=True).count(rules.grouped(secret)) == 1  # same key

    wrong = send_code(
        web, "000000" if authenticator.first_code(secret) != "000000" else "111111", "/sign-in/set-up"
    )
    assert wrong.status_code == 422 and rules.CODE_WRONG in text(wrong)
    assert db.scalar(select(func.count()).select_from(SecondFactor)) == 0  # nothing saved yet

    codes_page = send_code(web, authenticator.first_code(secret), "/sign-in/set-up")
    assert codes_page.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", text(codes_page))
    assert len(codes) == 10 == len(set(codes))
    assert "They are shown only now" in text(codes_page)
    assert web.get("/").status_code == 302  # still none until the codes are saved
    user = db.scalar(select(User).where(User.email == "lead@example.org"))
    stored = list(db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(stored) == 10 and not any(code.replace("-", "") in row for row in stored for code in codes)
    for code in codes:  # salted digests only, one for each code
        assert sum(rules.recovery_matches(row, code.replace("-", "")) for row in stored) == 1

    done = web.client.post("/sign-in/codes-saved", data={"csrf_token": csrf_token(codes_page)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    home = web.get("/")
    assert home.status_code == 200 and "Two-step verification is set up" in text(home)
    assert web.client.get_cookie("remember_device") is not None  # "remember me" from the password step
    [started] = events(db, "sign_in.succeeded")
    assert started.details == {"second_factor": "authenticator app, just set up"}
    assert [e.details for e in events(db, "second_factor.enrolled")] == [{"replaced": False}]
    assert factor(db, user).secret == secret and factor(db, user).confirmed_at is not None

    web.logout()
    response = password_step(web, "lead@example.org")
    assert response.headers["Location"] == "/sign-in/code"  # from now on, the code


def test_the_set_up_page_names_the_organisation_escaped_and_keeps_its_key_until_confirmed(web, db, make_user):
    make_user("new@example.org", role=Role.MANAGER, second_factor=False)
    db.add(OrgSettings(id=1, org_name="Riverside & <Co>"))
    db.commit()
    password_step(web, "new@example.org")
    first = text(web.get("/sign-in/set-up"))
    assert "Riverside &amp; &lt;Co&gt;: new@example.org" in first and "<Co>" not in first
    assert authenticator.secret_on_page(first) == authenticator.secret_on_page(
        text(web.get("/sign-in/set-up"))
    )
    # The QR code's address (decoded in tests/browser/test_second_factor_journey.py) names it as issuer.
    uri = rules.provisioning_uri(
        authenticator.secret_on_page(first), account="new@example.org", issuer="Riverside & <Co>"
    )
    assert "issuer=Riverside%20%26%20%3CCo%3E" in uri


def test_an_invited_administrator_sets_a_password_then_sets_up_the_app(app, web, db, make_user):
    from course.accounts import services as accounts

    user = make_user("invited@example.org", role=Role.ADMIN, password=None)
    token = accounts.issue_token(user, accounts.INVITE, timedelta(days=7), None)
    new_password = "a long and unusual passphrase 42"
    response = web.submit(f"/invitation/{token}", {"password": new_password, "confirm": new_password})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/set-up"
    assert web.get("/").status_code == 302
    assert web.second_step("invited@example.org", response).status_code == 302
    assert signed_in(web)


# The code at sign-in.


def test_an_enrolled_administrator_signs_in_with_the_code_and_goes_where_they_were_going(web, admin, db):
    response = password_step(web, admin.email, next_url="/support")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code"
    assert web.get("/").status_code == 302
    page = text(web.get("/sign-in/code"))
    assert "Enter the 6-digit code from your authenticator app" in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<label for="code">6-digit code</label>' in page and 'id="code-hint"' in page
    assert "Use a recovery code instead" in page
    code, _ = authenticator.code_after(authenticator.secret_for(admin.email), 0)
    done = send_code(web, code)
    assert done.status_code == 302 and done.headers["Location"] == "/support"
    assert signed_in(web)
    assert web.client.get_cookie("remember_device") is None  # not chosen at the password step
    db.expire_all()
    trail = [(e.action, e.details) for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert trail == [  # the sign-in succeeds when the session starts, after the code
        ("sign_in.password_accepted", {}),
        ("sign_in.succeeded", {"second_factor": "authenticator app"}),
    ]


def test_a_wrong_code_says_what_to_do_and_is_audited_without_the_code(web, admin, db, frozen):
    password_step(web, admin.email)
    right = code_at(admin.email, rules.step_at(frozen))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = send_code(web, wrong)
    assert response.status_code == 422
    assert "That code is not right or has already been used; wait for the next one" in text(response)
    assert not signed_in(web)
    [event] = events(db, "second_factor.failed")
    assert event.subject == f"user:{admin.id}" and wrong not in str(event.details)
    assert event.details["method"] == "authenticator app" and event.details["failures"] == 1
    assert send_code(web, right).status_code == 302 and signed_in(web)
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(SignInFailure)) == 0  # the full sign-in clears them


def test_a_code_used_once_is_refused_the_second_time(app, admin, db, frozen):
    code = code_at(admin.email, rules.step_at(frozen))
    first = Web(app.test_client())
    password_step(first, admin.email)
    assert send_code(first, code).status_code == 302
    second = Web(app.test_client())
    password_step(second, admin.email)
    replay = send_code(second, code)
    assert replay.status_code == 422 and rules.CODE_WRONG in text(replay)
    [refused] = events(db, "second_factor.failed")
    assert refused.details["replayed"] is True  # logged as a replay, and the owner told (ASVS 2.8.5)
    told = [m.payload["subject"] for m in db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert told == ["A sign-in code was used twice on your training account"]
    earlier = code_at(admin.email, rules.step_at(frozen) - 1)  # within the window, but before the used one
    assert send_code(second, earlier).status_code == 422
    assert send_code(second, code_at(admin.email, rules.step_at(frozen) + 1)).status_code == 302


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_at_the_windows_edges(web, admin, frozen, offset, accepted):
    password_step(web, admin.email)
    response = send_code(web, code_at(admin.email, rules.step_at(frozen) + offset))
    assert (response.status_code == 302) is accepted
    assert signed_in(web) is accepted


def test_wrong_codes_slow_the_address_like_wrong_passwords(app, web, admin, db, frozen):
    app.config.update(SIGN_IN_FREE_FAILURES=3, SIGN_IN_DELAY_SECONDS=30, LOGIN_RATE_LIMIT="1000 per minute")
    right = code_at(admin.email, rules.step_at(frozen))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    password_step(web, admin.email)
    for _ in range(3):
        assert send_code(web, wrong).status_code == 422
    waiting = send_code(web, right)  # the right code too: the address waits
    assert waiting.status_code == 422 and "Too many wrong tries. Wait 1 minute" in text(waiting)
    assert not signed_in(web)
    failures = [e.details["failures"] for e in events(db, "second_factor.failed") if "failures" in e.details]
    assert failures == [1, 2, 3]
    again = Web(app.test_client())  # the right password again does not buy fresh guesses
    assert password_step(again, admin.email).status_code == 200
    db.expire_all()
    assert db.scalar(select(SignInFailure.failures).where(SignInFailure.user_id == admin.id)) == 3


def test_the_code_pages_posts_are_rate_limited_like_sign_in(app, web, admin):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    password_step(web, admin.email)
    statuses = [send_code(web, "12345").status_code for _ in range(4)]
    assert statuses[:3] == [422, 422, 422] and statuses[3] == 429


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", rules.CODE_REQUIRED),
        ("12345", "The code has 6 digits"),
        ("1234567", "The code has 6 digits"),
        ("abcdef", "The code has 6 digits"),
        ("12\t3456", "invisible control characters"),
        ("123\u2028456", "invisible control characters"),
        ("\x1b[31m123456", "invisible control characters"),
        ("١٢٣٤٥٦", "The code has 6 digits"),
        ("' OR 1=1 --", "The code has 6 digits"),
        ("9" * 5000, "The code has 6 digits"),
    ],
)
def test_garbage_in_the_code_field_gets_a_message_not_an_error(web, admin, typed, message):
    password_step(web, admin.email)
    response = send_code(web, typed)
    assert response.status_code == 422 and message in text(response)


@pytest.mark.parametrize("page", ["/sign-in/code", "/sign-in/recovery-code", "/sign-in/set-up"])
def test_a_nul_character_is_refused_with_a_message(web, admin, page):
    password_step(web, admin.email)
    response = send_code(web, "12\x003456", page)
    assert response.status_code == 400 and "NUL" in text(response)


# The pending sign-in's five minutes.


def age_pending(web, seconds):
    with web.client.session_transaction() as session:
        held = dict(session[pending.MARKER])
        held["at"] = int(time.time()) - seconds
        session[pending.MARKER] = held


@pytest.mark.parametrize(
    ("seconds", "accepted"),
    [(4 * 60 + 58, True), (5 * 60, False), (5 * 60 + 1, False), (24 * 3600, False)],
    ids=["a moment before", "on", "after", "a day after"],
)
def test_the_code_must_follow_the_password_within_five_minutes(web, admin, seconds, accepted):
    password_step(web, admin.email)
    age_pending(web, seconds)
    code, _ = authenticator.code_after(authenticator.secret_for(admin.email), 0)
    response = web.client.post(
        "/sign-in/code", data={"code": code, "csrf_token": csrf_token(web.get("/sign-in"))}
    )
    if accepted:
        assert response.status_code == 302 and response.headers["Location"] == "/" and signed_in(web)
    else:
        assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
        assert "Your sign-in timed out" in text(web.get("/sign-in"))
        assert not signed_in(web)
        assert web.get("/sign-in/code").headers["Location"] == "/sign-in"  # the marker is gone


def test_the_code_page_without_a_password_first_leads_to_sign_in(web, admin):
    response = web.get("/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "timed out" not in text(web.get("/sign-in"))


def test_a_pending_sign_in_ends_when_the_person_is_deactivated_meanwhile(web, admin, db):
    password_step(web, admin.email)
    db.get(User, admin.id).active = False
    db.commit()
    assert web.get("/sign-in/code").headers["Location"] == "/sign-in"


# Recovery codes.


def test_a_recovery_code_signs_in_once(app, admin, db):
    with app.test_request_context():
        codes = second_factor.replace_recovery_codes(db.get(User, admin.id))
    first = Web(app.test_client())
    password_step(first, admin.email)
    response = first.submit("/sign-in/recovery-code", {"code": codes[3].upper()})
    assert response.status_code == 302
    home = first.get("/")
    assert home.status_code == 200 and "9 of them are left" in text(home)
    [used] = events(db, "second_factor.recovery_code_used")
    assert used.details == {"left": 9} and codes[3] not in str(used.details)
    second = Web(app.test_client())
    password_step(second, admin.email)
    again = second.submit("/sign-in/recovery-code", {"code": codes[3]})
    assert again.status_code == 422 and rules.RECOVERY_WRONG in text(again)
    assert not signed_in(second)
    assert [e.details.get("method") for e in events(db, "second_factor.failed")] == ["recovery code"]
    assert second.submit("/sign-in/recovery-code", {"code": codes[4]}).status_code == 302


@pytest.mark.parametrize("typed", ["", "abc", "abcde-2345!", "x" * 5000, "abcde\n23456"])
def test_garbage_in_the_recovery_code_field_gets_a_message(web, admin, typed):
    password_step(web, admin.email)
    response = web.submit("/sign-in/recovery-code", {"code": typed})
    assert response.status_code == 422 and "There is a problem" in text(response)


# Who is asked.


def test_a_learner_is_not_asked_unless_the_organisation_asks_everyone(web, make_user, org_settings):
    make_user("learner@example.org")
    response = password_step(web, "learner@example.org")
    assert response.headers["Location"] == "/" and signed_in(web)
    web.logout()
    org_settings(second_factor_everyone=True)
    response = password_step(web, "learner@example.org")
    assert response.headers["Location"] == "/sign-in/set-up" and not signed_in(web)


def test_a_learner_who_set_it_up_by_choice_is_asked_for_the_code(web, make_user):
    make_user("keen@example.org", second_factor=True)
    assert password_step(web, "keen@example.org").headers["Location"] == "/sign-in/code"


def test_the_setting_is_on_the_organisation_settings_form_and_audited(web, admin, db):
    web.login(admin.email)
    page = text(web.get("/admin/settings"))
    assert "Ask everyone who signs in with a password for a second factor" in page
    response = web.submit("/admin/settings", {**SETTINGS_FORM, "second_factor_everyone": "y"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(OrgSettings, 1).second_factor_everyone is True
    [event] = events(db, "settings.changed")
    assert event.details["changes"]["second_factor_everyone"] == {"from": False, "to": True}


# The person's own page.


def test_a_learner_sets_it_up_makes_new_codes_and_turns_it_off(web, make_user, db, frozen):
    user = make_user("own@example.org")
    web.login(user.email)
    assert "Two-step verification is <strong>off</strong>" in text(web.get("/account/two-step"))
    assert "/account/two-step" in text(web.get("/account/password"))  # linked from the password page
    secret = authenticator.secret_on_page(text(web.get("/account/two-step/set-up")))
    step = rules.step_at(frozen)
    codes = send_code(web, rules.code_at_step(secret, step), "/account/two-step/set-up")
    assert codes.status_code == 200 and len(re.findall(r"<li><code>", text(codes))) == 10
    page = text(web.get("/account/two-step"))
    assert "is <strong>on</strong>" in page and "<strong>10</strong> unused recovery codes" in page

    renewed = web.submit("/account/two-step", {}, action="/account/two-step/recovery-codes")
    assert renewed.status_code == 200 and len(re.findall(r"<li><code>", text(renewed))) == 10
    assert len(events(db, "second_factor.recovery_codes_replaced")) == 1

    wrong = web.submit("/account/two-step", {"code": "abc"}, action="/account/two-step/turn-off")
    assert wrong.status_code == 422 and "The code has 6 digits" in text(wrong)
    off = web.submit(
        "/account/two-step",
        {"code": rules.code_at_step(secret, step + 1)},
        action="/account/two-step/turn-off",
    )
    assert off.status_code == 302
    assert factor(db, user) is None
    assert db.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert len(events(db, "second_factor.removed")) == 1


def test_replacing_the_app_keeps_the_old_one_until_the_new_one_is_confirmed(web, admin, db, frozen):
    web.login(admin.email)
    old = factor(db, admin).secret
    new = authenticator.secret_on_page(text(web.get("/account/two-step/set-up")))
    assert new != old and factor(db, admin).secret == old
    codes = send_code(web, rules.code_at_step(new, rules.step_at(frozen)), "/account/two-step/set-up")
    assert codes.status_code == 200
    assert factor(db, admin).secret == new
    assert events(db, "second_factor.enrolled")[-1].details == {"replaced": True}


def test_someone_who_must_have_it_cannot_turn_it_off(web, admin, db, frozen):
    web.login(admin.email)
    page = text(web.get("/account/two-step"))
    assert "required for your account" in page and "Turn off" not in page
    response = web.submit(
        "/account/two-step",
        {"code": code_at(admin.email, rules.step_at(frozen) + 1)},
        action="/account/two-step/turn-off",
    )
    assert response.status_code == 302 and factor(db, admin) is not None
    assert events(db, "second_factor.removed") == []


# An administrator's reset.


def test_an_administrator_resets_anothers_factor_audited_and_they_set_it_up_again(
    app, web, admin, make_user, db
):
    manager = make_user("manager@example.org", name="Max Manager", role=Role.MANAGER)
    theirs = Web(app.test_client())
    theirs.login(manager.email)
    assert signed_in(theirs)
    web.login(admin.email)
    page = text(web.get(f"/admin/people/{manager.id}/edit"))
    assert "Reset two-step verification" in page
    response = web.submit(
        f"/admin/people/{manager.id}/edit", {}, action=f"/admin/people/{manager.id}/two-step/reset"
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/people/{manager.id}/edit"
    assert factor(db, manager) is None
    [event] = events(db, "second_factor.reset")
    assert (event.actor_id, event.subject, event.details["person"]) == (
        admin.id,
        f"user:{manager.id}",
        manager.id,
    )
    assert not signed_in(theirs)  # their sessions ended
    assert password_step(theirs, manager.email).headers["Location"] == "/sign-in/set-up"
    assert "Not set up" in text(web.get(f"/admin/people/{manager.id}/edit"))


def test_a_manager_cannot_reset_anyones_factor(web, make_user, db):
    manager = make_user("manager@example.org", role=Role.MANAGER)
    other = make_user("other@example.org", role=Role.MANAGER)
    web.login(manager.email)
    response = web.submit("/", {}, action=f"/admin/people/{other.id}/two-step/reset")
    assert response.status_code == 403
    assert factor(db, other) is not None and events(db, "second_factor.reset") == []


def test_an_administrator_cannot_reset_their_own_this_way(web, admin, db):
    web.login(admin.email)
    assert "Reset two-step verification" not in text(web.get(f"/admin/people/{admin.id}/edit"))
    response = web.submit("/", {}, action=f"/admin/people/{admin.id}/two-step/reset")
    assert response.status_code == 302
    assert "cannot reset your own" in text(web.get(f"/admin/people/{admin.id}/edit"))
    assert factor(db, admin) is not None and events(db, "second_factor.reset") == []


def test_the_command_line_reset_for_a_lost_only_administrator(runner, admin, db):
    result = runner.invoke(args=["reset-second-factor", admin.email])
    assert result.exit_code == 0 and "is reset" in result.output
    assert factor(db, admin) is None
    [event] = events(db, "second_factor.reset")
    assert event.actor_id is None
    assert runner.invoke(args=["reset-second-factor", "nobody@example.org"]).exit_code == 1


def test_the_service_checks_codes_with_the_failure_policy(app, admin, db, frozen):
    policy = FailurePolicy(free=5, base=timedelta(seconds=30), ceiling=timedelta(minutes=15), notify_after=10)
    with app.test_request_context():
        user = db.get(User, admin.id)
        assert second_factor.check_code(user, "12 34 5", address=ADDRESS, policy=policy) == rules.CODE_DIGITS
        code = code_at(admin.email, rules.step_at(frozen))
        assert second_factor.check_code(user, code, address=ADDRESS, policy=policy) is None
        assert second_factor.check_code(user, code, address=ADDRESS, policy=policy) == rules.CODE_WRONG


def test_a_failed_request_of_the_browsers_own_does_not_take_the_next_pages_message(web, admin):
    # A browser asks for /favicon.ico while the next page loads: its 404 leaves the message for the page.
    web.login(admin.email)
    web.submit("/admin/settings", {**SETTINGS_FORM})
    assert web.get("/favicon.ico").status_code == 404
    assert "Settings saved." in text(web.get("/admin/settings"))
