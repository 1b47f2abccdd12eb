"""Figures the security tests measure as they run; printed in a "security figures" section at the end."""

from typing import Any

FIGURES: dict[str, Any] = {}


def count(name: str, n: int = 1) -> None:
    FIGURES[name] = FIGURES.get(name, 0) + n


def note(name: str, value: Any) -> None:
    FIGURES[name] = value
