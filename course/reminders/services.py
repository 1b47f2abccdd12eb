"""Reminder e-mails: stages before a due date and before an expiry, an overdue reminder at most once an
interval, and a weekly summary to each manager of who in their units is overdue or expiring.

Who to remind comes from one query (the status query), the reminders already sent from one more, and
the managers from one more, however many people there are. The e-mails go through the outbox in the
same transaction as the reminder logs, so a reminder counts as sent once it is queued and is never lost
while the mail server is down; running it twice on one day sends nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, Select, and_, func, insert, or_, select

from course import org
from course.audit import record
from course.extensions import db
from course.mail import mail, public_link, queue_mails
from course.models import OrgSettings, ReminderLog, Role, User
from course.org import parse_stages
from course.people.rules import Scope
from course.people.services import in_scope
from course.progress.status import Status
from course.reminders.rules import (
    DIGEST,
    DIGEST_DAYS,
    DUE,
    EXPIRY,
    OVERDUE,
    DigestLine,
    Manager,
    ReminderItem,
    copy_to,
    digest_recipients,
    digest_text,
    reminder_text,
    repeat_due,
    stage_due,
    unit_ids_above,
)
from course.reporting.queries import learner_rows

NOT_VALID = (Status.NOT_STARTED.value, Status.IN_PROGRESS.value, Status.EXPIRED.value)


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class DigestItem:
    email: str
    overdue: int
    expiring: int


@dataclass
class ReminderReport:
    sent: list[ReminderItem] = field(default_factory=list)
    skipped_recent: int = 0  # already reminded of the same thing (this stage, or within the interval)
    cannot_sign_in: list[Person] = field(default_factory=list)  # to be invited rather than reminded
    digests: list[DigestItem] = field(default_factory=list)


def send_reminders(
    *, scope: Scope, today: date, dry_run: bool, sender: User | None, digests: bool = False
) -> ReminderReport:
    """Queue the reminders due today for everyone in scope, and (with `digests`) the managers' weekly
    summaries; record each in the reminder log, audit the run and commit.

    `sender` is the person who asked (None for the scheduled command). A dry run queues and records
    nothing. Reminders go only to people who can sign in; the others are listed, to be invited.
    """
    settings = org.settings()
    stages = parse_stages(settings.reminder_stages)
    rows = db.session.execute(candidates(scope, today, settings, stages)).all()
    last = last_sent(today, max(stages[0], settings.reminder_interval_days, DIGEST_DAYS))
    report = ReminderReport()
    planned: list[tuple[Row[Any], str]] = []
    for row in rows:
        kind, skipped = reminder_due(row, today, settings, stages, last.get(row.user_id, {}))
        report.skipped_recent += skipped
        if kind is None:
            continue
        if not row.can_sign_in:
            report.cannot_sign_in.append(Person(row.name, row.email))
        else:
            planned.append((row, kind))
    overdue = [row for row, kind in planned if kind == OVERDUE]
    managers = managers_by_unit(unit_ids_above(row.unit_path for row in overdue))
    copies = {row.user_id: copy_to(row.unit_path, row.user_id, managers) for row in overdue}
    summaries = _digests(rows, today, last) if digests else {}
    report.sent = [_item(row, kind, copies.get(row.user_id, [])) for row, kind in planned]
    report.digests = [_digest_item(manager, lines) for manager, lines in summaries.items()]
    if dry_run:
        return report
    link = public_link("learning.home")
    logs: list[dict[str, Any]] = []
    mails: list[dict[str, Any]] = []
    for row, kind in planned:
        copied = copies.get(row.user_id, [])
        subject, body = reminder_text(
            kind=kind,
            name=row.name,
            due_on=row.due_on,
            expires_on=row.expires_on,
            link=link,
            managers=[m.name for m in copied],
            settings=settings,
        )
        mails.append(mail(to=row.email, subject=subject, body=body, cc=[m.email for m in copied]))
        logs.append({"user_id": row.user_id, "kind": kind, "manager_copied": bool(copied), "sent_on": today})
    report_link = public_link("reporting.learners")
    for manager, lines in summaries.items():
        subject, body = digest_text(manager=manager.name, lines=lines, link=report_link, settings=settings)
        mails.append(mail(to=manager.email, subject=subject, body=body))
        logs.append({"user_id": manager.user_id, "kind": DIGEST, "manager_copied": False, "sent_on": today})
    queue_mails(mails)
    if logs:
        db.session.execute(insert(ReminderLog), logs)
    record(
        "reminders.sent",
        actor=sender,
        count=len(report.sent),
        digests=len(report.digests),
        skipped_recent=report.skipped_recent,
        cannot_sign_in=len(report.cannot_sign_in),
    )
    db.session.commit()
    return report


def reminder_due(
    row: Row[Any], today: date, settings: OrgSettings, stages: Sequence[int], last: dict[str, date]
) -> tuple[str | None, int]:
    """The one reminder due for this person today (overdue, else a stage before expiry, else a stage
    before the due date), and 1 when one was due but already sent."""
    if row.status == Status.OVERDUE.value:
        if repeat_due(today, settings.reminder_interval_days, last.get(OVERDUE)):
            return OVERDUE, 0
        return None, 1
    skipped = 0
    if row.expires_on is not None:
        kind, sent = stage_due(EXPIRY, row.expires_on, today, stages, last)
        if kind is not None:
            return kind, 0
        skipped |= sent
    if row.due_on is not None and row.status in NOT_VALID:
        kind, sent = stage_due(DUE, row.due_on, today, stages, last)
        if kind is not None:
            return kind, 0
        skipped |= sent
    return None, skipped


def candidates(scope: Scope, today: date, settings: OrgSettings, stages: Sequence[int]) -> Select[Any]:
    """Everyone in scope who is overdue or expiring soon, or whose due date or expiry is within the
    first stage, with whether they can sign in (have a password)."""
    can_sign_in = User.password_hash.is_not(None).label("can_sign_in")
    everyone = learner_rows(today, settings.expiring_window_days).add_columns(can_sign_in)
    rows = in_scope(everyone, scope).subquery()
    horizon = today + timedelta(days=stages[0])
    return (
        select(rows)
        .where(
            or_(
                rows.c.status.in_([Status.OVERDUE.value, Status.EXPIRING_SOON.value]),
                rows.c.expires_on.between(today, horizon),
                and_(rows.c.status.in_(NOT_VALID), rows.c.due_on.between(today, horizon)),
            )
        )
        .order_by(rows.c.name, rows.c.email)
    )


def last_sent(today: date, days: int) -> dict[int, dict[str, date]]:
    """The day each person was last sent each kind of reminder, looking back `days` days: one grouped
    query."""
    query = (
        select(ReminderLog.user_id, ReminderLog.kind, func.max(ReminderLog.sent_on))
        .where(ReminderLog.sent_on >= today - timedelta(days=days))
        .group_by(ReminderLog.user_id, ReminderLog.kind)
    )
    found: dict[int, dict[str, date]] = {}
    for user_id, kind, sent_on in db.session.execute(query):
        found.setdefault(user_id, {})[kind] = sent_on
    return found


def _digests(
    rows: Sequence[Row[Any]], today: date, last: dict[int, dict[str, date]]
) -> dict[Manager, list[DigestLine]]:
    """The weekly summary due to each manager who can sign in and has someone to hear about."""
    lines = [
        (
            row.unit_path,
            row.user_id,
            DigestLine(row.name, row.email, row.unit_name or "", row.status, row.due_on, row.expires_on),
        )
        for row in rows
        if row.status in (Status.OVERDUE.value, Status.EXPIRING_SOON.value)
    ]
    managers = managers_by_unit(unit_ids_above(path for path, _, _ in lines), can_sign_in=True)
    return {
        manager: found
        for manager, found in digest_recipients(lines, managers).items()
        if repeat_due(today, DIGEST_DAYS, last.get(manager.user_id, {}).get(DIGEST))
    }


def managers_by_unit(unit_ids: set[int], *, can_sign_in: bool = False) -> dict[int | None, list[Manager]]:
    """The active managers of the given units (only those with a password, with `can_sign_in`)."""
    found: dict[int | None, list[Manager]] = {}
    if not unit_ids:
        return found
    query = (
        select(User.id, User.name, User.email, User.unit_id)
        .where(User.role == Role.MANAGER, User.active.is_(True), User.unit_id.in_(unit_ids))
        .order_by(User.name, User.email)
    )
    if can_sign_in:
        query = query.where(User.password_hash.is_not(None))
    for user_id, name, email, unit_id in db.session.execute(query):
        found.setdefault(unit_id, []).append(Manager(name, email, user_id))
    return found


def _digest_item(manager: Manager, lines: Sequence[DigestLine]) -> DigestItem:
    overdue = sum(line.status == Status.OVERDUE.value for line in lines)
    return DigestItem(manager.email, overdue=overdue, expiring=len(lines) - overdue)


def _item(row: Row[Any], kind: str, copied: Sequence[Manager]) -> ReminderItem:
    return ReminderItem(email=row.email, kind=kind, cc=tuple(m.email for m in copied))
