from datetime import UTC, date, datetime, timedelta

import pytest

from course.progress.rules import add_months, expiry_for, renewal_opens_at
from course.progress.status import (
    RecordFacts,
    RecordState,
    Status,
    past_due,
    record_state,
    training_status,
    window_opens,
)

EXPIRES = date(2027, 11, 25)
VALID = RecordFacts(EXPIRES)


def status(today, latest=VALID, started=True, due_on=None, window_days=30):
    return training_status(
        today=today, latest=latest, started=started, due_on=due_on, window_days=window_days
    )


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 11, 25), 12, date(2027, 11, 25)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_expiry_is_the_validity_period_after_completion():
    assert expiry_for(date(2026, 11, 25), 12) == EXPIRES


def test_the_day_before_the_window_is_completed():
    assert window_opens(EXPIRES, 30) == date(2027, 10, 26)
    assert status(date(2027, 10, 25)) == Status.COMPLETED


def test_the_first_day_of_the_window_is_expiring_soon():
    assert status(date(2027, 10, 26)) == Status.EXPIRING_SOON


def test_the_last_valid_day_is_expiring_soon():
    assert status(date(2027, 11, 24)) == Status.EXPIRING_SOON


def test_the_day_of_expiry_is_expired():
    assert status(date(2027, 11, 25)) == Status.EXPIRED


def test_expired_and_past_a_due_date_is_overdue():
    assert status(date(2027, 12, 2), due_on=date(2027, 12, 1)) == Status.OVERDUE


def test_the_due_date_itself_is_not_overdue():
    assert status(date(2026, 12, 1), latest=None, due_on=date(2026, 12, 1)) == Status.IN_PROGRESS
    assert status(date(2026, 12, 2), latest=None, due_on=date(2026, 12, 1)) == Status.OVERDUE


def test_a_valid_record_is_never_overdue():
    assert status(date(2027, 1, 1), due_on=date(2026, 12, 1)) == Status.COMPLETED
    assert status(date(2027, 11, 24), due_on=date(2026, 12, 1)) == Status.EXPIRING_SOON  # still valid


def test_past_due_keeps_both_valid_states_and_makes_the_others_overdue():
    today, passed = date(2027, 1, 2), date(2027, 1, 1)
    for state in Status:
        expected = state if state in (Status.COMPLETED, Status.EXPIRING_SOON) else Status.OVERDUE
        assert past_due(state, passed, today) == expected, state
        assert past_due(state, today, today) == state  # the due day itself
        assert past_due(state, None, today) == state  # nothing assigned


def test_a_revoked_record_counts_as_none():
    revoked = RecordFacts(EXPIRES, revoked=True)
    assert status(date(2027, 1, 1), latest=revoked, started=False) == Status.NOT_STARTED
    assert status(date(2027, 1, 1), latest=revoked, due_on=date(2026, 12, 1)) == Status.OVERDUE


def test_not_started_and_in_progress():
    assert status(date(2026, 1, 1), latest=None, started=False) == Status.NOT_STARTED
    assert status(date(2026, 1, 1), latest=None, started=True) == Status.IN_PROGRESS


def test_renewal_counts_work_from_the_window_or_the_revocation():
    assert renewal_opens_at(None, 30, None) is None
    assert renewal_opens_at(RecordFacts(EXPIRES), 30, None) == datetime(2027, 10, 26, tzinfo=UTC)
    revoked_at = datetime(2027, 3, 1, 12, tzinfo=UTC)
    # From the moment of the withdrawal, not its day: that morning's passes earned the withdrawn record.
    assert renewal_opens_at(RecordFacts(EXPIRES, revoked=True), 30, revoked_at) == revoked_at


def test_what_a_record_says_to_anyone_who_checks_it():
    last_day = EXPIRES - timedelta(days=1)
    assert record_state(expires_on=EXPIRES, revoked=False, today=last_day) == RecordState.VALID
    # the expiry day itself
    assert record_state(expires_on=EXPIRES, revoked=False, today=EXPIRES) == RecordState.EXPIRED
    assert record_state(expires_on=EXPIRES, revoked=True, today=last_day) == RecordState.WITHDRAWN
    assert record_state(expires_on=EXPIRES, revoked=True, today=EXPIRES) == RecordState.WITHDRAWN
