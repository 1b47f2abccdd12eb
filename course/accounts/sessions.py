"""Sessions that end: an idle limit and an absolute lifetime, both checked by the server on every
request from timestamps inside the signed session (the browser cannot change them without the key)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user, user_loaded_from_cookie
from flask_login.utils import decode_cookie
from werkzeug.wrappers import Response

from course.accounts.rules import idle_limit, session_end_reason
from course.database import utcnow
from course.models import User

SIGNED_IN_AT, SEEN_AT = "signed_in_at", "seen_at"


def stamp(values: Any) -> None:
    """Mark a session as begun now (at sign-in)."""
    now = int(utcnow().timestamp())
    values[SIGNED_IN_AT] = values[SEEN_AT] = now


def begin(user: User, *, remember: bool = False) -> None:
    """A fresh session for the person: nothing carried over from before, the clocks started. With
    `remember`, the device also keeps a signed cookie for REMEMBER_DAYS that starts new sessions."""
    session.clear()
    login_user(user, remember=remember, duration=timedelta(days=current_app.config["REMEMBER_DAYS"]))
    stamp(session)


@user_loaded_from_cookie.connect
def _from_remembered_device(_app: Any, user: User) -> None:
    stamp(session)  # a new session from the device's cookie: its clocks start now


def _remembered_device() -> bool:
    """This request carries a valid "remember me" cookie for the signed-in person (checked, not trusted
    by its name: a forged one does not keep a stolen session alive)."""
    cookie = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"])
    return cookie is not None and decode_cookie(cookie) == current_user.get_id()


def _limits(role: str) -> tuple[timedelta, timedelta]:
    config = current_app.config
    idle = idle_limit(
        role,
        everyone=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        staff=timedelta(minutes=config["SESSION_IDLE_MINUTES_STAFF"]),
    )
    return idle, timedelta(hours=config["SESSION_MAX_HOURS"])


def init_app(app: Flask) -> None:
    """Every request of a signed-in person checks their session is neither idle too long nor too old."""
    app.before_request(_enforce_lifetime)


def _enforce_lifetime() -> Response | None:
    if request.endpoint == "static" or not current_user.is_authenticated:
        return None
    now = utcnow()
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        reason: str | None = "Please sign in again."  # a session from before these limits
    else:
        idle, absolute = _limits(current_user.role)
        reason = session_end_reason(
            signed_in=now.fromtimestamp(signed_in, now.tzinfo),
            seen=now.fromtimestamp(seen, now.tzinfo),
            now=now,
            idle=idle,
            absolute=absolute,
        )
    if reason is not None and _remembered_device():
        stamp(session)  # the person chose to be remembered here: a new session instead of signing in
        return None
    if reason is not None:
        logout_user()
        session.clear()
        flash(reason, "info")
        return redirect(url_for("auth.login"))
    # Written back at most once a minute, so the cookie is not re-sent on every answer.
    if isinstance(seen, int) and int(now.timestamp()) - seen >= 60:
        session[SEEN_AT] = int(now.timestamp())
    return None
