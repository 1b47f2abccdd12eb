"""Reminder e-mails to people whose training is overdue or expiring soon, copied to their manager.

Who to remind comes from one query (the status query, with a check for a recent reminder of the same
kind) and their managers from one more, however many people there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import Row, Select, case, exists, literal, select

from course import org
from course.audit import record
from course.extensions import db
from course.mail import Mailer, MailError, course_link
from course.models import OrgSettings, ReminderLog, Role, User
from course.people.rules import Scope
from course.people.services import in_scope
from course.progress.status import Status
from course.reminders.rules import (
    EXPIRING,
    OVERDUE,
    Manager,
    ReminderItem,
    copy_to,
    reminded_since,
    reminder_text,
    unit_ids_above,
)
from course.reporting.queries import learner_rows


@dataclass
class ReminderReport:
    sent: list[ReminderItem] = field(default_factory=list)
    skipped_recent: int = 0  # reminded of the same thing within the organisation's interval


class ReminderError(RuntimeError):
    """Sending stopped part-way; `report` lists the reminders sent (and recorded) before the problem."""

    def __init__(self, message: str, report: ReminderReport) -> None:
        super().__init__(message)
        self.report = report


def send_reminders(*, scope: Scope, today: date, dry_run: bool, sender: User | None) -> ReminderReport:
    """E-mail everyone in scope who is overdue or expiring soon and was not reminded of it recently.

    `sender` is the person who asked for the reminders (None for the scheduled command). A dry run sends
    and records nothing. If the mail server refuses a message, sending stops, the reminders already sent
    are recorded, and ReminderError says what happened.
    """
    settings = org.settings()
    rows = db.session.execute(candidates(scope, today, settings)).all()
    due = [row for row in rows if not row.recent]
    managers = managers_by_unit(unit_ids_above(row.unit_path for row in due))
    planned = [(row, copy_to(row.unit_path, row.user_id, managers)) for row in due]
    report = ReminderReport(skipped_recent=len(rows) - len(due))
    if dry_run:
        report.sent = [_item(row, copied) for row, copied in planned]
        return report
    problem: MailError | None = None
    link = course_link()
    if planned:
        try:
            with Mailer(current_app.config) as mailer:
                for row, copied in planned:
                    subject, body = reminder_text(
                        kind=row.kind,
                        name=row.name,
                        due_on=row.due_on,
                        expires_on=row.expires_on,
                        link=link,
                        managers=[m.name for m in copied],
                        settings=settings,
                    )
                    cc = [m.email for m in copied]
                    mailer.send(mailer.compose(to=row.email, subject=subject, body=body, cc=cc))
                    db.session.add(ReminderLog(user_id=row.user_id, kind=row.kind, manager_copied=bool(cc)))
                    report.sent.append(_item(row, copied))
        except MailError as error:
            problem = error
    details = {"problem": str(problem)} if problem else {}
    record(
        "reminders.sent",
        actor=sender,
        count=len(report.sent),
        skipped_recent=report.skipped_recent,
        **details,
    )
    db.session.commit()
    if problem is not None:
        raise ReminderError(
            f"{problem} Sending stopped there: {len(report.sent)} reminder(s) were sent before it and are "
            "recorded. Fix the problem, then send reminders again to reach the rest.",
            report,
        )
    return report


def candidates(scope: Scope, today: date, settings: OrgSettings) -> Select[Any]:
    """Everyone in scope who is overdue or expiring soon, with the reminder kind and whether they were
    sent that kind of reminder within the organisation's interval."""
    rows = in_scope(learner_rows(today, settings.expiring_window_days), scope).subquery()
    kind = case((rows.c.status == Status.OVERDUE.value, literal(OVERDUE)), else_=literal(EXPIRING))
    recent = exists().where(
        ReminderLog.user_id == rows.c.user_id,
        ReminderLog.kind == kind,
        ReminderLog.sent_at >= reminded_since(today, settings.reminder_interval_days),
    )
    return (
        select(
            rows.c.user_id,
            rows.c.name,
            rows.c.email,
            rows.c.unit_path,
            rows.c.due_on,
            rows.c.expires_on,
            kind.label("kind"),
            recent.label("recent"),
        )
        .where(rows.c.status.in_([Status.OVERDUE.value, Status.EXPIRING_SOON.value]))
        .order_by(rows.c.name, rows.c.email)
    )


def managers_by_unit(unit_ids: set[int]) -> dict[int | None, list[Manager]]:
    """The active managers of the given units, by unit."""
    found: dict[int | None, list[Manager]] = {}
    if not unit_ids:
        return found
    query = (
        select(User.id, User.name, User.email, User.unit_id)
        .where(User.role == Role.MANAGER, User.active.is_(True), User.unit_id.in_(unit_ids))
        .order_by(User.name, User.email)
    )
    for user_id, name, email, unit_id in db.session.execute(query):
        found.setdefault(unit_id, []).append(Manager(name, email, user_id))
    return found


def _item(row: Row[Any], copied: Sequence[Manager]) -> ReminderItem:
    return ReminderItem(email=row.email, kind=row.kind, cc=tuple(m.email for m in copied))
