"""The dashboard's figures folded from one set of tallies (a pure function)."""

from datetime import date, timedelta

from course.progress.status import Status
from course.reporting.rules import GroupRow, Tally, summarise

TODAY = date(2026, 11, 25)
PASSED, COMING = TODAY - timedelta(days=1), TODAY + timedelta(days=1)

TALLIES = [
    Tally("Ward 1", "nurse", PASSED, {Status.COMPLETED: 3, Status.IN_PROGRESS: 1, Status.EXPIRED: 1}),
    Tally("Ward 1", "healthcare_assistant", None, {Status.EXPIRING_SOON: 1}),
    Tally("School", "teacher", COMING, {Status.NOT_STARTED: 4, Status.EXPIRED: 0}),
    Tally(None, "teacher", PASSED, {Status.NOT_STARTED: 1}),
]


def test_overview_counts_every_learner_once():
    overview = summarise(TALLIES, TODAY).overview
    assert overview.learners == 11
    assert overview.assigned == 10  # everyone with a due date
    assert overview.in_date == 4  # completed and expiring soon
    assert overview.count(Status.OVERDUE) == 3  # past the due date without a valid record
    assert overview.count(Status.NOT_STARTED) == 4  # due tomorrow: not overdue yet
    assert overview.count(Status.EXPIRED) == 0
    assert Status.EXPIRED.value not in overview.by_status  # only statuses someone has


def test_groups_by_unit_and_by_job_role_in_label_order():
    summary = summarise(TALLIES, TODAY)
    units = [(r.label, r.learners, r.in_date, r.overdue) for r in summary.units]
    roles = [(r.label, r.learners, r.in_date, r.overdue) for r in summary.roles]
    assert units == [("No unit", 1, 0, 1), ("School", 4, 0, 0), ("Ward 1", 6, 4, 2)]
    assert roles == [("Healthcare assistant", 1, 1, 0), ("Nurse", 5, 3, 2), ("Teacher", 5, 0, 1)]
    assert summary.units[2].percent == 67


def test_no_learners_gives_empty_figures():
    summary = summarise([], TODAY)
    assert summary.overview.learners == 0 and summary.units == [] and summary.roles == []


def test_the_share_in_date_is_a_rounded_percentage_and_nothing_without_learners():
    assert GroupRow("Ward", 4, 3, 0).percent == 75
    assert GroupRow("Ward", 3, 1, 0).percent == 33
    assert GroupRow("Ward", 3, 2, 1).percent == 67
    assert GroupRow("Empty", 0, 0, 0).percent == 0
