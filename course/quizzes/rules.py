"""Pure rules about retakes. No database, no Flask.

The retake rule: after `every` failed attempts in a row at a module's quiz (2 unless the organisation
sets another number; 0 switches it off), the learner revisits the module before the next attempt.
Revisiting means opening each of the module's sections on their pathway again after the latest failed
attempt was submitted. A pass resets the count; so does nothing else, so the rule applies again after
every further `every` failures in a row (after the 2nd, the 4th, the 6th...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from course.content.schema import Section


def failures_in_a_row(outcomes_newest_first: Iterable[bool]) -> int:
    """How many submitted attempts failed since the latest pass (all of them without a pass)."""
    count = 0
    for passed in outcomes_newest_first:
        if passed:
            break
        count += 1
    return count


def revisit_due(failures: int, every: int) -> bool:
    """True after every `every`-th failure in a row; never when `every` is 0."""
    return every > 0 and failures > 0 and failures % every == 0


def sections_to_revisit(
    sections: Iterable[Section], last_viewed: Mapping[str, datetime | None], since: datetime
) -> tuple[Section, ...]:
    """The sections not opened again since `since` (the latest failed attempt), in pathway order."""
    return tuple(s for s in sections if (at := last_viewed.get(s.id)) is None or at < since)
