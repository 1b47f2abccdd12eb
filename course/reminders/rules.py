"""Pure rules of reminders: who is copied, when a reminder may repeat, and what the e-mail says."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from course.formatting import local_date
from course.models import OrgSettings

OVERDUE = "overdue"
EXPIRING = "expiring"
TRAINING = "self-harm awareness training"


@dataclass(frozen=True)
class ReminderItem:
    """One reminder sent (or, in a dry run, that would be sent)."""

    email: str
    kind: str  # overdue | expiring
    cc: tuple[str, ...]


@dataclass(frozen=True)
class Manager:
    name: str
    email: str
    user_id: int


def reminded_since(today: date, interval_days: int) -> datetime:
    """A reminder sent on day D blocks the same reminder until day D + interval."""
    return datetime.combine(today - timedelta(days=interval_days - 1), time(), UTC)


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
