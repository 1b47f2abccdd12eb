"""The organisation: its settings row (read once per request where a page needs it), its time zone, the
one definition of "today" that every date rule uses, and how its reminder days are written."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g
from sqlalchemy import select

from course.extensions import db
from course.models import OrgSettings

MAX_STAGES = 6
MAX_STAGE_DAYS = 365
_TABLE = OrgSettings.__table__
_ROW = select(_TABLE).where(_TABLE.c.id == 1)


def settings() -> OrgSettings:
    """The settings (defaults until an admin saves them), cached for the rest of the request.

    Read-only: a plain object built from the row (no ORM identity); edit through settings_for_update().
    """
    if "org_settings" not in g:
        row = db.session.connection().execute(_ROW).mappings().first()
        g.org_settings = OrgSettings(**row) if row is not None else OrgSettings.with_defaults()
    found: OrgSettings = g.org_settings
    return found


def settings_for_update() -> OrgSettings:
    """The settings row as an ORM object in this session, to change and commit."""
    return db.session.get(OrgSettings, 1) or OrgSettings.with_defaults()


def zone() -> ZoneInfo:
    """The organisation's time zone (ORG_TIMEZONE): dates are shown, and days counted, in it."""
    return ZoneInfo(current_app.config["ORG_TIMEZONE"])


def today() -> date:
    """Today in the organisation's time zone: the day every due date, expiry and reminder is judged on."""
    return datetime.now(zone()).date()


def parse_stages(text: str) -> tuple[int, ...]:
    """The reminder stages from "30, 7, 0": whole numbers of days, distinct, largest first. Raises
    ValueError with a message that says what to fix."""
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise ValueError("Enter at least one number of days, for example 30, 7, 0.")
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError("Enter whole numbers of days separated by commas, for example 30, 7, 0.")
    if any(len(part) > 3 or int(part) > MAX_STAGE_DAYS for part in parts):
        raise ValueError(f"Enter numbers of days from 0 to {MAX_STAGE_DAYS}.")
    days = sorted({int(part) for part in parts}, reverse=True)
    if len(days) > MAX_STAGES:
        raise ValueError(f"Enter at most {MAX_STAGES} numbers of days.")
    return tuple(days)


def format_stages(stages: Iterable[int]) -> str:
    return ",".join(str(days) for days in stages)
