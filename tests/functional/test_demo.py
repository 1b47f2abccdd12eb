"""seed-demo: about 200 people in a small tree, every training status present, the same every time."""

import time

import pytest
from sqlalchemy import func, select

from course import org
from course.extensions import db as database
from course.models import AccountToken, CourseCompletion, OrgUnit, Revocation, User
from course.progress.status import Status
from course.reporting.queries import learner_rows
from tests.fixtures.app import empty_database

pytestmark = pytest.mark.database


def statuses(app):
    with app.app_context():
        rows = database.session.execute(learner_rows(org.today(), 30)).all()
        return {row.email: row.status for row in rows}


def test_the_demo_has_every_status_in_a_small_tree(app, runner, db):
    started = time.perf_counter()
    result = runner.invoke(args=["seed-demo"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert elapsed < 10, elapsed  # bulk statements: a few seconds at most, the one password hash included
    assert db.scalar(select(func.count()).select_from(User)) == 200
    kinds = dict(db.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind)).all())
    assert kinds == {"organisation": 1, "site": 3, "department": 9}
    found = statuses(app)
    assert set(found.values()) == {status.value for status in Status}
    assert db.scalar(select(func.count()).select_from(Revocation)) > 0  # withdrawn records
    not_invited = select(func.count()).where(
        User.password_hash.is_(None), User.id.not_in(select(AccountToken.user_id))
    )
    assert db.scalar(not_invited) > 0
    assert db.scalar(select(func.count()).where(User.staff_number.is_not(None))) == 196


def test_the_demo_is_the_same_every_time(app, runner, db):
    def snapshot():
        people = db.execute(
            select(User.email, User.unit_id, User.job_role, User.started_on).order_by(User.email)
        )
        records = db.execute(
            select(CourseCompletion.certificate_code, CourseCompletion.expires_on).order_by(
                CourseCompletion.certificate_code
            )
        )
        return people.all(), records.all(), statuses(app)

    runner.invoke(args=["seed-demo"])
    first = snapshot()
    database.session.remove()
    empty_database(
        database.engine, app.config["DATABASE_URL"]
    )  # records are never deleted: the database starts again from empty
    assert db.scalar(select(func.count()).select_from(User)) == 0
    runner.invoke(args=["seed-demo"])
    db.expire_all()
    assert snapshot()[1:] == first[1:]
    assert [row[0] for row in snapshot()[0]] == [row[0] for row in first[0]]
