"""Pure rules of a learner's progress: their pathway, how far they have come, and the record dates."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from course.content.schema import Module, Section
from course.models import JobRole
from course.progress.status import RecordFacts, window_opens

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


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_for(completed_on: date, validity_months: int) -> date:
    """The first day on which a record completed on `completed_on` is no longer valid."""
    return add_months(completed_on, validity_months)


def renewal_opens_at(
    latest: RecordFacts | None, window_days: int, revoked_at: datetime | None
) -> datetime | None:
    """The moment from which work counts towards the next record: None for a first completion.

    After a withdrawal it is the withdrawal itself: quizzes passed earlier that day earned the withdrawn
    record and must not count again (they would show every module complete while no record exists).
    """
    if latest is None:
        return None
    if latest.revoked and revoked_at is not None:
        return revoked_at
    return datetime.combine(window_opens(latest.expires_on, window_days), time(), UTC)


def relative_due_on(started_on: date | None, within_days: int | None) -> date | None:
    """The due date of an assignment "within N days of starting": the start date plus N days (due on
    that day, overdue the day after), none without a start date. The SQL twin is
    course.reporting.queries.add_days."""
    if started_on is None or within_days is None:
        return None
    return started_on + timedelta(days=within_days)
