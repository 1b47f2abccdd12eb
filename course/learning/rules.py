"""Pure rules of the learner's pages."""

from __future__ import annotations

import random

from course.content.schema import Response, Scenario, Section


def neighbours(sections: tuple[Section, ...], section_id: str) -> tuple[Section | None, Section | None]:
    """The sections before and after `section_id` in the learner's pathway."""
    ids = [s.id for s in sections]
    index = ids.index(section_id)
    return (
        sections[index - 1] if index else None,
        sections[index + 1] if index + 1 < len(sections) else None,
    )


def response_order(scenario: Scenario, user_id: int) -> tuple[Response, ...]:
    """A practice scenario's responses in an order of each learner's own, the same on every visit.

    In file order the best response would sit in the same place for everyone; seeded by the learner
    and the scenario, the order is shuffled yet stable, so a returning learner finds their choice where
    they left it.
    """
    order = list(scenario.responses)
    random.Random(f"{user_id}:{scenario.id}").shuffle(order)  # noqa: S311 (an order, not a secret)
    return tuple(order)
