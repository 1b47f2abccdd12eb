"""The audit trail: every admin action and record change, with who, when and from where."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select

from course.database import utcnow
from course.extensions import db
from course.models import AuditEvent, User

BATCH = 1000


def record(action: str, *, subject: str = "", actor: User | None = None, **details: Any) -> None:
    """Add an audit event to the current transaction; the caller's commit saves both together."""
    actor_id, ip = _who(actor)
    db.session.add(AuditEvent(action=action, subject=subject, actor_id=actor_id, details=details, ip=ip))


def record_many(action: str, subjects: Sequence[str], *, actor: User | None = None, **details: Any) -> None:
    """record for many subjects at once: one event each, written in one statement."""
    record_each(action, ((subject, details) for subject in subjects), actor=actor)


def record_each(
    action: str, events: Iterable[tuple[str, dict[str, Any]]], *, actor: User | None = None
) -> None:
    """One event per (subject, details), written in bulk statements of up to 1,000 rows (an import
    writes one for each of tens of thousands of people)."""
    actor_id, ip = _who(actor)
    at = utcnow()
    rows = [
        {"at": at, "action": action, "subject": subject, "actor_id": actor_id, "details": details, "ip": ip}
        for subject, details in events
    ]
    table = AuditEvent.__table__  # Core: no per-row ORM work
    for start in range(0, len(rows), BATCH):
        db.session.connection().execute(insert(table), rows[start : start + BATCH])  # type: ignore[arg-type]


def _who(actor: User | None) -> tuple[int | None, str]:
    """The actor (the signed-in user unless given) and the client's address, when there is a request."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    ip = (request.remote_addr or "") if has_request_context() else ""
    return (actor.id if actor else None), ip


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
