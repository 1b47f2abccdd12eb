"""The audit trail: every admin action and record change, with who, when and from where."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, User


def record(action: str, *, subject: str = "", actor: User | None = None, **details: Any) -> None:
    """Add an audit event to the current transaction; the caller's commit saves both together."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    ip = (request.remote_addr or "") if has_request_context() else ""
    db.session.add(
        AuditEvent(
            action=action, subject=subject, actor_id=actor.id if actor else None, details=details, ip=ip
        )
    )


def exported(filename: str) -> None:
    """Record that the signed-in person took a file of personal data away (an export, a certificate)."""
    record("personal_data.exported", file=filename)
    db.session.commit()


def trail_for(subject: str, limit: int = 100) -> list[AuditEvent]:
    """The latest events about one subject, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject == subject)
            .order_by(AuditEvent.at.desc())
            .limit(limit)
        )
    )
