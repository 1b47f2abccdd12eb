"""Completion records, withdrawals, quiz answers and audit events: the database refuses to change them."""

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.exc import IntegrityError

from course import migrate
from course.database import utcnow
from course.models import AttemptAnswer, AuditEvent, CourseCompletion, QuizAttempt, Revocation, User
from tests.factories import completion, quiz_attempt
from tests.fixtures.app import PROTECTED_TABLES

pytestmark = pytest.mark.database

REFUSED = {
    "course_completions": "completion records are never changed or deleted; add a withdrawal instead",
    "revocations": "withdrawals are never changed or deleted; record a new completion instead",
    "attempt_answers": "quiz answers are never changed or deleted",
    "audit_events": "audit events are never changed or deleted; record a new event instead",
}

# table: its model, a column and a new value for it
CHANGES = {
    "course_completions": (CourseCompletion, "expires_on", utcnow().date() + timedelta(days=9999)),
    "revocations": (Revocation, "reason", "changed"),
    "attempt_answers": (AttemptAnswer, "correct", True),
    "audit_events": (AuditEvent, "action", "changed"),
}


def test_the_suite_resets_exactly_these_tables_by_truncation():
    assert set(PROTECTED_TABLES) == set(REFUSED)


@pytest.fixture
def facts(make_user, db):
    """One row of each protected table, and the learner they are about."""
    learner = make_user(password=None)
    record = completion(learner, expires_in_days=100)
    attempt = quiz_attempt(learner)
    db.add_all([record, attempt])
    db.flush()
    db.add_all(
        [
            Revocation(completion_id=record.id, reason="Completed under another account"),
            AttemptAnswer(attempt_id=attempt.id, question_id="q1", position=0, selected=["a"], correct=False),
            AuditEvent(action="record.completed", subject=f"user:{learner.id}", actor_id=learner.id),
        ]
    )
    db.commit()
    return learner, attempt


def rows(db, model):
    return db.execute(select(model.__table__)).all()


@pytest.mark.parametrize("table", REFUSED)
def test_an_update_of_a_fact_is_refused(facts, db, table):
    model, column, value = CHANGES[table]
    before = rows(db, model)
    with pytest.raises(IntegrityError, match=f"{table}: {REFUSED[table]}"):
        db.execute(update(model).values({column: value}))
    db.rollback()
    assert rows(db, model) == before


@pytest.mark.parametrize("table", REFUSED)
def test_a_deletion_of_a_fact_is_refused(facts, db, table):
    model = CHANGES[table][0]
    with pytest.raises(IntegrityError, match=f"{table}: {REFUSED[table]}"):
        db.execute(delete(model))
    db.rollback()
    assert len(rows(db, model)) == 1


@pytest.mark.parametrize("table", REFUSED)
def test_a_raw_statement_is_refused_as_well(facts, db, table):
    """Whoever connects: plain SQL, as a hand-made fix would be typed."""
    with pytest.raises(IntegrityError, match=REFUSED[table]):
        db.execute(text(f"UPDATE {table} SET id = id"))  # noqa: S608  (names of ours)
    db.rollback()


def test_an_update_that_matches_no_row_is_not_an_error(facts, db):
    db.execute(update(CourseCompletion).where(CourseCompletion.id == -1).values(cpd_minutes=0))
    db.commit()


def test_only_blanking_an_audit_events_address_is_let_through(db):
    db.add(AuditEvent(action="test.event", subject="user:1", details={"a": 1}, ip="192.0.2.7"))
    db.commit()
    db.execute(text("UPDATE audit_events SET ip = ''"))  # the retention purge
    db.commit()
    assert db.scalar(select(AuditEvent.ip)) == ""
    for change in (
        "UPDATE audit_events SET ip = '198.51.100.1'",  # an address put back or made up
        "UPDATE audit_events SET ip = '', action = 'other'",  # a purge that changes anything else
        "UPDATE audit_events SET ip = '', details = '{}'",
    ):
        with pytest.raises(IntegrityError, match=REFUSED["audit_events"]):
            db.execute(text(change))
        db.rollback()


def test_removing_what_the_facts_hang_on_is_refused(facts, make_user, db):
    _, attempt = facts
    with pytest.raises(IntegrityError, match=REFUSED["attempt_answers"]):
        db.execute(delete(QuizAttempt).where(QuizAttempt.id == attempt.id))  # its answers would go
    db.rollback()
    learner = make_user(password=None)
    db.add(completion(learner, expires_in_days=100))
    db.commit()
    with pytest.raises(IntegrityError, match=REFUSED["course_completions"]):
        db.execute(delete(User).where(User.id == learner.id))  # their record would go
    db.rollback()
    assert db.get(User, learner.id) is not None


def test_new_facts_and_unprotected_rows_are_written_as_before(facts, db):
    learner, attempt = facts
    db.add(completion(learner, cycle=2, expires_in_days=400, completed_days_ago=0))
    db.add(AttemptAnswer(attempt_id=attempt.id, question_id="q2", position=1, selected=["b"], correct=True))
    db.execute(update(QuizAttempt).where(QuizAttempt.id == attempt.id).values(score=50))  # not a fact
    unanswered = quiz_attempt(learner, submitted=False)
    db.add(unanswered)
    db.commit()
    db.execute(delete(QuizAttempt).where(QuizAttempt.id == unanswered.id))
    db.commit()
    assert db.scalar(select(CourseCompletion.cycle).order_by(CourseCompletion.cycle.desc()).limit(1)) == 2


def test_the_downgrade_lifts_the_protection_and_the_upgrade_restores_it(database_url, app, db):
    """On the suite's database (SQLite or PostgreSQL); the test's cleanup starts the next one afresh."""
    engine = create_engine(database_url)
    change = text("UPDATE audit_events SET action = 'changed'")
    try:
        db.add(AuditEvent(action="test.event"))
        db.commit()
        db.remove()
        migrate.downgrade(database_url, "0009_invitations")  # the revision before the protection
        with engine.begin() as connection:
            assert connection.execute(change).rowcount == 1
        migrate.upgrade(database_url)
        with engine.begin() as connection, pytest.raises(IntegrityError, match=REFUSED["audit_events"]):
            connection.execute(change)
    finally:
        migrate.upgrade(database_url)
        engine.dispose()
