"""Pure rules of delivery: when to try a message again."""

from __future__ import annotations

from datetime import datetime, timedelta

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


def next_attempt(attempts: int, now: datetime) -> datetime:
    """After the n-th failed attempt, wait 1, 2, 4, 8 … minutes, never more than six hours."""
    wait = FIRST_RETRY * (2 ** max(attempts - 1, 0)) if attempts < 20 else LONGEST_WAIT
    return now + min(wait, LONGEST_WAIT)
