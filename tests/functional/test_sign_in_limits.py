"""Wrong passwords slow down the address they came from, for that account only: the owner still signs in
from elsewhere, an administrator can clear the count, the owner is told; the current-password check on
change-password is counted the same way. Every sign-in outcome is audited, never with the password."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from course.auth.routes import SIGN_IN_FAILED
from course.database import utcnow
from course.models import AuditEvent, OutboxMessage, Role, SignInFailure
from tests.factories import PASSWORD
from tests.fixtures.app import Web

pytestmark = pytest.mark.database

ATTACKER, OWNER = "198.51.100.66", "203.0.113.10"
WRONG = "not the right password at all"


def text(response):
    return response.get_data(as_text=True)


def attempt(app, email, password, address):
    web = Web(app.test_client())
    return web.login(email, password, environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def limits(app):
    app.config.update(
        SIGN_IN_FREE_FAILURES=3,
        SIGN_IN_DELAY_SECONDS=30,
        SIGN_IN_DELAY_MAX_MINUTES=15,
        SIGN_IN_NOTIFY_AFTER=5,
    )
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"


def failures(db, user):
    db.remove()
    return db.scalar(select(SignInFailure).where(SignInFailure.user_id == user.id))


def test_free_tries_then_the_failing_address_waits_even_with_the_right_password(app, limits, make_user, db):
    user = make_user("target@example.org")
    for _ in range(2):
        assert SIGN_IN_FAILED in text(attempt(app, user.email, WRONG, ATTACKER))
    assert failures(db, user).wait_until is None  # two of three free tries used
    assert attempt(app, user.email, WRONG, ATTACKER).status_code == 200  # the third: now it waits
    row = failures(db, user)
    assert row.failures == 3 and row.wait_until > utcnow() + timedelta(seconds=25)
    assert SIGN_IN_FAILED in text(attempt(app, user.email, PASSWORD, ATTACKER))


def test_the_owner_still_signs_in_from_another_address(app, limits, make_user, db):
    user = make_user("target@example.org")
    for _ in range(20):
        attempt(app, user.email, WRONG, ATTACKER)
    response = attempt(app, user.email, PASSWORD, OWNER)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert failures(db, user).address == ATTACKER  # the attacker's count stays; the owner's is clear


def test_the_wait_doubles_and_stops_at_the_ceiling(app, limits, make_user, db):
    user = make_user("target@example.org")
    waits = []
    for _ in range(10):
        db.remove()
        db.execute(SignInFailure.__table__.update().values(wait_until=None))  # as if each wait had passed
        db.commit()
        attempt(app, user.email, WRONG, ATTACKER)
        row = failures(db, user)
        waits.append(round((row.wait_until - row.last_at).total_seconds()) if row.wait_until else 0)
    assert waits == [0, 0, 30, 60, 120, 240, 480, 900, 900, 900]


def test_a_right_password_from_the_address_clears_its_count(app, limits, make_user, db):
    user = make_user("target@example.org")
    attempt(app, user.email, WRONG, OWNER)
    assert attempt(app, user.email, PASSWORD, OWNER).status_code == 302
    assert failures(db, user) is None


def test_the_owner_is_emailed_once_after_repeated_failures(app, limits, make_user, db):
    user = make_user("target@example.org", name="Tara Target")
    for _ in range(7):
        db.remove()
        db.execute(SignInFailure.__table__.update().values(wait_until=None))
        db.commit()
        attempt(app, user.email, WRONG, ATTACKER)
    db.remove()
    mails = db.scalars(select(OutboxMessage)).all()
    assert len(mails) == 1
    assert mails[0].payload["to"] == "target@example.org"
    assert "5 times" in mails[0].payload["body"] and ATTACKER in mails[0].payload["body"]
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "account.owner_warned")) is not None


def test_an_admin_clears_the_count_on_the_persons_page(app, limits, make_user, db, web):
    user = make_user("target@example.org", name="Tara Target")
    make_user("admin@example.org", role=Role.ADMIN)
    for _ in range(4):
        attempt(app, user.email, WRONG, ATTACKER)
    web.login("admin@example.org")
    page = web.get(f"/admin/people/{user.id}/edit")
    assert "Wrong passwords from 1 address are slowing down" in text(page)
    done = web.submit(
        f"/admin/people/{user.id}/edit", {}, action=f"/admin/people/{user.id}/sign-in-failures/clear"
    )
    assert done.status_code == 302
    assert failures(db, user) is None
    assert attempt(app, user.email, PASSWORD, ATTACKER).status_code == 302
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "person.sign_in_failures_cleared"))
    assert event.subject == f"user:{user.id}" and event.details["addresses"] == 1
    assert "No wrong passwords are being counted" in text(web.get(f"/admin/people/{user.id}/edit"))


def test_the_current_password_check_is_counted_and_slowed(app, limits, make_user, db):
    user = make_user("me@example.org")
    web = Web(app.test_client())
    web.login(user.email, environ_base={"REMOTE_ADDR": OWNER})
    change = {
        "current": WRONG,
        "password": "lantern pebble orchard violin",
        "confirm": "lantern pebble orchard violin",
    }
    for _ in range(3):
        page = web.submit("/account/password", change, environ_base={"REMOTE_ADDR": OWNER})
        assert "Your current password is not right." in text(page)
    right = {**change, "current": PASSWORD}
    page = web.submit("/account/password", right, environ_base={"REMOTE_ADDR": OWNER})
    assert "Too many wrong tries. Wait 1 minute and try again." in text(page)
    assert failures(db, user).failures == 3
    checks = db.scalars(select(AuditEvent).where(AuditEvent.action == "password_check.failed")).all()
    assert len(checks) == 3


def test_sign_in_outcomes_are_audited_without_the_password(app, limits, make_user, db, web):
    user = make_user("who@example.org")
    attempt(app, "nobody@example.org", WRONG, ATTACKER)
    attempt(app, user.email, WRONG, ATTACKER)
    web.login(user.email)
    web.logout()
    db.remove()
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(event.action, event.subject) for event in events]
    assert actions == [
        ("sign_in.failed", ""),
        ("sign_in.failed", f"user:{user.id}"),
        ("sign_in.succeeded", f"user:{user.id}"),
        ("sign_in.signed_out", f"user:{user.id}"),
    ]
    assert events[0].details["email"] == "nobody@example.org" and events[0].ip == ATTACKER
    assert all(WRONG not in str(event.details) and PASSWORD not in str(event.details) for event in events)
