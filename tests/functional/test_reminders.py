"""Reminders through the outbox: stages before due dates and expiry, overdue at most once an interval,
managers' weekly summaries, only to people who can sign in; idempotent per day, constant statements."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from course.extensions import db as database
from course.models import Assignment, AuditEvent, OutboxMessage, ReminderLog, Role, UnitKind, User
from course.outbox.services import deliver
from course.people.rules import Scope
from course.reminders.services import send_reminders
from tests import factories

pytestmark = pytest.mark.database

TODAY = factories.today()
EVERYONE = Scope(None)


def due(db, user, days):
    db.add(Assignment(user_id=user.id, due_on=TODAY + timedelta(days=days)))
    db.commit()


def add_record(db, user, expires_in):
    db.add(factories.completion(user, expires_in_days=expires_in))
    db.commit()


def send(app, scope=EVERYONE, today=TODAY, dry_run=False, digests=True):
    with app.app_context():
        return send_reminders(scope=scope, today=today, dry_run=dry_run, sender=None, digests=digests)


def delivered(app):
    with app.app_context():
        return deliver()


class Org:
    """Trust > North site > Science department, and Trust > South site. Managers at Trust and North."""

    def __init__(self, db, org_unit, make_user):
        self.trust = org_unit("Riverside Trust", UnitKind.ORGANISATION)
        self.north = org_unit("North School", UnitKind.SITE, self.trust)
        self.science = org_unit("Science", UnitKind.DEPARTMENT, self.north)
        self.south = org_unit("South School", UnitKind.SITE, self.trust)
        self.trust_manager = make_user(
            "trust.manager@example.org", name="Tara Trust", role=Role.MANAGER, unit=self.trust
        )
        self.north_manager = make_user(
            "north.manager@example.org", name="Nora North", role=Role.MANAGER, unit=self.north
        )
        self.overdue = make_user("overdue@example.org", name="Olive Overdue", unit=self.science)
        self.expiring = make_user("expiring@example.org", name="Evan Expiring", unit=self.north)
        self.valid = make_user("valid@example.org", name="Val Valid", unit=self.north)
        self.south_overdue = make_user("south@example.org", name="Sam South", unit=self.south)
        self.due_soon = make_user("due.soon@example.org", name="Dee Due", unit=self.south)
        self.not_invited = make_user("new@example.org", name="Nia New", unit=self.south, password=None)
        due(db, self.overdue, -1)
        due(db, self.south_overdue, -1)
        due(db, self.valid, -1)  # a valid record wins over a due date
        due(db, self.due_soon, 7)
        due(db, self.not_invited, -1)
        add_record(db, self.expiring, 30)
        add_record(db, self.valid, 200)


@pytest.fixture
def org(db, org_unit, make_user):
    return Org(db, org_unit, make_user)


def sent_to(report):
    return {item.email: (item.kind, item.cc) for item in report.sent}


EXPECTED = {
    "due.soon@example.org": ("due-7", ()),
    "expiring@example.org": ("expiry-30", ()),
    "overdue@example.org": ("overdue", ("north.manager@example.org",)),  # nearest unit with a manager
    "south@example.org": ("overdue", ("trust.manager@example.org",)),
}


def test_each_person_gets_the_reminder_due_today_through_the_outbox(app, org, db, smtp_server):
    app.config["PUBLIC_BASE_URL"] = "https://training.example.org/"
    report = send(app)
    assert sent_to(report) == EXPECTED and report.skipped_recent == 0
    assert smtp_server.messages() == [], "queued, not sent: the outbox delivers"
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 4 + 2  # and two summaries
    assert delivered(app).delivered == 6

    (overdue,) = smtp_server.to("overdue@example.org")
    assert overdue["Cc"] == "north.manager@example.org" and overdue["From"] == "training@example.org"
    assert overdue["Subject"] == "Your self-harm awareness training is overdue"
    body = overdue.get_content()
    assert f"was due on {(TODAY - timedelta(days=1)).strftime('%-d %B %Y')}" in body
    assert "https://training.example.org/\n" in body and "Dear Olive Overdue," in body

    (soon,) = smtp_server.to("due.soon@example.org")
    assert (
        soon["Subject"]
        == f"Your self-harm awareness training is due on {(TODAY + timedelta(days=7)).strftime('%-d %B %Y')}"
    )
    assert soon["Cc"] is None
    (expiring,) = smtp_server.to("expiring@example.org")
    assert expiring["Subject"].startswith("Your self-harm awareness training expires on ")

    logs = sorted((log.kind, log.manager_copied) for log in db.scalars(select(ReminderLog)))
    assert (
        logs == [("digest", False)] * 2 + [("due-7", False), ("expiry-30", False)] + [("overdue", True)] * 2
    )
    (audit,) = db.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.sent")).all()
    assert (audit.details["count"], audit.details["digests"], audit.details["cannot_sign_in"]) == (4, 2, 1)


def test_people_who_cannot_sign_in_are_listed_to_be_invited_not_reminded(app, org, db, smtp_server):
    report = send(app)
    assert [p.email for p in report.cannot_sign_in] == ["new@example.org"]
    delivered(app)
    assert smtp_server.to("new@example.org") == []


def test_a_manager_gets_one_weekly_summary_of_their_units(app, org, db, smtp_server):
    report = send(app)
    digests = {d.email: (d.overdue, d.expiring) for d in report.digests}
    # Nora: Olive (Science, below North) and Evan (North); Tara: all overdue (Nia too) or expiring.
    assert digests == {"north.manager@example.org": (1, 1), "trust.manager@example.org": (3, 1)}
    delivered(app)
    [nora] = [m for m in smtp_server.to("north.manager@example.org") if "summary" in m["Subject"]]
    body = nora.get_content()
    assert "Olive Overdue (Science)" in body and "Evan Expiring (North School)" in body
    assert "Sam South" not in body and "Nia New" not in body
    for later, expected in ((1, 0), (6, 0), (7, 2)):
        assert len(send(app, today=TODAY + timedelta(days=later)).digests) == expected


def test_running_twice_on_one_day_sends_nothing_new(app, org, db):
    send(app)
    again = send(app)
    assert again.sent == [] and again.digests == [] and again.skipped_recent == 4
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 6


def test_stages_on_a_frozen_calendar(app, org, db):
    """Dee's due date is TODAY + 7 and Evan's record expires on TODAY + 30 (stages 30, 7, 0)."""
    send(app)
    kinds = {}
    for day in range(0, 32):
        report = send(app, today=TODAY + timedelta(days=day), digests=False)
        for item in report.sent:
            kinds.setdefault(item.email, []).append((day, item.kind))
    assert kinds["due.soon@example.org"] == [(7, "due-0")] + [(d, "overdue") for d in (8, 15, 22, 29)]
    assert kinds["expiring@example.org"] == [(23, "expiry-7"), (30, "expiry-0")]
    overdue_days = [day for day, _ in kinds["overdue@example.org"]]
    assert overdue_days == [7, 14, 21, 28], "at most once a week"


def test_the_overdue_reminder_after_a_due_stage(app, org, db):
    send(app)
    report = send(app, today=TODAY + timedelta(days=8), digests=False)
    assert sent_to(report)["due.soon@example.org"] == ("overdue", ("trust.manager@example.org",))


def test_configured_stages_are_used(app, org, db, org_settings):
    org_settings(reminder_stages="14,1")
    report = send(app, digests=False)
    assert (
        "due.soon@example.org" in sent_to(report) and sent_to(report)["due.soon@example.org"][0] == "due-14"
    )
    assert "expiring@example.org" not in sent_to(report)  # 30 days to go: before the first stage


def test_dry_run_queues_and_records_nothing(app, org, db):
    report = send(app, dry_run=True)
    assert sent_to(report) == EXPECTED and len(report.digests) == 2
    for table in (OutboxMessage, ReminderLog, AuditEvent):
        assert db.scalar(select(func.count()).select_from(table)) == 0


def test_a_managers_scope_reaches_only_their_unit(app, org, db):
    with app.app_context():
        scope = Scope.for_viewer(database.session.get(User, org.north_manager.id))
    report = send(app, scope=scope, digests=False)
    assert set(sent_to(report)) == {"overdue@example.org", "expiring@example.org"}


def test_a_manager_is_copied_to_the_manager_above_not_to_themselves(app, org, db):
    due(db, org.north_manager, -1)
    report = send(app)
    assert sent_to(report)["north.manager@example.org"] == ("overdue", ("trust.manager@example.org",))


def test_mail_that_fails_is_kept_and_retried_and_the_reminder_is_not_sent_twice(app, org, db, smtp_server):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = 1  # the mail server is down
    send(app)
    assert delivered(app).retrying == 6
    assert send(app).sent == [], "a queued reminder counts as sent"
    app.config["SMTP_PORT"] = port
    with app.app_context():
        later = database.session.scalar(select(func.max(OutboxMessage.next_attempt_at)))
        assert deliver(now=later + timedelta(seconds=1)).delivered == 6
    assert len(smtp_server.to("overdue@example.org")) == 1


def test_statements_do_not_grow_with_learners(app, org, db, make_user, org_unit):
    def statements(dry_run):
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            send(app, dry_run=dry_run)
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        with app.app_context():  # start again from nothing sent
            database.session.execute(ReminderLog.__table__.delete())
            database.session.execute(OutboxMessage.__table__.delete())
            database.session.commit()
        return len(seen)

    before = (statements(True), statements(False))
    for number in range(8):
        unit = org_unit(f"Department {number}", UnitKind.DEPARTMENT, org.south)
        make_user(f"boss{number}@example.org", role=Role.MANAGER, unit=unit)
        due(db, make_user(f"more{number}@example.org", unit=unit), -1)
    after = (statements(True), statements(False))
    assert after == before


def test_the_command_prints_what_it_would_send_and_then_queues(app, org, runner):
    dry = runner.invoke(args=["send-reminders", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "Would send reminder (overdue) to overdue@example.org (copy to north.manager@example.org)"
        in dry.output
    )
    assert "Would send reminder (due in 7 days) to due.soon@example.org" in dry.output
    assert "Would send summary to north.manager@example.org: 1 overdue, 1 expiring soon" in dry.output
    assert "Not reminded (cannot sign in yet): new@example.org" in dry.output
    assert "4 reminder(s) and 2 manager summary(ies) would be sent; 0 skipped" in dry.output
    real = runner.invoke(args=["send-reminders"])
    assert real.exit_code == 0 and "4 reminder(s) and 2 manager summary(ies) queued" in real.output
    again = runner.invoke(args=["send-reminders"])
    assert "0 reminder(s) and 0 manager summary(ies) queued; 4 skipped" in again.output
    assert "invite them with `flask --app course invite --pending`" in again.output


def test_the_reminders_page_lists_who_cannot_sign_in(app, org, web, make_user):
    make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    page = web.get("/admin/reminders").get_data(as_text=True)
    assert "Not reminded: cannot sign in yet (1)" in page and "new@example.org" in page
    assert "Due in 7 days" in page and "/admin/invitations" in page
    response = web.submit("/admin/reminders", {})
    assert response.status_code == 302
    assert "4 reminders queued" in web.get("/admin/reminders").get_data(as_text=True)
