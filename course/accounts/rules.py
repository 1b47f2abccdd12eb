"""Pure rules of signing in: when a session ends, how long an address waits after failed tries."""

from __future__ import annotations

from datetime import datetime, timedelta

from course.models import Role

STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


def idle_limit(role: str, *, everyone: timedelta, staff: timedelta) -> timedelta:
    """How long a session may sit unused: shorter for people who see or change others' records."""
    return min(everyone, staff) if role in STAFF_ROLES else everyone


def session_end_reason(
    *, signed_in: datetime, seen: datetime, now: datetime, idle: timedelta, absolute: timedelta
) -> str | None:
    """Why a session is over (in words for the sign-in page), or None while it may go on."""
    if now - signed_in >= absolute:
        hours = int(absolute.total_seconds() // 3600)
        return f"You were signed out because you signed in more than {hours} hours ago. Please sign in again."
    if now - seen >= idle:
        minutes = int(idle.total_seconds() // 60)
        return f"You were signed out after {minutes} minutes without activity. Please sign in again."
    return None


def failure_delay(failures: int, *, free: int, base: timedelta, ceiling: timedelta) -> timedelta:
    """How long one address waits before its next try at one account, after `failures` wrong tries in a
    row: nothing for the first `free`, then `base`, doubling with each further failure, up to `ceiling`."""
    if failures < free:
        return timedelta(0)
    return min(ceiling, base * 2 ** min(failures - free, 30))
