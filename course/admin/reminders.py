"""Reminder e-mails to people whose training is overdue or expiring soon, copied to their manager.

Who to remind comes from one query (the status query, with a check for a recent reminder of the same
kind) and their managers from one more, however many people there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import Row, Select, case, exists, literal, select

from course import org
from course.admin.status import Scope, in_scope, learner_rows
from course.audit import record
from course.extensions import db
from course.formatting import local_date
from course.mail import Mailer, MailError
from course.models import OrgSettings, ReminderLog, Role, User
from course.records.rules import Status

OVERDUE = "overdue"
EXPIRING = "expiring"
TRAINING = "self-harm awareness training"


@dataclass(frozen=True)
class ReminderItem:
    """One reminder sent (or, in a dry run, that would be sent)."""

    email: str
    kind: str  # overdue | expiring
    cc: tuple[str, ...]


@dataclass
class ReminderReport:
    sent: list[ReminderItem] = field(default_factory=list)
    skipped_recent: int = 0  # reminded of the same thing within the organisation's interval


class ReminderError(RuntimeError):
    """Sending stopped part-way; `report` lists the reminders sent (and recorded) before the problem."""

    def __init__(self, message: str, report: ReminderReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Manager:
    name: str
    email: str
    user_id: int


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


def reminded_since(today: date, interval_days: int) -> datetime:
    """A reminder sent on day D blocks the same reminder until day D + interval."""
    return datetime.combine(today - timedelta(days=interval_days - 1), time(), UTC)


def unit_ids_above(unit_paths: Iterable[str | None]) -> set[int]:
    """Every unit on the paths ("/1/4/9/"): each person's unit and the units above it."""
    return {unit_id for path in unit_paths for unit_id in _path_ids(path)}


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


def copy_to(
    unit_path: str | None, user_id: int, managers: Mapping[int | None, Sequence[Manager]]
) -> list[Manager]:
    """The managers of the person's unit, or else of the nearest unit above it that has one (never the
    person themselves)."""
    for unit_id in reversed(_path_ids(unit_path)):
        others = [m for m in managers.get(unit_id, ()) if m.user_id != user_id]
        if others:
            return others
    return []


def _path_ids(unit_path: str | None) -> list[int]:
    return [int(part) for part in (unit_path or "").split("/") if part]


def course_link() -> str:
    if has_request_context():
        return url_for("learning.home", _external=True)
    base: str = current_app.config["PUBLIC_BASE_URL"]
    return base.rstrip("/") + "/"


def reminder_text(
    *,
    kind: str,
    name: str,
    due_on: date | None,
    expires_on: date | None,
    link: str,
    managers: Sequence[str],
    settings: OrgSettings,
) -> tuple[str, str]:
    """The subject and plain-text body of a reminder: calm, specific, and saying where to get help."""
    if kind == OVERDUE:
        subject = f"Your {TRAINING} is overdue"
        due = f" was due on {local_date(due_on)}" if due_on else " is overdue"
        opening = (
            f"This is a reminder that your {TRAINING}{due} and is not complete yet. "
            "You can pick up where you left off at any time."
        )
    else:
        subject = f"Your {TRAINING} expires on {local_date(expires_on)}"
        opening = (
            f"Your {TRAINING} record expires on {local_date(expires_on)}. You can renew it now by taking "
            "the module quizzes again. The modules are open if you would like to read them again first."
        )
    paragraphs = [
        f"Dear {name or 'colleague'},",
        opening,
        f"Go to the course:\n{link}",
        "If you have questions about the training, or need more time, please talk to "
        f"{_helpers(managers, settings)}.",
        "The course talks about self-harm. If any of it feels close to home, you can take a break at any "
        "point and come back when you are ready."
        + (f"\nSupport for staff: {settings.wellbeing_contact}" if settings.wellbeing_contact else ""),
    ]
    if managers:
        paragraphs.append("A copy of this e-mail has gone to your manager, so that they can support you.")
    paragraphs.append(f"With thanks,\n{settings.org_name}")
    return subject, "\n\n".join(paragraphs) + "\n"


def _helpers(managers: Sequence[str], settings: OrgSettings) -> str:
    people = []
    if managers:
        people.append(("your manager, " if len(managers) == 1 else "your managers, ") + " or ".join(managers))
    if settings.safeguarding_lead_name:
        role = settings.safeguarding_lead_role or "your safeguarding lead"
        lead = f"{role}, {settings.safeguarding_lead_name}"
        if settings.safeguarding_lead_contact:
            lead += f" ({settings.safeguarding_lead_contact})"
        people.append(lead)
    return ", or ".join(people) or "your manager or training lead"


def _item(row: Row[Any], copied: Sequence[Manager]) -> ReminderItem:
    return ReminderItem(email=row.email, kind=row.kind, cc=tuple(m.email for m in copied))
