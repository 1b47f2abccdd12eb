"""Reading the audit log: every admin action and record change, newest first."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from course.extensions import db
from course.models import AuditEvent, User

Actor = aliased(User)
CSV_HEADER = ("when (UTC)", "who", "action", "subject", "details", "from address")


def events(
    action: str = "", actor: str = "", since: date | None = None, until: date | None = None
) -> Select[AuditEvent, str]:
    """The events matching the filters (empty ones filter nothing), with the actor's email."""
    query = select(AuditEvent, Actor.email).outerjoin(Actor, Actor.id == AuditEvent.actor_id)
    if action:
        query = query.where(AuditEvent.action.contains(action.strip()))
    if actor:
        query = query.where(Actor.email == actor.strip().lower())
    if since:
        query = query.where(AuditEvent.at >= datetime.combine(since, time(), UTC))
    if until and until < date.max:  # up to the last day there is: no limit
        query = query.where(AuditEvent.at < datetime.combine(until + timedelta(days=1), time(), UTC))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def csv_rows(query: Select[AuditEvent, str]) -> Iterator[tuple[str, ...]]:
    for event, email in db.session.execute(query.execution_options(yield_per=1000)):
        yield (
            event.at.isoformat(),
            email or "",
            event.action,
            event.subject,
            json.dumps(event.details),
            event.ip,
        )
