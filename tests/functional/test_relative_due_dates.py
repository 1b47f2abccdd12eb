"""Due dates relative to a person's start date ("within 30 days of starting"): the SQL status query
and the learner's own due date agree, on the boundary days too."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from course import org
from course.content import current_course
from course.extensions import db as database
from course.models import Assignment, OrgUnit, UnitKind, User
from course.progress.rules import relative_due_on
from course.progress.services import due_date, learner_state
from course.progress.status import Status
from course.reporting.queries import learner_rows
from course.reporting.services import report_context, summary
from tests import factories

pytestmark = pytest.mark.database

WITHIN = 30


def test_the_rule():
    assert relative_due_on(date(2026, 1, 31), 30) == date(2026, 3, 2)
    assert relative_due_on(None, 30) is None and relative_due_on(date(2026, 1, 1), None) is None


@pytest.fixture
def people(app, db, org_unit, make_user):
    """Learners who started 29, 30 and 31 days ago, one without a start date, under a unit assignment."""
    school = org_unit("School", UnitKind.SITE)
    today = factories.today()
    made = {}
    for label, started in (("d29", 29), ("d30", 30), ("d31", 31), ("none", None)):
        person = make_user(f"{label}@example.org", unit=school)
        person.started_on = today - timedelta(days=started) if started is not None else None
        made[label] = person.id
    db.add(Assignment(unit_id=school.id, within_days=WITHIN))
    db.commit()
    return made


def sql_rows(app):
    with app.app_context():
        return {row.email: row for row in database.session.execute(learner_rows(org.today(), 30))}


def test_sql_and_python_agree_on_the_boundary_days(app, db, people):
    today = factories.today()
    rows = sql_rows(app)
    expected = {
        "d29@example.org": (today + timedelta(days=1), Status.NOT_STARTED),
        "d30@example.org": (today, Status.NOT_STARTED),  # due today: not yet overdue
        "d31@example.org": (today - timedelta(days=1), Status.OVERDUE),
        "none@example.org": (None, Status.NOT_STARTED),  # no start date, no relative due date
    }
    with app.app_context():
        for email, (due, status) in expected.items():
            assert (rows[email].due_on, rows[email].status) == (due, status.value), email
            person = database.session.scalar(select(User).where(User.email == email))
            state = learner_state(person, current_course(), org.settings(), org.today())
            assert (due_date(person), state.due_on, state.status) == (due, due, status), email


def test_the_dashboard_counts_by_the_same_dates(app, db, people):
    with app.app_context():
        context = report_context()
        overview = summary(context.scope, context.today, context.window_days).overview
    assert overview.count(Status.OVERDUE) == 1 and overview.assigned == 3


def test_the_earliest_of_a_fixed_and_a_relative_due_date_counts(app, db, people):
    today = factories.today()
    db.add(Assignment(job_role="teacher", due_on=today + timedelta(days=5)))
    unit = db.scalar(select(OrgUnit))
    db.add(Assignment(unit_id=unit.id, within_days=10))
    db.commit()
    rows = sql_rows(app)
    # d29 started 29 days ago: 10 days from starting was 19 days ago, before the fixed date.
    assert rows["d29@example.org"].due_on == today - timedelta(days=19)
    assert rows["none@example.org"].due_on == today + timedelta(days=5)  # only the fixed date applies


def test_assigning_within_days_of_starting_on_the_page(app, web, make_user, db, org_unit):
    school = org_unit("School", UnitKind.SITE)
    make_user("admin@example.org", role="admin", unit=school)
    web.login("admin@example.org")
    done = web.submit(
        "/admin/assignments",
        {"target": "unit", "job_role": "teacher", "unit": school.id, "within_days": "30"},
    )
    assert done.status_code == 302
    assert "Within 30 days of starting" in web.get("/admin/assignments").get_data(as_text=True)
    both = web.submit(
        "/admin/assignments",
        {
            "target": "unit",
            "job_role": "teacher",
            "unit": school.id,
            "within_days": "30",
            "due_on": "2099-01-01",
        },
    )
    assert both.status_code == 422 and "not both" in both.get_data(as_text=True)
    neither = web.submit("/admin/assignments", {"target": "unit", "job_role": "teacher", "unit": school.id})
    assert neither.status_code == 422 and "number of days from starting" in neither.get_data(as_text=True)


@pytest.mark.parametrize("target", ["unit", "parent unit", "unit and parent unit", "job role", "person"])
def test_of_several_relative_assignments_the_fewest_days_win(app, db, org_unit, make_user, target):
    """Two assignments to the same people, within 40 and within 10 days of starting: the 10 days count
    (a learner 20 days in is overdue), in SQL, in the dashboard's tallies and in the learner's own due
    date."""
    trust = org_unit("Trust", UnitKind.ORGANISATION)
    school = org_unit("School", UnitKind.SITE, trust)
    person = make_user("late@example.org", unit=school)
    person.started_on = factories.today() - timedelta(days=20)
    where = {
        "unit": ({"unit_id": school.id}, {"unit_id": school.id}),
        "parent unit": ({"unit_id": trust.id}, {"unit_id": trust.id}),
        "unit and parent unit": ({"unit_id": trust.id}, {"unit_id": school.id}),
        "job role": ({"job_role": person.job_role}, {"job_role": person.job_role}),
        "person": ({"user_id": person.id}, {"user_id": person.id}),
    }[target]
    db.add_all([Assignment(within_days=40, **where[0]), Assignment(within_days=10, **where[1])])
    db.commit()
    row = sql_rows(app)["late@example.org"]
    due = factories.today() - timedelta(days=10)
    assert (row.due_on, row.status) == (due, Status.OVERDUE.value)
    with app.app_context():
        assert due_date(database.session.get(User, person.id)) == due
        context = report_context()
        overview = summary(context.scope, context.today, context.window_days).overview
    assert overview.count(Status.OVERDUE) == 1
