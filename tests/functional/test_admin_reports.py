from collections import Counter
from datetime import timedelta

import pytest

from course.database import utcnow
from course.models import (
    Assignment,
    AuditEvent,
    ConfidenceRating,
    CourseCompletion,
    JobRole,
    OrgSettings,
    Revocation,
    Role,
    SectionView,
    User,
)
from course.people.rules import Scope
from course.people.services import in_scope
from course.progress import services as progress
from course.progress.status import Status
from course.reporting import services as reports
from course.reporting.queries import learner_rows
from tests import factories
from tests.factories import SETTINGS_FORM, completion

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


def add_record(db, user, **facts):
    record = completion(user, **facts)
    db.add(record)
    db.commit()
    return record


@pytest.fixture
def population(app, make_user, org_unit, db):
    trust = org_unit("Trust", "organisation")
    school = org_unit("School", "site", trust)
    ward = org_unit("Ward", "site", trust)
    people = {}
    people["not_started"] = make_user("ns@example.org", unit=school)
    people["in_progress"] = make_user("ip@example.org", unit=school, job_role=JobRole.NURSE)
    db.add(SectionView(user_id=people["in_progress"].id, module_id="understanding", section_id="x"))
    people["completed"] = make_user("done@example.org", unit=school)
    add_record(db, people["completed"], expires_in_days=300)
    people["expiring"] = make_user("soon@example.org", unit=ward, job_role=JobRole.NURSE)
    add_record(db, people["expiring"], expires_in_days=10)
    people["expired"] = make_user("old@example.org", unit=ward)
    add_record(db, people["expired"], expires_in_days=0, completed_days_ago=400)
    people["overdue"] = make_user("late@example.org", unit=ward)
    db.add(Assignment(user_id=people["overdue"].id, due_on=factories.today() - timedelta(days=1)))
    people["revoked"] = make_user("revoked@example.org", unit=school)
    revoked = add_record(db, people["revoked"], expires_in_days=300)
    db.add(Revocation(completion_id=revoked.id, reason="test"))
    people["unit_assigned"] = make_user("unitdue@example.org", unit=ward)
    db.add(Assignment(unit_id=trust.id, due_on=factories.today() + timedelta(days=20)))
    make_user("gone@example.org", unit=school, active=False)
    make_user("admin@example.org", role=Role.ADMIN, unit=trust)
    db.commit()
    return people, {"trust": trust, "school": school, "ward": ward}


EXPECTED = {
    "not_started": Status.NOT_STARTED,
    "in_progress": Status.IN_PROGRESS,
    "completed": Status.COMPLETED,
    "expiring": Status.EXPIRING_SOON,
    "expired": Status.EXPIRED,
    "overdue": Status.OVERDUE,
    "revoked": Status.NOT_STARTED,
    "unit_assigned": Status.NOT_STARTED,
}


def test_sql_status_matches_the_status_rules(app, population, db):
    people, _ = population
    today = factories.today()
    with app.app_context():
        sql = {row.email: row.status for row in db.execute(learner_rows(today, 30))}
        settings = OrgSettings.with_defaults()
        course = app.extensions["course"]
        db.expire_all()  # the database's triggers updated the users' summaries behind this session
        for key, user in people.items():
            user = db.get(User, user.id)
            python = progress.learner_state(user, course, settings, today).status
            assert python == EXPECTED[key], key
            assert sql[user.email] == EXPECTED[key].value, key
    assert "gone@example.org" not in sql  # deactivated people are not counted


def test_everyone_under_an_assigned_unit_is_assigned(app, population, db):
    with app.app_context():
        rows = {r.email: r.due_on for r in db.execute(learner_rows(factories.today(), 30))}
    assert rows["unitdue@example.org"] == factories.today() + timedelta(days=20)
    assert rows["ns@example.org"] == factories.today() + timedelta(days=20)  # school is under the trust
    assert rows["late@example.org"] == factories.today() - timedelta(days=1)  # the earliest due date wins


def test_a_person_joining_an_assigned_unit_is_assigned(app, population, make_user, db):
    _, units = population
    newcomer = make_user("new@example.org", unit=units["school"])
    with app.app_context():
        rows = {r.email: r.due_on for r in db.execute(learner_rows(factories.today(), 30))}
    assert rows[newcomer.email] is not None


def test_overview_counts(app, population):
    with app.app_context():
        overview = reports.summary(Scope(None), factories.today(), 30).overview
    assert overview.learners == 9  # eight people plus the admin
    assert overview.count(Status.OVERDUE) == 1 and overview.count(Status.EXPIRING_SOON) == 1
    assert overview.in_date == 2 and overview.assigned == 9


def test_the_dashboard_tallies_agree_with_every_learners_status(app, population, db):
    _, units = population
    today = factories.today()
    with app.app_context():
        for scope in (Scope(None), Scope(units["ward"].path)):
            rows = db.execute(in_scope(learner_rows(today, 30), scope)).all()
            overview = reports.summary(scope, today, 30).overview
            assert overview.by_status == dict(Counter(row.status for row in rows))
            assert overview.assigned == sum(row.due_on is not None for row in rows)


def test_by_unit_and_job_role(app, population):
    _, units = population
    with app.app_context():
        everyone = reports.summary(Scope(None), factories.today(), 30)
        school_only = reports.summary(Scope(units["school"].path), factories.today(), 30)
    by_unit = {r.label: r for r in everyone.units}
    by_role = {r.label: r for r in everyone.roles}
    assert (by_unit["Ward"].learners, by_unit["Ward"].in_date, by_unit["Ward"].overdue) == (4, 1, 1)
    assert [r.label for r in school_only.units] == ["School"]
    assert by_role["Nurse"].learners == 2


def test_completions_per_month(app, population):
    with app.app_context():
        today = factories.today()
        months = dict(reports.completions_per_month(Scope(None), today - timedelta(days=500), today))
        none_yet = reports.completions_per_month(
            Scope(None), today + timedelta(days=40), today + timedelta(days=90)
        )
    assert sum(months.values()) == 4
    assert len(months) in (17, 18)  # every month from 500 days ago to this one, with or without records
    assert months[f"{utcnow() - timedelta(days=30):%Y-%m}"] == 3  # three records completed 30 days ago
    assert none_yet == []  # months without a single record give no chart at all


def test_dashboard_page_shows_counts_charts_and_tables(population, web):
    web.login("admin@example.org")
    page = text(web.get("/admin/"))
    assert "Training dashboard" in page
    assert page.count('role="img"') == 3 and page.count("<table>") == 3
    assert "expiring within 30 days" in page


class TestLearnerList:
    def login(self, web):
        web.login("admin@example.org")

    def test_filter_by_status(self, population, web):
        self.login(web)
        page = text(web.get("/admin/learners?status=Overdue"))
        assert "late@example.org" in page and "ns@example.org" not in page and "1 learner found" in page

    def test_filter_by_unit_includes_sub_units(self, population, web):
        _, units = population
        self.login(web)
        page = text(web.get(f"/admin/learners?unit={units['trust'].id}"))
        assert "ns@example.org" in page and "late@example.org" in page
        page = text(web.get(f"/admin/learners?unit={units['school'].id}"))
        assert "ns@example.org" in page and "late@example.org" not in page

    def test_search_role_and_due_date(self, population, web):
        self.login(web)
        assert "1 learner found" in text(web.get("/admin/learners?q=SOON"))
        assert "2 learners found" in text(web.get("/admin/learners?job_role=nurse"))
        due = factories.today().isoformat()
        assert "late@example.org" in text(web.get(f"/admin/learners?due_before={due}"))

    def test_sorting_and_pagination(self, population, web, make_user, db, monkeypatch):
        import course.reporting.routes as learners

        monkeypatch.setattr(learners, "PAGE_SIZE", 3)
        self.login(web)
        first = text(web.get("/admin/learners?sort=name"))
        assert "Page 1 of 3" in first and "Next page" in first
        third = text(web.get("/admin/learners?sort=name&page=3"))
        assert "Previous page" in third and "Next page" not in third

    def test_bad_filter_values_do_not_break_the_page(self, population, web):
        self.login(web)
        response = web.get("/admin/learners?due_before=not-a-date&unit=abc&page=-3")
        assert response.status_code == 200


def test_learner_detail_and_revocation(population, web, db):
    people, _ = population
    web.login("admin@example.org")
    user = people["completed"]
    page = text(web.get(f"/admin/learners/{user.id}"))
    assert "done@example.org" in page and "Withdraw record" in page
    record = db.query(CourseCompletion).filter_by(user_id=user.id).one()
    empty = web.submit(
        f"/admin/learners/{user.id}", {"reason": ""}, action=f"/admin/records/{record.id}/revoke"
    )
    assert "Give a reason" in text(web.get(empty.headers["Location"]))
    web.submit(
        f"/admin/learners/{user.id}",
        {"reason": "Signed in as someone else"},
        action=f"/admin/records/{record.id}/revoke",
    )
    assert db.query(Revocation).filter_by(completion_id=record.id).count() == 1
    page = text(web.get(f"/admin/learners/{user.id}"))
    assert "Withdrawn" in page and "record.revoked" in page
    assert db.query(CourseCompletion).filter_by(id=record.id).one().expires_on  # the record itself is kept


class TestSettings:
    def test_saved_validated_and_audited(self, population, web, db):
        web.login("admin@example.org")
        data = {
            "org_name": "Northfield",
            "region": "US",
            "safeguarding_lead_name": "Sam",
            "safeguarding_lead_role": "DSL",
            "safeguarding_lead_contact": "Room 1",
            "policy_url": "https://example.org/p",
            "wellbeing_contact": "EAP",
            "certificate_months": "24",
            "pass_mark": "",
            "expiring_window_days": "45",
            "reminder_interval_days": "14",
            "retake_review_after": "3",
        }
        response = web.submit("/admin/settings", data)
        assert response.status_code == 302
        settings = db.get(OrgSettings, 1)
        assert (settings.region, settings.certificate_months, settings.pass_mark) == ("US", 24, None)
        event = db.query(AuditEvent).filter_by(action="settings.changed").one()
        assert event.details["changes"]["region"] == {"from": "UK", "to": "US"}

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("certificate_months", "0", "from 1 to 60"),
            ("pass_mark", "20", "from 50 to 100"),
            ("policy_url", "javascript:alert(1)", "starting https://"),
            ("org_name", "", "Enter the organisation"),
            ("region", "XX", "Not a valid choice"),
            ("retake_review_after", "-1", "from 0 to 10"),
            ("retake_review_after", "", "Enter a number of attempts."),
        ],
    )
    def test_bad_values_are_explained_and_not_saved(self, population, web, db, field, value, message):
        web.login("admin@example.org")
        data = {**SETTINGS_FORM, field: value}
        response = web.submit("/admin/settings", data)
        assert response.status_code == 422 and message in text(response)
        assert db.get(OrgSettings, 1) is None


class TestAssignments:
    def test_assign_unit_role_and_person(self, population, web, db):
        _, units = population
        web.login("admin@example.org")
        due = (factories.today() + timedelta(days=30)).isoformat()
        for data in (
            {"target": "unit", "unit": units["ward"].id},
            {"target": "job_role", "job_role": "nurse"},
            {"target": "person", "email": "NS@example.org"},
        ):
            response = web.submit(
                "/admin/assignments",
                {
                    **data,
                    "due_on": due,
                    "unit": units["ward"].id,
                    "job_role": data.get("job_role", "teacher"),
                },
            )
            assert response.status_code == 302, text(response)
        assert db.query(Assignment).count() == 5
        assert db.query(AuditEvent).filter_by(action="assignment.created").count() == 3

    def test_errors(self, population, web, db):
        _, units = population
        web.login("admin@example.org")
        past = (factories.today() - timedelta(days=1)).isoformat()
        response = web.submit(
            "/admin/assignments",
            {"target": "unit", "unit": units["ward"].id, "due_on": past, "job_role": "teacher"},
        )
        assert response.status_code == 422 and "The due date is in the past" in text(response)
        response = web.submit(
            "/admin/assignments",
            {
                "target": "person",
                "email": "nobody@example.org",
                "due_on": "2099-01-01",
                "unit": units["ward"].id,
                "job_role": "teacher",
            },
        )
        assert "No account has that email address" in text(response)

    def test_remove(self, population, web, db):
        web.login("admin@example.org")
        assignment = db.query(Assignment).first()
        web.submit("/admin/assignments", {}, action=f"/admin/assignments/{assignment.id}/delete")
        assert db.get(Assignment, assignment.id) is None


class TestPeople:
    def test_edit_and_deactivate_keeps_records(self, population, web, db, app):
        people, units = population
        user = people["completed"]
        signed_in = __import__("tests.fixtures.app", fromlist=["Web"]).Web(app.test_client())
        signed_in.login("done@example.org")
        web.login("admin@example.org")
        response = web.submit(
            f"/admin/people/{user.id}/edit",
            {
                "name": "Dana Done",
                "email": "dana@example.org",
                "job_role": "nurse",
                "role": "learner",
                "unit": units["ward"].id,
            },
        )  # "active" unticked
        assert response.status_code == 302
        db.expire_all()
        changed = db.get(User, user.id)
        assert (changed.name, changed.email, changed.active) == ("Dana Done", "dana@example.org", False)
        assert db.query(CourseCompletion).filter_by(user_id=user.id).count() == 1
        assert signed_in.get("/").status_code == 302  # signed out at once

    def test_cannot_take_an_email_already_used(self, population, web):
        people, units = population
        response = web.login("admin@example.org")
        response = web.submit(
            f"/admin/people/{people['completed'].id}/edit",
            {
                "name": "X",
                "email": "NS@example.org",
                "job_role": "nurse",
                "role": "learner",
                "unit": units["ward"].id,
                "active": "y",
            },
        )
        assert response.status_code == 422 and "already exists" in text(response)

    def test_admin_cannot_lock_themselves_out(self, population, web, db):
        admin = db.query(User).filter_by(email="admin@example.org").one()
        web.login("admin@example.org")
        response = web.submit(
            f"/admin/people/{admin.id}/edit",
            {
                "name": "A",
                "email": "admin@example.org",
                "job_role": "other",
                "role": "learner",
                "unit": admin.unit_id,
                "active": "y",
            },
        )
        assert response.status_code == 422 and "your own administrator access" in text(response)

    def test_search(self, population, web):
        web.login("admin@example.org")
        page = text(web.get("/admin/people?q=late"))
        assert "late@example.org" in page and "ns@example.org" not in page


def test_audit_log_filters_and_exports(population, web, db):
    web.login("admin@example.org")
    web.submit(
        "/admin/assignments",
        {"target": "job_role", "job_role": "nurse", "due_on": "2099-01-01", "unit": population[1]["ward"].id},
    )
    page = text(web.get("/admin/audit?action=assignment"))
    assert "assignment.created" in page and "1 event." in page
    assert "0 events." in text(web.get("/admin/audit?actor=nobody@example.org"))
    csv = web.get("/admin/audit.csv?action=assignment").get_data(as_text=True)
    assert csv.startswith("\ufeff") and "assignment.created" in csv and "admin@example.org" in csv


def test_learning_gain_report(population, web, db):
    people, _ = population
    db.add_all(
        [
            ConfidenceRating(user_id=people["completed"].id, module_id="responding", stage="pre", rating=2),
            ConfidenceRating(user_id=people["completed"].id, module_id="responding", stage="post", rating=5),
            ConfidenceRating(user_id=people["not_started"].id, module_id="responding", stage="pre", rating=3),
        ]
    )
    db.commit()
    web.login("admin@example.org")
    page = text(web.get("/admin/learning-gain"))
    assert "2.5" in page and "5.0" in page and "+2.5" in page and "2 / 1" in page


def test_item_analysis_page(population, web):
    web.login("admin@example.org")
    page = text(web.get("/admin/quizzes?module=responding"))
    assert "Quiz questions" in page and "responding-q01" in page
