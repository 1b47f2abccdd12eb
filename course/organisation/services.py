"""Saving the organisation's settings: only what changed, audited, in one commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course import org
from course.audit import record
from course.extensions import db
from course.models import ORG_DEFAULTS
from course.records import services as records


def save_settings(
    values: Mapping[str, Any], *, logo: tuple[str, bytes] | None = None, remove_logo: bool = False
) -> dict[str, dict[str, object]]:
    """Store the new values of the settings (text trimmed), and a new certificate logo (its checked
    content type and bytes) or its removal; returns what changed, from and to."""
    current = org.settings_for_update()
    changes = {}
    for name in ORG_DEFAULTS:
        new = values[name]
        if isinstance(new, str):
            new = new.strip()
        if getattr(current, name) != new:
            changes[name] = {"from": getattr(current, name), "to": new}
            setattr(current, name, new)
    if logo is not None:
        records.save_logo(*logo)
        changes["logo"] = {"from": "", "to": f"{logo[0]}, {len(logo[1])} bytes"}
    elif remove_logo and records.remove_logo():
        changes["logo"] = {"from": "a logo", "to": ""}
    db.session.add(current)
    record("settings.changed", subject="settings", changes=changes)
    db.session.commit()
    return changes
