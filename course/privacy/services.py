"""Reading everything held about a person, erasing a person, purging old IP addresses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.engine import CursorResult

from course.accounts import services as accounts
from course.audit import record
from course.database import Base, utcnow
from course.extensions import db
from course.models import AccountToken, AuditEvent, SignInFailure, User
from course.privacy.rules import WITHHELD, erased_identity, plain

Held = dict[str, list[dict[str, Any]]]


def everything_about(user: User) -> Held:
    """Every row held about the person, table by table: their account, every row of any table that names
    them in a `user_id` column, and the audit events they did or that were about them."""
    held: Held = {"users": [_row(db.session.execute(select(User.__table__).where(User.id == user.id)).one())]}
    for table in Base.metadata.sorted_tables:
        if "user_id" in table.c and table.name != "users":
            rows = db.session.execute(
                select(table).where(table.c.user_id == user.id).order_by(*table.primary_key)
            )
            held[table.name] = [_row(row) for row in rows]
    events = select(AuditEvent.__table__).where(
        or_(AuditEvent.actor_id == user.id, AuditEvent.subject == f"user:{user.id}")
    )
    held["audit_events"] = [_row(row) for row in db.session.execute(events.order_by(AuditEvent.id))]
    return held


def _row(row: Any) -> dict[str, Any]:
    return {key: plain(value) for key, value in row._mapping.items() if key not in WITHHELD}


def as_cells(held: Held) -> Iterator[tuple[str, int, str, str]]:
    """The same, one cell a line (table, row number, field, value), for a spreadsheet."""
    for table, rows in held.items():
        for number, row in enumerate(rows, start=1):
            for field, value in row.items():
                yield table, number, field, "" if value is None else str(value)


def erase(person: User, actor: User) -> None:
    """Remove the person's personal fields for good; their records stay, counted anonymously in the
    reports. Only the users row (and their sign-in counts and unused links) change: completion records
    and audit events are never updated or deleted, whatever protects them."""
    for field, value in erased_identity(person.id).items():
        setattr(person, field, value)
    person.password_hash = None
    person.active = False
    accounts.end_sessions(person)
    db.session.execute(delete(SignInFailure).where(SignInFailure.user_id == person.id))
    db.session.execute(
        update(AccountToken)
        .where(AccountToken.user_id == person.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    record("person.erased", subject=f"user:{person.id}", actor=actor)
    db.session.commit()


def purge_addresses(older_than_days: int) -> int:
    """Blank the IP address of audit events older than the retention period; returns how many. The event
    itself (who, what, when) stays: this is the one change ever made to an audit event."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    purged: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(AuditEvent).where(AuditEvent.at < cutoff, AuditEvent.ip != "").values(ip="")
    )
    record("audit.addresses_purged", subject="audit", older_than_days=older_than_days, events=purged.rowcount)
    db.session.commit()
    return int(purged.rowcount)
