"""The training-status rule, in Python and in SQL: the one home of "where does this learner stand?".

training_status decides one learner's status; sql_record_states and sql_training_status are the same
rule as SQL conditions on the learner summary the database keeps on each user row, for reports that
must not loop over learners. Both forms are built from the same split: record_status (the record and
progress alone) and past_due (the due date), and a property test checks they agree on every boundary.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, literal
from sqlalchemy.sql.elements import ColumnElement

from course.models import User


class Status(enum.StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    EXPIRING_SOON = "Expiring soon"
    EXPIRED = "Expired"
    OVERDUE = "Overdue"

    @property
    def css(self) -> str:
        return self.value.lower().replace(" ", "-")

    @property
    def valid(self) -> bool:
        """A record that is still valid: it settles the learner's training whatever is due."""
        return self in VALID


VALID = frozenset({Status.COMPLETED, Status.EXPIRING_SOON})


class RecordState(enum.StrEnum):
    """One completion record's state, worded the same for the learner, the admin and the public."""

    VALID = "Valid"
    EXPIRED = "Expired"
    WITHDRAWN = "Withdrawn"

    @property
    def css(self) -> str:
        return {"Valid": "completed", "Expired": "expired", "Withdrawn": "revoked"}[self.value]


def record_state(*, expires_on: date, revoked: bool, today: date) -> RecordState:
    """What one record says today, to anyone who looks at it."""
    if revoked:
        return RecordState.WITHDRAWN
    return RecordState.EXPIRED if today >= expires_on else RecordState.VALID


def window_opens(expires_on: date, window_days: int) -> date:
    """The first day of the renewal window ("expiring soon")."""
    return expires_on - timedelta(days=window_days)


@dataclass(frozen=True)
class RecordFacts:
    """What the status rules need to know about a learner's latest completion record."""

    expires_on: date
    revoked: bool = False


def record_status(*, today: date, latest: RecordFacts | None, started: bool, window_days: int) -> Status:
    """A learner's status from their record and progress alone, before any due date is considered."""
    if latest is not None and not latest.revoked:
        if today >= latest.expires_on:
            return Status.EXPIRED
        renewable = today >= window_opens(latest.expires_on, window_days)
        return Status.EXPIRING_SOON if renewable else Status.COMPLETED
    return Status.IN_PROGRESS if started else Status.NOT_STARTED


def past_due(status: Status, due_on: date | None, today: date) -> Status:
    """A valid record wins; without one, a passed due date makes the learner overdue."""
    if status.valid or due_on is None or today <= due_on:
        return status
    return Status.OVERDUE


def training_status(
    *, today: date, latest: RecordFacts | None, started: bool, due_on: date | None, window_days: int
) -> Status:
    """One learner's status."""
    return past_due(
        record_status(today=today, latest=latest, started=started, window_days=window_days), due_on, today
    )


def sql_record_states(today: date, window_days: int) -> list[tuple[Status, ColumnElement[bool]]]:
    """record_status as one SQL condition on the user row for each status.

    The summary holds the latest record's expiry only while that record is not withdrawn (see
    User.record_expires_on), so "no valid record" is an empty expiry. The conditions never overlap, so
    each learner meets exactly one; the valid states come first.
    """
    expires_on, started_at = User.record_expires_on, User.started_at
    # today >= window_opens(expires_on) is expires_on <= today + window_days.
    renewable_from = today + timedelta(days=window_days)
    return [
        (Status.EXPIRING_SOON, and_(expires_on > today, expires_on <= renewable_from)),
        (Status.COMPLETED, expires_on > renewable_from),
        (Status.EXPIRED, expires_on <= today),
        (Status.IN_PROGRESS, and_(expires_on.is_(None), started_at.is_not(None))),
        (Status.NOT_STARTED, and_(expires_on.is_(None), started_at.is_(None))),
    ]


def sql_training_status(today: date, window_days: int, due_on: ColumnElement[date]) -> ColumnElement[str]:
    """training_status as one SQL CASE: past_due applied to sql_record_states."""
    states = sql_record_states(today, window_days)
    valid = [(condition, literal(state.value)) for state, condition in states if state.valid]
    other = [(condition, literal(state.value)) for state, condition in states if not state.valid]
    return case(*valid, (due_on < today, literal(Status.OVERDUE.value)), *other)
