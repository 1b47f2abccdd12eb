"""The outbox against a real SMTP server: saved with the fact it reports, delivered once, retried while
the server is down, kept when refused for good, and shown to administrators."""

from datetime import timedelta

import pytest

from course.database import utcnow
from course.extensions import db as database
from course.mail import queue_mail
from course.models import AuditEvent, OutboxMessage, Role
from course.outbox.services import deliver

pytestmark = pytest.mark.database


def queue(app, to="learner@example.org", commit=True):
    with app.app_context():
        queue_mail(to=to, subject="Your training", body="Plain words.", html="<p>Plain words.</p>")
        if commit:
            database.session.commit()
        else:
            database.session.rollback()


def run(app, **kwargs):
    with app.app_context():
        return deliver(**kwargs)


def messages(app):
    with app.app_context():
        return database.session.query(OutboxMessage).order_by(OutboxMessage.id).all()


def test_a_rolled_back_transaction_sends_nothing(app, smtp_server):
    queue(app, commit=False)
    assert messages(app) == []
    assert run(app).delivered == 0 and smtp_server.messages() == []


def test_a_queued_mail_is_delivered_once_with_text_and_html(app, smtp_server):
    queue(app)
    assert run(app).delivered == 1
    assert run(app).delivered == 0  # delivered messages are not sent again
    [sent] = smtp_server.to("learner@example.org")
    assert sent["Subject"] == "Your training"
    assert {part.get_content_type() for part in sent.walk()} >= {"text/plain", "text/html"}
    [message] = messages(app)
    assert message.delivered_at is not None and message.attempts == 1 and message.last_error == ""


def test_while_the_server_is_down_the_mail_waits_and_arrives_later(app, smtp_server):
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = 1  # nothing listens there
    queue(app)
    report = run(app)
    assert (report.delivered, report.retrying) == (0, 1)
    [waiting] = messages(app)
    assert (
        waiting.delivered_at is None
        and waiting.refused_at is None
        and "Could not connect" in waiting.last_error
    )
    assert run(app).retrying == 0, "not due again until its next attempt"
    app.config["SMTP_PORT"] = port
    assert run(app, now=waiting.next_attempt_at + timedelta(seconds=1)).delivered == 1
    assert len(smtp_server.to("learner@example.org")) == 1


def test_a_permanently_refused_address_is_kept_not_retried(app, smtp_server):
    smtp_server.refuse.add("gone@example.org")
    queue(app, to="gone@example.org")
    assert run(app).refused == 1
    [refused] = messages(app)
    assert refused.refused_at is not None and "550" in refused.last_error
    assert run(app, now=utcnow() + timedelta(days=1)).refused == 0, "never tried again by itself"


def test_a_message_claimed_by_one_run_is_not_sent_by_another(app, smtp_server):
    queue(app)
    with app.app_context():
        message = database.session.query(OutboxMessage).one()
        message.next_attempt_at = utcnow() + timedelta(minutes=5)  # as a run in another process leaves it
        database.session.commit()
    assert run(app).delivered == 0 and smtp_server.messages() == []


def test_an_administrator_sees_what_failed_and_can_try_again(app, smtp_server, make_user, web):
    smtp_server.refuse.add("gone@example.org")
    queue(app, to="gone@example.org")
    run(app)
    make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    page = web.get("/admin/outbox").get_data(as_text=True)
    assert "550" in page and "Refused" in page
    [message] = messages(app)
    response = web.submit("/admin/outbox", {}, action=f"/admin/outbox/{message.id}/retry")
    assert response.status_code == 302
    smtp_server.refuse.clear()
    assert run(app).delivered == 1
    with app.app_context():
        assert database.session.query(AuditEvent).filter_by(action="outbox.retry").count() == 1
    assert "Everything has been delivered" in web.get("/admin/outbox").get_data(as_text=True)


def test_the_send_command_reports_what_it_did(app, smtp_server, runner):
    queue(app)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "1 delivered, 0 to retry later, 0 refused." in result.output
