"""Counts the security tests measure as they run; printed in a "security figures" section at the end."""

from collections import Counter

COUNTS: Counter[str] = Counter()


def count(name: str, n: int = 1) -> None:
    COUNTS[name] += n
