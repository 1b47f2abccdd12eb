"""Pure rules of reminders: which stage is due, who is copied, when a reminder may repeat, and what the
e-mails say."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from course.formatting import local_date
from course.models import OrgSettings
from course.progress.status import Status

OVERDUE = "overdue"
EXPIRING = "expiring"  # the one kind before stages: kept in older reminder logs
DUE = "due"  # a stage before the due date: "due-7"
EXPIRY = "expiry"  # a stage before the record expires: "expiry-30"
DIGEST = "digest"  # a manager's weekly summary
DIGEST_DAYS = 7
TRAINING = "self-harm awareness training"


@dataclass(frozen=True)
class ReminderItem:
    """One reminder sent (or, in a dry run, that would be sent)."""

    email: str
    kind: str  # overdue | due-N | expiry-N
    cc: tuple[str, ...]

    @property
    def label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class Manager:
    name: str
    email: str
    user_id: int


def stage_reached(days_left: int, stages: Sequence[int]) -> int | None:
    """The most urgent stage reached with `days_left` days to go (0 is the day itself); None before the
    first stage and after the day."""
    reached = [stage for stage in stages if stage >= days_left]
    return min(reached) if days_left >= 0 and reached else None


def stage_kind(what: str, stage: int) -> str:
    return f"{what}-{stage}"


def stage_due(
    what: str, target: date, today: date, stages: Sequence[int], last_sent: Mapping[str, date]
) -> tuple[str | None, bool]:
    """The stage reminder (kind) due today before `target`, and whether one was due but already sent.

    A stage opens `stage` days before the target and stays open until the next one; its reminder goes
    once, on the first run after it opens (a missed run sends it the next day, and a stage skipped
    altogether is not sent late). A reminder of that stage sent before it opened belongs to an earlier
    target (last year's expiry) and does not count."""
    stage = stage_reached((target - today).days, stages)
    if stage is None:
        return None, False
    kind = stage_kind(what, stage)
    sent = last_sent.get(kind)
    if sent is not None and sent >= target - timedelta(days=stage):
        return None, True
    return kind, False


def repeat_due(today: date, interval_days: int, last_sent: date | None) -> bool:
    """A reminder sent on day D may be sent again from day D + interval."""
    return last_sent is None or last_sent <= today - timedelta(days=interval_days)


def kind_label(kind: str) -> str:
    """How a reminder kind reads in lists: "overdue", "due in 7 days", "expires today"."""
    what, _, days = kind.partition("-")
    if what == DUE:
        return "due today" if days == "0" else f"due in {days} day{_s(days)}"
    if what == EXPIRY:
        return "expires today" if days == "0" else f"expires in {days} day{_s(days)}"
    return "expiring soon" if kind == EXPIRING else kind


def _s(days: str) -> str:
    return "" if days == "1" else "s"


def unit_ids_above(unit_paths: Iterable[str | None]) -> set[int]:
    """Every unit on the paths ("/1/4/9/"): each person's unit and the units above it."""
    return {unit_id for path in unit_paths for unit_id in _path_ids(path)}


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
    what, _, days = kind.partition("-")
    if what == DUE:
        when = "today" if days == "0" else f"on {local_date(due_on)}"
        subject = f"Your {TRAINING} is due {when}"
        opening = (
            f"This is a reminder that your {TRAINING} is due {when}. "
            "You can start, or pick up where you left off, at any time before then."
        )
    elif what in (EXPIRY, EXPIRING):
        when = "today" if days == "0" else f"on {local_date(expires_on)}"
        subject = f"Your {TRAINING} expires {when}"
        opening = (
            f"Your {TRAINING} record expires {when}. You can renew it by taking the module quizzes "
            "again. The modules are open if you would like to read them again first."
        )
    else:
        subject = f"Your {TRAINING} is overdue"
        due = f" was due on {local_date(due_on)}" if due_on else " is overdue"
        opening = (
            f"This is a reminder that your {TRAINING}{due} and is not complete yet. "
            "You can pick up where you left off at any time."
        )
    paragraphs = [
        f"Dear {name or 'colleague'},",
        opening,
        f"Go to the course:\n{link}",
        "If you have questions about the training, or need more time, please talk to "
        f"{_helpers(managers, settings)}.",
        _wellbeing(settings),
    ]
    if managers:
        paragraphs.append("A copy of this e-mail has gone to your manager, so that they can support you.")
    paragraphs.append(f"With thanks,\n{settings.org_name}")
    return subject, "\n\n".join(paragraphs) + "\n"


@dataclass(frozen=True)
class DigestLine:
    """One person in a manager's weekly summary."""

    name: str
    email: str
    unit_name: str
    status: str  # the training status: "Overdue" or "Expiring soon"
    due_on: date | None
    expires_on: date | None


DIGEST_LIMIT = 100  # lines listed in one e-mail; the rest are counted and left to the report


def digest_text(
    *, manager: str, lines: Sequence[DigestLine], link: str, settings: OrgSettings
) -> tuple[str, str]:
    """The subject and plain-text body of a manager's weekly summary of their units."""
    overdue = [line for line in lines if line.status == Status.OVERDUE.value]
    expiring = [line for line in lines if line.status != Status.OVERDUE.value]
    subject = f"Training summary for your units: {len(overdue)} overdue, {len(expiring)} expiring soon"
    paragraphs = [
        f"Dear {manager or 'colleague'},",
        f"This is the weekly summary of the {TRAINING} in your units and the units within them.",
    ]
    shown = 0
    for heading, group, when in (
        ("Overdue", overdue, lambda line: f"was due on {local_date(line.due_on)}" if line.due_on else ""),
        ("Expiring soon", expiring, lambda line: f"expires on {local_date(line.expires_on)}"),
    ):
        if not group:
            continue
        listed = group[: max(DIGEST_LIMIT - shown, 0)]
        shown += len(listed)
        rows = [f"- {line.name} ({line.unit_name}) {when(line)}".rstrip() for line in listed]
        if len(group) > len(listed):
            rows.append(f"- and {len(group) - len(listed)} more: see the report")
        paragraphs.append(f"{heading} ({len(group)}):\n" + "\n".join(rows))
    paragraphs += [
        f"See and remind them from the report:\n{link}",
        "Each person also gets their own reminder. A word from you can help, too.",
        f"With thanks,\n{settings.org_name}",
    ]
    return subject, "\n\n".join(paragraphs) + "\n"


def digest_recipients(
    lines: Iterable[tuple[str | None, int, DigestLine]], managers: Mapping[int | None, Sequence[Manager]]
) -> dict[Manager, list[DigestLine]]:
    """Each manager's lines: the people (never the manager themselves) in the manager's unit or any unit
    within it. `lines` are (unit path, user id, line)."""
    found: dict[Manager, list[DigestLine]] = {}
    for unit_path, user_id, line in lines:
        for unit_id in _path_ids(unit_path):
            for manager in managers.get(unit_id, ()):
                if manager.user_id != user_id:
                    found.setdefault(manager, []).append(line)
    return found


def _wellbeing(settings: OrgSettings) -> str:
    return (
        "The course talks about self-harm. If any of it feels close to home, you can take a break at any "
        "point and come back when you are ready."
        + (f"\nSupport for staff: {settings.wellbeing_contact}" if settings.wellbeing_contact else "")
    )


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
