"""Invitations and resets by e-mail, through the outbox and a real SMTP server: invite everyone not yet
invited, re-send, see who accepted, the command line, and "Forgotten your password?"."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from course.database import utcnow
from course.extensions import db as database
from course.invitations.services import invite_pending
from course.models import AccountToken, AuditEvent, OutboxMessage, Role
from course.outbox.services import deliver
from tests.factories import SETTINGS_FORM
from tests.fixtures.app import Web

pytestmark = pytest.mark.database

NEW_PASSWORD = "lantern pebble orchard violin"
BASE = "https://training.example.org"


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def people(app, make_user, org_unit, org_settings, web):
    app.config["PUBLIC_BASE_URL"] = BASE + "/"
    org_settings(org_name="Riverside Trust")
    unit = org_unit("North School")
    admin = make_user("admin@example.org", role=Role.ADMIN, name="Ada Admin")
    new = [make_user(f"new{n}@example.org", name=f"New {n}", unit=unit, password=None) for n in range(3)]
    signed_up = make_user("old@example.org", name="Old Hand", unit=unit)
    web.login("admin@example.org")
    return {"admin": admin, "new": new, "signed_up": signed_up}


def delivered(app):
    """Run deliveries until nothing is left (a reset request becomes an e-mail on the next run)."""
    total = 0
    with app.app_context():
        while count := deliver().delivered:
            total += count
    return total


def link_in(message):
    body = message.get_body(("plain",)).get_content()
    return re.search(re.escape(BASE) + r"(/\S+)", body).group(1)


def mail_count(db):
    return db.scalar(select(func.count()).select_from(OutboxMessage))


def test_invite_everyone_not_yet_invited_from_the_people_page(app, people, web, db, smtp_server):
    page = text(web.get("/admin/people"))
    assert "3 people have not been invited yet" in page and "Invite everyone not yet invited" in page
    response = web.submit("/admin/people", {}, action="/admin/invitations", follow_redirects=True)
    assert "3 invitations queued" in text(response)
    assert "e-mails not delivered yet" in text(web.get("/admin/people")), (
        "the outbox is linked while mail waits"
    )
    assert delivered(app) == 3 and {m["To"] for m in smtp_server.messages()} == {
        f"new{n}@example.org" for n in range(3)
    }
    [message] = smtp_server.to("new0@example.org")
    assert message["Subject"] == "Your account for Riverside Trust staff training"
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    plain = message.get_body(("plain",)).get_content()
    expires = (utcnow() + timedelta(days=app.config["INVITATION_DAYS"])).strftime("%-d %B %Y")
    assert "Dear New 0," in plain and f"until {expires}" in plain and "Riverside Trust" in plain
    assert f'href="{BASE}/invitation/' in message.get_body(("html",)).get_content()

    # Accept: set a password through the link, then the page shows who accepted.
    path = link_in(message)
    assert path.startswith("/invitation/")
    person = Web(app.test_client())
    done = person.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    listing = text(web.get("/admin/invitations"))
    row = listing[listing.index("new0@example.org") :][:400]
    assert "Accepted" in row and utcnow().strftime("%-d %B %Y") in row
    assert "Not invited yet: 0" in listing and "Invited, not accepted yet: 2" in listing

    # Asking again invites nobody twice.
    again = web.submit("/admin/invitations", {}, follow_redirects=True)
    assert "Everyone has been invited already." in text(again) and mail_count(db) == 3
    audits = db.scalars(select(AuditEvent.action).where(AuditEvent.action == "account.invite_issued")).all()
    assert len(audits) == 3


def test_re_send_ends_the_earlier_link(app, people, web, db, smtp_server):
    web.submit("/admin/invitations", {})
    delivered(app)
    first = link_in(smtp_server.to("new1@example.org")[0])
    target = people["new"][1].id
    response = web.submit(
        "/admin/invitations", {}, action=f"/admin/invitations/{target}/send", follow_redirects=True
    )
    assert "An invitation is on its way to new1@example.org" in text(response)
    delivered(app)
    second = link_in(smtp_server.to("new1@example.org")[1])
    assert first != second
    anyone = app.test_client()
    assert anyone.get(first).status_code == 410 and anyone.get(second).status_code == 303  # to its form


def test_a_person_who_can_sign_in_is_sent_a_reset_link(app, people, web, smtp_server):
    target = people["signed_up"].id
    response = web.submit(
        "/admin/invitations", {}, action=f"/admin/invitations/{target}/send", follow_redirects=True
    )
    assert "A password reset link is on its way" in text(response)
    delivered(app)
    [message] = smtp_server.to("old@example.org")
    assert message["Subject"] == "Reset your password for Riverside Trust staff training"
    assert link_in(message).startswith("/reset/")


def test_the_command_invites_the_pending_and_then_the_expired(app, people, runner, db, smtp_server):
    result = runner.invoke(args=["invite", "--pending"])
    assert result.exit_code == 0, result.output
    assert (
        "Invitation queued for new2@example.org" in result.output
        and "3 invitation(s) queued" in result.output
    )
    assert "0 invitation(s) queued" in runner.invoke(args=["invite", "--pending"]).output
    db.execute(
        update(AccountToken).where(AccountToken.user_id == people["new"][0].id).values(expires_at=utcnow())
    )
    db.commit()
    resent = runner.invoke(args=["invite", "--pending", "--resend-expired"])
    assert (
        "Invitation queued for new0@example.org" in resent.output
        and "1 invitation(s) queued" in resent.output
    )
    assert runner.invoke(args=["invite"]).exit_code == 2, "says whom to invite"
    sent = runner.invoke(args=["outbox", "send"])
    assert sent.exit_code == 0 and len(smtp_server.to("new0@example.org")) == 2


def test_an_expired_invitation_is_shown(app, people, web, db):
    web.submit("/admin/invitations", {})
    db.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    listing = text(web.get("/admin/invitations"))
    assert "Invitation expired unused: 3" in listing and listing.count("Invitation expired</td>") == 3


def forgotten(client_web, email):
    return client_web.submit("/forgotten-password", {"email": email})


def test_forgotten_password_answers_the_same_whether_or_not_the_address_exists(app, people, db, smtp_server):
    visitor = Web(app.test_client())
    sign_in = text(visitor.get("/sign-in"))
    assert 'href="/forgotten-password"' in sign_in
    known, unknown = forgotten(visitor, "OLD@example.org"), forgotten(visitor, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200

    def same(page, email):
        return text(page).replace(email, "ADDRESS")

    assert same(known, "OLD@example.org") == same(unknown, "nobody@example.org")
    delivered(app)
    assert [m["To"] for m in smtp_server.messages()] == ["old@example.org"]
    path = link_in(smtp_server.messages()[0])
    done = Web(app.test_client()).submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "account.reset_requested")
    ).all()
    assert len(actions) == 2, "recorded for both, so both do the same work"


def test_forgotten_password_for_someone_not_yet_signed_up_sends_their_invitation(app, people, smtp_server):
    forgotten(Web(app.test_client()), "new2@example.org")
    delivered(app)
    [message] = smtp_server.to("new2@example.org")
    assert link_in(message).startswith("/invitation/")


def test_forgotten_password_for_a_deactivated_account_sends_nothing(app, people, db, smtp_server):
    people["signed_up"].active = False
    db.add(people["signed_up"])
    db.commit()
    assert forgotten(Web(app.test_client()), "old@example.org").status_code == 200
    delivered(app)
    assert smtp_server.messages() == []


def test_forgotten_password_is_throttled_per_address(app, people, db):
    app.config["RESET_EMAIL_RATE_LIMIT"] = "2 per hour"
    visitor = Web(app.test_client())
    assert [forgotten(visitor, "old@example.org").status_code for _ in range(3)] == [200, 200, 429]
    assert forgotten(visitor, "new0@example.org").status_code == 200, "another address is not held up"
    other_place = Web(app.test_client())
    assert forgotten(other_place, "OLD@example.org").status_code == 429, "wherever the requests come from"
    assert mail_count(db) == 3


def test_forgotten_password_form_errors_say_what_to_fix(app, people):
    response = forgotten(Web(app.test_client()), "not an email")
    assert response.status_code == 422 and "Enter an email address in the right format" in text(response)


def test_links_in_e_mails_ignore_a_forged_host(app, people, smtp_server):
    with app.test_request_context("/admin/invitations", method="POST", base_url="http://attacker.example"):
        invite_pending(issued_by=None)
    delivered(app)
    body = smtp_server.to("new0@example.org")[0].get_body(("plain",)).get_content()
    assert "attacker.example" not in body and f"{BASE}/invitation/" in body


def test_a_reset_request_runs_the_same_statements_whether_or_not_the_address_exists(app, people):
    visitor = Web(app.test_client())
    visitor.get("/forgotten-password")

    def statements(email):
        seen = []
        listener = lambda *args: seen.append(args[2].split()[0])  # noqa: E731
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            assert forgotten(visitor, email).status_code == 200
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return seen

    assert statements("old@example.org") == statements("nobody@example.org")


def test_only_administrators_invite(app, make_user, web, db):
    make_user("manager@example.org", role=Role.MANAGER)
    web.login("manager@example.org")
    assert web.get("/admin/invitations").status_code == 403
    assert web.submit("/", {}, action="/admin/invitations").status_code == 403
    with app.app_context():
        assert database.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


class TestReminderSettings:
    BASE_SETTINGS = {**SETTINGS_FORM, "org_name": "Riverside Trust"}

    def test_stages_are_saved_largest_first_and_blank_is_the_default(self, app, people, web, db):
        response = web.submit("/admin/settings", {**self.BASE_SETTINGS, "reminder_stages": "7, 60 ,0"})
        assert response.status_code == 302
        with app.app_context():
            from course import org

            assert org.settings().reminder_stages == "60,7,0"
        web.submit("/admin/settings", {**self.BASE_SETTINGS, "reminder_stages": ""})
        assert "30,7,0" in text(web.get("/admin/settings"))

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("reminder_stages", "soon", "whole numbers of days"),
            ("reminder_stages", "400", "from 0 to 365"),
            ("reminder_interval_days", "6", "from 7 to 90"),
        ],
    )
    def test_bad_values_are_explained(self, people, web, field, value, message):
        response = web.submit("/admin/settings", {**self.BASE_SETTINGS, field: value})
        assert response.status_code == 422 and message in text(response)


def test_inviting_takes_the_same_statements_for_more_people(app, people, make_user):
    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            with app.test_request_context():
                sent = invite_pending(issued_by=None)
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return len(sent), len(seen)

    few = statements()
    for n in range(12):
        make_user(f"later{n}@example.org", password=None)
    many = statements()
    assert (few[0], many[0]) == (3, 12) and few[1] == many[1]


def test_no_link_for_a_deactivated_person_or_someone_who_does_not_exist(app, people, web, db):
    person = people["new"][0]
    person.active = False
    db.add(person)
    db.commit()
    response = web.submit(
        "/admin/invitations", {}, action=f"/admin/invitations/{person.id}/send", follow_redirects=True
    )
    assert "deactivated: reactivate it first" in text(response) and mail_count(db) == 0
    assert web.submit("/admin/invitations", {}, action="/admin/invitations/999999/send").status_code == 404
