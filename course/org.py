"""The organisation's settings row, read once per request where a page needs it."""

from __future__ import annotations

from flask import g

from course.extensions import db
from course.models import OrgSettings


def settings() -> OrgSettings:
    """The settings (defaults until an admin saves them), cached for the rest of the request."""
    if "org_settings" not in g:
        g.org_settings = db.session.get(OrgSettings, 1) or OrgSettings.with_defaults()
    found: OrgSettings = g.org_settings
    return found
