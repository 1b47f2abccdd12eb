"""Pure rules for completion records: expiry, the renewal window, status, due dates, the logo."""

from __future__ import annotations

import calendar
import enum
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from PIL import Image, UnidentifiedImageError


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


class RecordState(enum.StrEnum):
    """One completion record's state, worded the same for the learner, the admin and the public."""

    VALID = "Valid"
    EXPIRED = "Expired"
    WITHDRAWN = "Withdrawn"

    @property
    def css(self) -> str:
        return {"Valid": "completed", "Expired": "expired", "Withdrawn": "revoked"}[self.value]


def record_state(*, expires_on: date, revoked: bool, today: date) -> RecordState:
    if revoked:
        return RecordState.WITHDRAWN
    return RecordState.EXPIRED if today >= expires_on else RecordState.VALID


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
) -> datetime | None:
    """The moment from which work counts towards the next record: None for a first completion.

    After a withdrawal it is the withdrawal itself: quizzes passed earlier that day earned the withdrawn
    record and must not count again (they would show every module complete while no record exists).
    """
    if latest is None:
        return None
    if latest.revoked and revoked_at is not None:
        return revoked_at
    return datetime.combine(window_opens(latest.expires_on, window_days), time(), UTC)


def earliest_due(due_dates: Iterable[date]) -> date | None:
    """A learner covered by several assignments must meet the earliest due date."""
    return min(due_dates, default=None)


LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 2000  # on either side
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# How a whole file of each type ends: the check for truncation, which Pillow skips once WeasyPrint
# has set ImageFile.LOAD_TRUNCATED_IMAGES for the process.
LOGO_ENDINGS = {"PNG": b"IEND\xaeB`\x82", "JPEG": b"\xff\xd9"}


class LogoRefused(ValueError):
    """The uploaded file cannot be the certificate logo; the message says why, for the admin."""


def logo_content_type(data: bytes) -> str:
    """The MIME type of an uploaded logo, from its content (never its name): it must decode as a whole
    PNG or JPEG within the limits. Raises LogoRefused otherwise."""
    if not data:
        raise LogoRefused("Choose a PNG or JPEG file.")
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused(f"The logo must be {LOGO_MAX_BYTES // 1024} KB or smaller.")
    not_an_image = LogoRefused("The logo must be a PNG or JPEG image.")
    try:
        with Image.open(io.BytesIO(data), formats=tuple(LOGO_TYPES)) as image:
            kind, size = str(image.format), image.size
            if max(size) <= LOGO_MAX_PIXELS:
                image.load()  # decodes every pixel: a corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise not_an_image from error
    if not data.endswith(LOGO_ENDINGS[kind]):  # truncated
        raise not_an_image
    if max(size) > LOGO_MAX_PIXELS:
        raise LogoRefused(f"The logo must be at most {LOGO_MAX_PIXELS} pixels wide and high.")
    return LOGO_TYPES[kind]
