"""Pure rules for completion records: expiry, the renewal window, status and due dates."""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


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


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(completed_on: date, validity_months: int) -> date:
    """The first day on which a record completed on `completed_on` is no longer valid."""
    return add_months(completed_on, validity_months)


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
    if status in (Status.COMPLETED, Status.EXPIRING_SOON) or due_on is None or today <= due_on:
        return status
    return Status.OVERDUE


def training_status(
    *, today: date, latest: RecordFacts | None, started: bool, due_on: date | None, window_days: int
) -> Status:
    """One learner's status."""
    return past_due(
        record_status(today=today, latest=latest, started=started, window_days=window_days), due_on, today
    )


def renewal_opens_at(
    latest: RecordFacts | None, window_days: int, revoked_at: datetime | None
) -> date | None:
    """Since when work counts towards the next record: None for a first completion."""
    if latest is None:
        return None
    if latest.revoked and revoked_at is not None:
        return revoked_at.date()
    return window_opens(latest.expires_on, window_days)


def earliest_due(due_dates: Iterable[date]) -> date | None:
    """A learner covered by several assignments must meet the earliest due date."""
    return min(due_dates, default=None)
