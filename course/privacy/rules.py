"""Pure rules of privacy: what an erased person becomes, which columns are never handed out, how a
value is written in a download."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

# Secrets, even hashed, are not "data about the person": they are never in a download.
WITHHELD = frozenset({"password_hash", "token_hash"})


def erased_identity(user_id: int) -> dict[str, str]:
    """The personal fields of an erased person, replaced: no name or address remains, the id stays so that
    records still count in the reports (anonymously)."""
    return {"name": f"Erased person {user_id}", "email": f"erased-{user_id}@erased.invalid"}


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO 8601, enums by value, everything else as is or as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)
