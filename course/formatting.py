"""Template helpers: times are stored in UTC and shown in the organisation's time zone."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from course import org
from course.database import utcnow
from course.models import CourseCompletion
from course.progress.status import RecordState, Status, record_state


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(org.zone()).strftime("%-d %B %Y, %H:%M")


def local_date(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(org.zone()).date()
    return value.strftime("%-d %B %Y")


def minutes(value: int) -> str:
    """ "1 minute", "5 minutes"."""
    return f"{value} minute" if value == 1 else f"{value} minutes"


def completion_state(completion: CourseCompletion, today: date | None = None) -> RecordState:
    """The state of a completion record (its revocation loaded), as every page words it."""
    return record_state(
        expires_on=completion.expires_on,
        revoked=completion.revocation is not None,
        today=today or org.today(),
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_date)
    app.add_template_filter(minutes)
    app.add_template_global(completion_state)
    app.add_template_global(utcnow, "now")
    app.add_template_global(Status, "Status")
