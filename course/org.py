"""The organisation: its settings row (read once per request where a page needs it), its time zone, and
the one definition of "today" that every date rule uses."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g
from sqlalchemy import select

from course.extensions import db
from course.models import OrgSettings

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
