"""The dashboard's figures folded from one set of tallies (a pure function)."""

from course.admin.reports import Tally, summarise
from course.records.rules import Status

TALLIES = [
    Tally("Ward 1", "nurse", 5, {Status.COMPLETED.value: 3, Status.OVERDUE.value: 2}),
    Tally("Ward 1", "healthcare_assistant", 0, {Status.EXPIRING_SOON.value: 1}),
    Tally("School", "teacher", 1, {Status.NOT_STARTED.value: 4, Status.EXPIRED.value: 0}),
    Tally(None, "teacher", 1, {Status.OVERDUE.value: 1}),
]


def test_overview_counts_every_learner_once():
    overview = summarise(TALLIES).overview
    assert overview.learners == 11
    assert overview.assigned == 7
    assert overview.in_date == 4  # completed and expiring soon
    assert overview.count(Status.OVERDUE) == 3
    assert overview.count(Status.EXPIRED) == 0
    assert Status.EXPIRED.value not in overview.by_status  # only statuses someone has


def test_groups_by_unit_and_by_job_role_in_label_order():
    summary = summarise(TALLIES)
    units = [(r.label, r.learners, r.in_date, r.overdue) for r in summary.units]
    roles = [(r.label, r.learners, r.in_date, r.overdue) for r in summary.roles]
    assert units == [("No unit", 1, 0, 1), ("School", 4, 0, 0), ("Ward 1", 6, 4, 2)]
    assert roles == [("Healthcare assistant", 1, 1, 0), ("Nurse", 5, 3, 2), ("Teacher", 5, 0, 1)]
    assert summary.units[2].percent == 67


def test_no_learners_gives_empty_figures():
    summary = summarise([])
    assert summary.overview.learners == 0 and summary.units == [] and summary.roles == []
