from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from course.database import utcnow
from course.extensions import db as database
from course.models import Assignment, AuditEvent, CourseCompletion, ReminderLog, Role, UnitKind, User
from course.people.rules import Scope
from course.records.services import new_certificate_code
from course.reminders.services import ReminderError, send_reminders
from tests import factories
from tests.fixtures.smtp import PASSWORD, USERNAME

TODAY = factories.today()
EVERYONE = Scope(None)


def make_overdue(db, user):
    db.add(Assignment(user_id=user.id, due_on=TODAY - timedelta(days=1)))
    db.commit()


def add_record(db, user, expires_on):
    db.add(
        CourseCompletion(
            user_id=user.id,
            cycle=1,
            course_version="2026.1",
            completed_at=utcnow() - timedelta(days=300),
            expires_on=expires_on,
            scores={},
            cpd_minutes=90,
            certificate_code=new_certificate_code(),
        )
    )
    db.commit()


def send(app, scope=EVERYONE, today=TODAY, dry_run=False):
    with app.app_context():
        return send_reminders(scope=scope, today=today, dry_run=dry_run, sender=None)


class Org:
    """Trust > North site > Science department, and Trust > South site. Managers at Trust and North."""

    def __init__(self, db, org_unit, make_user):
        def person(email, name, role=Role.LEARNER, unit=None):
            return make_user(email, name=name, role=role, unit=unit, password=None)  # no sign-in needed

        self.trust = org_unit("Riverside Trust", UnitKind.ORGANISATION)
        self.north = org_unit("North School", UnitKind.SITE, self.trust)
        self.science = org_unit("Science", UnitKind.DEPARTMENT, self.north)
        self.south = org_unit("South School", UnitKind.SITE, self.trust)
        self.trust_manager = person("trust.manager@example.org", "Tara Trust", Role.MANAGER, self.trust)
        self.north_manager = person("north.manager@example.org", "Nora North", Role.MANAGER, self.north)
        self.overdue = person("overdue@example.org", "Olive Overdue", unit=self.science)
        self.expiring = person("expiring@example.org", "Evan Expiring", unit=self.north)
        self.valid = person("valid@example.org", "Val Valid", unit=self.north)
        self.south_overdue = person("south@example.org", "Sam South", unit=self.south)
        make_overdue(db, self.overdue)
        make_overdue(db, self.south_overdue)
        make_overdue(db, self.valid)  # a valid record wins over a due date
        add_record(db, self.expiring, TODAY + timedelta(days=10))
        add_record(db, self.valid, TODAY + timedelta(days=200))


@pytest.fixture
def org(db, org_unit, make_user):
    return Org(db, org_unit, make_user)


def sent_to(report):
    return {item.email: (item.kind, item.cc) for item in report.sent}


EXPECTED = {
    "expiring@example.org": ("expiring", ("north.manager@example.org",)),
    "overdue@example.org": ("overdue", ("north.manager@example.org",)),  # nearest unit with a manager
    "south@example.org": ("overdue", ("trust.manager@example.org",)),
}


def test_overdue_and_expiring_people_get_one_message_copied_to_their_manager(app, org, db, smtp_server):
    app.config["PUBLIC_BASE_URL"] = "https://training.example.org/"
    report = send(app)
    assert sent_to(report) == EXPECTED and report.skipped_recent == 0
    assert len(smtp_server.messages()) == 3 and smtp_server.to("valid@example.org") == []

    (overdue,) = smtp_server.to("overdue@example.org")
    assert overdue["Cc"] == "north.manager@example.org" and overdue["From"] == "training@example.org"
    assert overdue["Subject"] == "Your self-harm awareness training is overdue"
    body = overdue.get_content()
    assert f"was due on {(TODAY - timedelta(days=1)).strftime('%-d %B %Y')}" in body
    assert "https://training.example.org/\n" in body
    assert "your manager, Nora North" in body and "Dear Olive Overdue," in body
    delivery = next(d for d in smtp_server.deliveries if d.message is overdue)
    assert sorted(delivery.recipients) == ["north.manager@example.org", "overdue@example.org"]

    (expiring,) = smtp_server.to("expiring@example.org")
    expires = (TODAY + timedelta(days=10)).strftime("%-d %B %Y")
    assert expiring["Subject"] == f"Your self-harm awareness training expires on {expires}"
    assert "renew it now" in expiring.get_content()

    logs = db.scalars(select(ReminderLog)).all()
    assert sorted((log.kind, log.manager_copied) for log in logs) == [
        ("expiring", True),
        ("overdue", True),
        ("overdue", True),
    ]
    (audit,) = db.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.sent")).all()
    assert audit.details["count"] == 3


def test_the_message_says_who_to_ask_for_help(app, org, db, smtp_server, org_settings):
    org_settings(
        org_name="Riverside Trust",
        safeguarding_lead_name="Dev Shah",
        safeguarding_lead_role="Designated Safeguarding Lead",
        safeguarding_lead_contact="extension 214",
        wellbeing_contact="Staff support line 0800 000 000",
    )
    send(app)
    body = smtp_server.to("overdue@example.org")[0].get_content()
    assert "Designated Safeguarding Lead, Dev Shah (extension 214)" in body
    assert "Staff support line 0800 000 000" in body and body.rstrip().endswith("Riverside Trust")


def test_no_second_reminder_within_the_interval_then_again_after_it(app, org, db, smtp_server, org_settings):
    org_settings(reminder_interval_days=7)
    send(app)
    smtp_server.clear()
    for later in (0, 6):
        report = send(app, today=TODAY + timedelta(days=later))
        assert report.sent == [] and report.skipped_recent == 3
    assert smtp_server.messages() == []
    report = send(app, today=TODAY + timedelta(days=7))
    assert sent_to(report) == EXPECTED and len(smtp_server.messages()) == 3
    assert db.scalar(select(func.count()).select_from(ReminderLog)) == 6


def test_a_reminder_of_another_kind_is_not_a_repeat(app, org, db, smtp_server, org_settings):
    org_settings(reminder_interval_days=30)
    send(app)
    make_overdue(db, org.expiring)
    # Later the record has expired and the due date has passed: overdue, which they were not told.
    report = send(app, today=TODAY + timedelta(days=11))
    assert sent_to(report) == {"expiring@example.org": ("overdue", ("north.manager@example.org",))}


def test_dry_run_sends_and_records_nothing(app, org, db, smtp_server):
    report = send(app, dry_run=True)
    assert sent_to(report) == EXPECTED
    assert smtp_server.messages() == []
    assert db.scalar(select(func.count()).select_from(ReminderLog)) == 0
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_managers_scope_reaches_only_their_unit(app, org, db, smtp_server):
    with app.app_context():
        scope = Scope.for_viewer(database.session.get(User, org.north_manager.id))
    report = send(app, scope=scope)
    assert set(sent_to(report)) == {"overdue@example.org", "expiring@example.org"}
    assert smtp_server.to("south@example.org") == []


def test_a_manager_is_copied_to_the_manager_above_not_to_themselves(app, org, db, smtp_server):
    make_overdue(db, org.north_manager)
    report = send(app)
    assert sent_to(report)["north.manager@example.org"] == ("overdue", ("trust.manager@example.org",))


def test_a_refused_message_stops_sending_and_keeps_what_was_sent(app, org, db, smtp_server):
    smtp_server.refuse.add("overdue@example.org")  # the second of three, in name order
    with pytest.raises(ReminderError) as raised:
        send(app)
    message = str(raised.value)
    assert "refused the message to overdue@example.org" in message and "1 reminder(s) were sent" in message
    assert [item.email for item in raised.value.report.sent] == ["expiring@example.org"]
    assert [m["To"] for m in smtp_server.messages()] == ["expiring@example.org"]
    assert db.scalars(select(ReminderLog.user_id)).all() == [org.expiring.id]
    (audit,) = db.scalars(select(AuditEvent)).all()
    assert audit.details["count"] == 1 and "overdue@example.org" in audit.details["problem"]
    assert send(app, dry_run=True).skipped_recent == 1  # the one sent is not sent again


def test_the_mail_server_login_is_used_and_a_wrong_one_is_explained(app, org, db, smtp_server):
    app.config.update(SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD)
    assert len(send(app).sent) == 3 and smtp_server.logins == [USERNAME]
    app.config.update(SMTP_PASSWORD="wrong")
    with pytest.raises(ReminderError, match="did not accept the username and password"):
        send(app, today=TODAY + timedelta(days=30))


def test_an_unreachable_mail_server_is_explained(app, org, db, smtp_server):
    app.config.update(SMTP_PORT=1)
    with pytest.raises(ReminderError, match="Could not connect to the mail server at 127.0.0.1:1"):
        send(app)
    assert db.scalar(select(func.count()).select_from(ReminderLog)) == 0


def test_selection_takes_the_same_number_of_queries_for_more_people(app, org, db, make_user, org_unit):
    def statements():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(database.engine, "before_cursor_execute", listener)
        try:
            send(app, dry_run=True)
        finally:
            event.remove(database.engine, "before_cursor_execute", listener)
        return len(seen)

    before = statements()
    for number in range(5):
        unit = org_unit(f"Department {number}", UnitKind.DEPARTMENT, org.south)
        make_overdue(db, make_user(f"more{number}@example.org", unit=unit, password=None))
    assert statements() == before


def test_the_command_prints_what_it_would_send_and_then_sends(app, org, runner, smtp_server):
    dry = runner.invoke(args=["send-reminders", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "Would send overdue reminder to overdue@example.org (copy to north.manager@example.org)" in dry.output
    )
    assert "3 reminder(s) would be sent; 0 skipped" in dry.output and smtp_server.messages() == []
    real = runner.invoke(args=["send-reminders"])
    assert real.exit_code == 0, real.output
    assert "Sent expiring reminder to expiring@example.org" in real.output
    assert "3 reminder(s) sent" in real.output and len(smtp_server.messages()) == 3
    again = runner.invoke(args=["send-reminders"])
    assert "0 reminder(s) sent; 3 skipped because they were reminded within the last 7 day(s)" in again.output


def test_the_command_fails_clearly_when_a_message_is_refused(app, org, runner, smtp_server):
    smtp_server.refuse.add("expiring@example.org")
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 1
    assert "refused the message to expiring@example.org" in result.output
