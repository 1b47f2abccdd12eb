"""Pure rules of the reports: folding counted learners into the dashboard's figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from course.models import JobRole
from course.progress.status import VALID, Status, past_due

IN_DATE = tuple(s.value for s in VALID)


@dataclass(frozen=True)
class Overview:
    learners: int
    assigned: int
    by_status: dict[str, int]

    def count(self, status: Status) -> int:
        return self.by_status.get(status.value, 0)

    @property
    def in_date(self) -> int:
        return sum(self.by_status.get(s, 0) for s in IN_DATE)


@dataclass(frozen=True)
class GroupRow:
    label: str
    learners: int
    in_date: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.in_date / self.learners) if self.learners else 0


@dataclass(frozen=True)
class Summary:
    overview: Overview
    units: list[GroupRow]
    roles: list[GroupRow]


@dataclass(frozen=True)
class Tally:
    """The learners of one unit with one job role and due date: how many have each status before the
    due date is considered (course.progress.status.record_status)."""

    unit_name: str | None
    job_role: str
    due_on: date | None
    by_state: dict[Status, int]


def summarise(tallies: list[Tally], today: date) -> Summary:
    """The dashboard's overview, by unit and by job role, all from one set of tallies."""
    by_status: Counter[str] = Counter()
    assigned = 0
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # learners, in date, overdue
    roles: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for t in tallies:
        counts: Counter[str] = Counter()
        for state, n in t.by_state.items():
            counts[past_due(state, t.due_on, today).value] += n
        by_status.update(counts)
        learners = counts.total()
        assigned += learners if t.due_on is not None else 0
        figures = (learners, sum(counts[s] for s in IN_DATE), counts[Status.OVERDUE.value])
        for group in (units[t.unit_name or "No unit"], roles[JobRole.label_for(t.job_role)]):
            for i, n in enumerate(figures):
                group[i] += n

    def rows(groups: dict[str, list[int]]) -> list[GroupRow]:
        return [GroupRow(label, *figures) for label, figures in sorted(groups.items())]

    overview = Overview(
        learners=by_status.total(),
        assigned=assigned,
        by_status={status: n for status, n in by_status.items() if n},
    )
    return Summary(overview, rows(units), rows(roles))


@dataclass(frozen=True)
class SetupFacts:
    """What the database says about a new organisation's first steps."""

    named: bool  # the organisation's name is no longer the default
    settings_saved: bool  # an administrator saved the settings page, region included
    contacts: bool  # the safeguarding lead's and the wellbeing contact's details are filled in
    units: bool  # there is a unit
    staff: bool  # there is someone besides the administrators
    assignments: bool  # there is an assignment
    uninvited: bool  # someone active has neither a password nor an invitation


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    endpoint: str  # where the administrator does it


def setup_steps(facts: SetupFacts) -> tuple[Step, ...]:
    """The first-run checklist, each step worked out from the data rather than ticked by hand."""
    return (
        Step("Give the organisation its name", facts.named, "organisation.settings"),
        Step(
            "Choose the region (for helplines and the referral pathway)",
            facts.settings_saved,
            "organisation.settings",
        ),
        Step(
            "Add the safeguarding lead's and the wellbeing contacts", facts.contacts, "organisation.settings"
        ),
        Step("Set up the units (organisation, sites, departments)", facts.units, "people.units"),
        Step("Import the staff", facts.staff, "imports.import_people"),
        Step("Assign the training, with a due date", facts.assignments, "assignments.assignments"),
        Step("Send the invitations", facts.staff and not facts.uninvited, "invitations.invitations"),
    )
