"""A sign-in waiting for its second factor: after the right password the session is not started; a
short-lived marker in the signed session names the person, their "remember me" choice and where they
were going, for five minutes (rules.PENDING), until the code is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import session

from course.accounts import sessions
from course.database import utcnow
from course.extensions import db
from course.models import User
from course.security import is_safe_next
from course.twofactor import rules

MARKER = "second_factor_pending"
# The authenticator secret being set up, until its first code confirms it (then it is in the database).
SETTING_UP = "second_factor_setting_up"


@dataclass(frozen=True)
class Pending:
    user: User
    remember: bool
    next_url: str | None
    enrolled_now: bool  # set up during this sign-in: the recovery codes page comes before the session


def hold(user: User, *, remember: bool, next_url: str | None) -> None:
    """Keep the person waiting for their second factor; nothing of a session is started."""
    session.clear()
    session[MARKER] = {
        "user": user.id,
        "version": user.session_version,
        "remember": remember,
        "next": next_url if is_safe_next(next_url) else None,
        "at": int(utcnow().timestamp()),
        "enrolled_now": False,
    }


def current(now: datetime | None = None) -> Pending | None:
    """The sign-in waiting for a second factor, or None (none, run out of time, or the account changed)."""
    held = session.get(MARKER)
    if not isinstance(held, dict):
        return None
    now = now or utcnow()
    try:
        started = datetime.fromtimestamp(int(held["at"]), now.tzinfo)
        user = db.session.get(User, int(held["user"]))
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if rules.pending_over(started, now) or user is None or not user.active:
        return None
    if user.session_version != held.get("version"):  # signed out everywhere, or reset, meanwhile
        return None
    return Pending(user, bool(held.get("remember")), held.get("next"), bool(held.get("enrolled_now")))


def over() -> bool:
    """Whether this browser had a pending sign-in that is no longer usable (to say so, not just "sign in")."""
    return MARKER in session


def mark_enrolled() -> None:
    held = dict(session[MARKER])
    held["enrolled_now"] = True
    session[MARKER] = held
    session.pop(SETTING_UP, None)


def finish(waiting: Pending) -> str | None:
    """Start the real session (remembered on this device if the person chose so at the password step);
    returns where they were going."""
    sessions.begin(waiting.user, remember=waiting.remember)  # clears the marker with everything else
    return waiting.next_url


def abandon() -> None:
    session.pop(MARKER, None)
    session.pop(SETTING_UP, None)
