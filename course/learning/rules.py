"""Pure rules of the learner's journey: which pathway a person follows and how far they have come."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from course.content.schema import Module, Response, Scenario, Section
from course.models import JobRole

NURSE_ROLES = frozenset({JobRole.NURSE, JobRole.HEALTHCARE_ASSISTANT})


def audience_for(job_role: str) -> str:
    """Healthcare roles follow the nurse pathway; school staff and everyone else the teacher one.

    School nurses work under the school's safeguarding policy, so they follow the school pathway.
    """
    return "nurse" if job_role in NURSE_ROLES else "teacher"


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    sections_total: int
    sections_viewed: int
    next_section: Section | None
    quiz_required: bool
    quiz_passed: bool
    quiz_minutes: int = 0  # the quiz's share of the module's stated time

    @property
    def complete(self) -> bool:
        return self.sections_viewed == self.sections_total and (self.quiz_passed or not self.quiz_required)

    @property
    def status(self) -> str:
        if self.complete:
            return "Completed"
        if self.sections_viewed or self.quiz_passed:
            return "In progress"
        return "Not started"

    @property
    def minutes_left(self) -> int:
        if self.complete:
            return 0
        share_left = 1 - self.sections_viewed / max(self.sections_total, 1)
        quiz_left = self.quiz_minutes if self.quiz_required and not self.quiz_passed else 0
        return max(1, round(self.module.minutes * share_left) + quiz_left)


def module_progress(
    module: Module,
    audience: str,
    viewed: Iterable[str],
    quiz_required: bool,
    quiz_passed: bool,
    quiz_minutes: int = 0,
) -> ModuleProgress:
    sections = module.sections_for(audience)
    seen = set(viewed)
    return ModuleProgress(
        module=module,
        sections_total=len(sections),
        sections_viewed=sum(s.id in seen for s in sections),
        next_section=next((s for s in sections if s.id not in seen), None),
        quiz_required=quiz_required,
        quiz_passed=quiz_passed,
        quiz_minutes=quiz_minutes,
    )


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
