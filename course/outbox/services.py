"""Writing messages to the outbox, and delivering the due ones through their topic's handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from course.database import utcnow
from course.extensions import db
from course.models import OutboxMessage
from course.outbox.rules import next_attempt

Handler = Callable[[dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}
LEASE = timedelta(minutes=5)  # a message being delivered is not handed to another process meanwhile


class Retry(Exception):
    """The partner could not take the message now (down, busy, timed out): try again later."""


class Refuse(Exception):
    """The partner will never take this message (it is malformed or refused for good): stop trying."""


def handles(topic: str) -> Callable[[Handler], Handler]:
    """Register the function that delivers the messages of `topic`; it raises Retry or Refuse."""

    def register(handler: Handler) -> Handler:
        HANDLERS[topic] = handler
        return handler

    return register


def enqueue(topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Add a message to the caller's transaction: it is saved, and later delivered, only if that commits."""
    message = OutboxMessage(topic=topic, payload=payload)
    db.session.add(message)
    return message


def enqueue_many(topic: str, payloads: list[dict[str, Any]]) -> None:
    """enqueue for many messages at once, in one statement however many there are."""
    if payloads:
        db.session.execute(insert(OutboxMessage), [{"topic": topic, "payload": p} for p in payloads])


@dataclass
class Delivery:
    delivered: int = 0
    retrying: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)


def deliver(*, topic: str | None = None, limit: int = 500, now: datetime | None = None) -> Delivery:
    """Try every due message (of one topic, or all) once, oldest first; each outcome is committed on its
    own, so one failure never undoes another delivery."""
    now = now or utcnow()
    report = Delivery()
    query = select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.id).limit(limit)
    if topic is not None:
        query = query.where(OutboxMessage.topic == topic)
    for message_id in db.session.scalars(query).all():
        message = _claim(message_id, now)
        if message is None:  # another process is delivering it
            continue
        handler = HANDLERS.get(message.topic)
        try:
            if handler is None:
                raise Retry(f"Nothing delivers messages about {message.topic!r} in this version.")
            handler(message.payload)
        except Refuse as refused:
            message.refused_at, message.last_error = utcnow(), str(refused)[:1000]
            report.refused += 1
            report.problems.append(f"#{message.id} ({message.topic}) refused: {refused}")
        except Retry as problem:
            message.next_attempt_at = next_attempt(message.attempts, utcnow())
            message.last_error = str(problem)[:1000]
            report.retrying += 1
            report.problems.append(f"#{message.id} ({message.topic}) will be retried: {problem}")
        else:
            message.delivered_at, message.last_error = utcnow(), ""
            report.delivered += 1
        db.session.commit()
    return report


def _due(now: datetime) -> tuple[Any, ...]:
    return (
        OutboxMessage.delivered_at.is_(None),
        OutboxMessage.refused_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
    )


def _claim(message_id: int, now: datetime) -> OutboxMessage | None:
    """Take the message for this process: a conditional update that only one process can win."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, *_due(now))
        .values(next_attempt_at=now + LEASE, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def retry_now(message: OutboxMessage) -> None:
    """An administrator asks for another try at once (a refused message too, once its cause is fixed)."""
    message.refused_at, message.next_attempt_at = None, utcnow()
    db.session.commit()


@dataclass(frozen=True)
class Waiting:
    topic: str
    pending: int
    refused: int


def overview() -> list[Waiting]:
    """Per topic: messages still to deliver, and messages refused for good."""
    rows = db.session.execute(
        select(
            OutboxMessage.topic,
            func.count().filter(OutboxMessage.refused_at.is_(None)),
            func.count().filter(OutboxMessage.refused_at.is_not(None)),
        )
        .where(OutboxMessage.delivered_at.is_(None))
        .group_by(OutboxMessage.topic)
        .order_by(OutboxMessage.topic)
    )
    return [Waiting(topic, pending, refused) for topic, pending, refused in rows]


def undelivered(limit: int = 200) -> list[OutboxMessage]:
    """The messages not delivered yet, those that have failed at least once first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.delivered_at.is_(None))
            .order_by(OutboxMessage.attempts.desc(), OutboxMessage.id)
            .limit(limit)
        )
    )
