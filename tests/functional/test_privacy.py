"""Privacy: a person downloads everything held about them (JSON and CSV); an administrator erases a
person, whose records stay as anonymous counts; IP addresses leave the audit trail after the retention
period; the organisation's own privacy notice, linked from every page."""

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.database import utcnow
from course.models import AuditEvent, CourseCompletion, Role, User
from tests import factories

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def person(make_user, db):
    user = make_user("nia@example.org", name="Nia Newcomer")
    db.add(factories.completion(user, expires_in_days=200))
    db.commit()
    return user


def test_a_person_downloads_everything_held_about_them_as_json(web, person, make_user, db):
    make_user("someone.else@example.org", name="Someone Else")
    web.login("nia@example.org")
    response = web.get("/account/my-data.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    held = json.loads(response.data)
    assert held["users"][0]["email"] == "nia@example.org" and "password_hash" not in held["users"][0]
    assert len(held["course_completions"]) == 1
    assert any(event["action"] == "sign_in.succeeded" for event in held["audit_events"])
    assert "someone.else@example.org" not in response.get_data(as_text=True)  # only their own
    db.remove()
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "personal_data.exported")) is not None


def test_the_same_as_csv_one_cell_a_line(web, person):
    web.login("nia@example.org")
    response = web.get("/account/my-data.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["table", "row", "field", "value"]
    assert ["users", "1", "name", "Nia Newcomer"] in rows
    assert any(row[0] == "course_completions" and row[2] == "certificate_code" for row in rows)


def test_an_admin_erases_a_person_and_their_records_stay_anonymous(web, person, make_user, db):
    make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    before = db.scalar(select(func.count()).select_from(CourseCompletion))
    refused = web.submit(f"/admin/people/{person.id}/erase", {})
    assert refused.status_code == 422 and "Tick the box to confirm" in text(refused)
    done = web.submit(f"/admin/people/{person.id}/erase", {"confirm": "y"})
    assert done.status_code == 302
    db.remove()
    erased = db.get(User, person.id)
    assert (erased.name, erased.email) == (f"Erased person {person.id}", f"erased-{person.id}@erased.invalid")
    assert erased.password_hash is None and not erased.active
    assert db.scalar(select(func.count()).select_from(CourseCompletion)) == before  # records kept
    assert "Nia" not in text(web.get("/admin/people")) and "nia@example.org" not in text(
        web.get("/admin/people")
    )
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "person.erased"))
    assert event.subject == f"user:{person.id}"
    web.logout()
    assert web.login("nia@example.org").status_code == 200  # cannot sign in


def test_an_admin_cannot_erase_themselves(web, make_user):
    admin = make_user("admin@example.org", role=Role.ADMIN)
    web.login("admin@example.org")
    response = web.submit(f"/admin/people/{admin.id}/erase", {"confirm": "y"})
    assert response.status_code == 422 and "cannot erase yourself" in text(response)


def test_addresses_leave_the_audit_trail_after_the_retention_period(runner, make_user, db):
    db.add_all(
        [
            AuditEvent(action="old", ip="198.51.100.1", at=utcnow() - timedelta(days=91)),
            AuditEvent(action="recent", ip="198.51.100.2", at=utcnow() - timedelta(days=89)),
        ]
    )
    db.commit()
    result = runner.invoke(args=["purge-audit-addresses"])
    assert result.exit_code == 0 and "removed from 1 audit events older than 90 days" in result.output
    db.remove()
    ips = dict(db.execute(select(AuditEvent.action, AuditEvent.ip)).all())
    assert ips["old"] == "" and ips["recent"] == "198.51.100.2"  # the events themselves stay


def test_the_privacy_notice_is_linked_from_every_page_and_editable(client, org_settings):
    page = client.get("/sign-in")
    assert 'href="/privacy"' in text(page)
    assert "This training records what you need" in text(client.get("/privacy"))
    org_settings(privacy_notice="Our notice.\n\nSecond <b>paragraph</b>.")
    shown = text(client.get("/privacy"))
    assert "<p>Our notice.</p>" in shown and "Second &lt;b&gt;paragraph&lt;/b&gt;." in shown
