"""The status rule in SQL (learner_rows, the dashboard's tallies) equals the rule in Python (learner_state,
training_status) for learner histories built around every boundary day, on the real database.

Each history is written through the models, so the database's triggers keep the learner summary the SQL
reads, and rolled back afterwards. "Today" is frozen: it is a parameter of every query and rule here.
The expected status is training_status applied to what the history says (the latest record, whether the
learner started, the earliest due date of every assignment that covers them), so the three must agree.
Set STATUS_EXAMPLES to change the number of generated examples (25 learners each).
"""

from __future__ import annotations

import itertools
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.extensions import db
from course.models import (
    Assignment,
    CourseCompletion,
    JobRole,
    OrgSettings,
    OrgUnit,
    QuizAttempt,
    Revocation,
    Role,
    SectionView,
    UnitKind,
    User,
)
from course.people.rules import Scope
from course.progress.services import learner_state
from course.progress.status import VALID, RecordFacts, Status, training_status
from course.reporting.queries import learner_rows
from course.reporting.services import summary
from tests import factories

pytestmark = pytest.mark.database

EXAMPLES = int(os.environ.get("STATUS_EXAMPLES", "50"))
LEARNERS = 25  # per example: one database round of writes and queries checks many histories

# The organisation tree of every example: (name, kind, parent index).
UNITS = (
    ("Trust", UnitKind.ORGANISATION, None),
    ("School", UnitKind.SITE, 0),
    ("Science department", UnitKind.DEPARTMENT, 1),
    ("Ward", UnitKind.SITE, 0),
    ("Other trust", UnitKind.ORGANISATION, None),
)
SCOPED = 1  # the School and its department: the dashboard of a unit's manager is checked too
DUE = (-30, -1, 0, 1, 30)  # due dates, in days from today
STARTS = ("no", "section", "quiz", "opened quiz")  # an opened, unsubmitted quiz does not start the course
WITHDRAWALS = (None, "same day", "later")  # a withdrawal on the day of the completion, or days after


@dataclass(frozen=True)
class Record:
    expires_in: int  # days from today
    withdrawn: str | None = None


@dataclass(frozen=True)
class Learner:
    records: tuple[Record, ...] = ()  # by cycle: the last is the latest
    start: str = "no"
    unit: int | None = None  # an index into UNITS
    job_role: str = JobRole.TEACHER
    due_in: tuple[int, ...] = ()  # assignments to the person
    active: bool = True
    role: str = Role.LEARNER


@dataclass(frozen=True)
class World:
    today: date
    window_days: int
    learners: tuple[Learner, ...]
    unit_due: tuple[tuple[int, ...], ...] = ((),) * len(UNITS)  # assignments to each unit
    role_due: tuple[tuple[str, int], ...] = ()  # assignments to job roles


def expiry_offsets(window_days: int) -> tuple[int, ...]:
    """Expiry dates around every boundary: the day after expiry, the expiry day, the last valid day;
    inside the window, its first day, the day before it; long past and long valid."""
    w = window_days
    return (-200, -1, 0, 1, w - 1, w, w + 1, w + 200)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    today = draw(st.dates(date(2025, 1, 1), date(2030, 12, 31)))
    window_days = draw(st.integers(7, 120))  # what the settings form accepts
    record = st.builds(
        Record,
        expires_in=st.sampled_from(expiry_offsets(window_days)),
        withdrawn=st.sampled_from(WITHDRAWALS),
    )
    due = st.lists(st.sampled_from(DUE), max_size=2).map(tuple)
    learner = st.builds(
        Learner,
        records=st.lists(record, max_size=3).map(tuple),
        start=st.sampled_from(STARTS),
        unit=st.none() | st.integers(0, len(UNITS) - 1),
        job_role=st.sampled_from(list(JobRole)),
        due_in=due,
        active=st.sampled_from([True, True, True, False]),
        role=st.sampled_from([Role.LEARNER, Role.LEARNER, Role.LEARNER, Role.MANAGER, Role.ADMIN]),
    )
    return World(
        today=today,
        window_days=window_days,
        learners=tuple(draw(st.lists(learner, min_size=LEARNERS, max_size=LEARNERS))),
        unit_due=tuple(draw(due) for _ in UNITS),
        role_due=tuple(
            draw(st.lists(st.tuples(st.sampled_from(list(JobRole)), st.sampled_from(DUE)), max_size=3))
        ),
    )


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def expected_status(world: World, learner: Learner) -> tuple[Status, date | None]:
    """training_status on what the history says, and the earliest due date that covers the learner."""
    latest = learner.records[-1] if learner.records else None
    facts = None
    if latest is not None:
        facts = RecordFacts(world.today + timedelta(days=latest.expires_in), latest.withdrawn is not None)
    units = set()
    unit = learner.unit
    while unit is not None:  # the learner's unit and every unit above it
        units.add(unit)
        unit = UNITS[unit][2]
    dues = [
        *learner.due_in,
        *(d for role, d in world.role_due if role == learner.job_role),
        *(d for u in units for d in world.unit_due[u]),
    ]
    due_on = world.today + timedelta(days=min(dues)) if dues else None
    status = training_status(
        today=world.today,
        latest=facts,
        started=learner.start in ("section", "quiz"),
        due_on=due_on,
        window_days=world.window_days,
    )
    return status, due_on


def write(world: World) -> tuple[list[OrgUnit], list[User]]:
    """The world's units, people, records, withdrawals, first steps and assignments, through the models."""
    units: list[OrgUnit] = []
    for name, kind, parent in UNITS:
        units.append(factories.unit(name, kind, units[parent] if parent is not None else None))
    for unit, dues in zip(units, world.unit_due, strict=True):
        db.session.add_all(Assignment(unit=unit, due_on=world.today + timedelta(days=d)) for d in dues)
    for role, d in world.role_due:
        db.session.add(Assignment(job_role=role, due_on=world.today + timedelta(days=d)))
    people = []
    for n, learner in enumerate(world.learners):
        person = factories.user(
            f"learner{n}@example.org",
            role=learner.role,
            job_role=learner.job_role,
            unit=units[learner.unit] if learner.unit is not None else None,
            password=None,
            active=learner.active,
        )
        db.session.flush()
        people.append(person)
        db.session.add_all(
            Assignment(user=person, due_on=world.today + timedelta(days=d)) for d in learner.due_in
        )
        for cycle, record in enumerate(learner.records, start=1):
            expires_on = world.today + timedelta(days=record.expires_in)
            completed_at = noon(expires_on - timedelta(days=400))
            completion = CourseCompletion(
                user_id=person.id,
                cycle=cycle,
                course_version="t",
                completed_at=completed_at,
                expires_on=expires_on,
                scores={},
                cpd_minutes=100,
                certificate_code=f"C{person.id}-{cycle}",
            )
            if record.withdrawn is not None:
                later = timedelta(hours=3) if record.withdrawn == "same day" else timedelta(days=10)
                completion.revocation = Revocation(revoked_at=completed_at + later, reason="test")
            db.session.add(completion)
        step = noon(world.today - timedelta(days=5))
        if learner.start == "section":
            db.session.add(
                SectionView(user_id=person.id, module_id="understanding", section_id="a", viewed_at=step)
            )
        elif learner.start in ("quiz", "opened quiz"):
            submitted = learner.start == "quiz"
            db.session.add(
                QuizAttempt(
                    user_id=person.id,
                    module_id="understanding",
                    quiz_version=1,
                    course_version="t",
                    draw=[],
                    pass_mark=80,
                    started_at=step,
                    expires_at=step + timedelta(hours=1),
                    submitted_at=step if submitted else None,
                    score=90 if submitted else None,
                    correct_count=0 if submitted else None,
                    passed=True if submitted else None,
                )
            )
    db.session.flush()
    db.session.expire_all()  # the triggers updated the learners' summaries behind the session
    return units, people


def groups(statuses: list[tuple[str, Status]]) -> list[tuple[str, int, int, int]]:
    """(label, learners, in date, overdue) for each label, sorted: the dashboard's tables, counted."""
    figures: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for label, status in statuses:
        row = figures[label]
        row[0] += 1
        row[1] += status in VALID
        row[2] += status == Status.OVERDUE
    return [(label, *row) for label, row in sorted(figures.items())]


def check(app: Flask, world: World) -> int:
    """Write the world, compare every learner's statuses and the dashboard, roll back. Returns the
    number of histories checked."""
    with app.app_context():
        try:
            units, people = write(world)
            today, window = world.today, world.window_days
            rows = {row.user_id: row for row in db.session.execute(learner_rows(today, window))}
            settings_ = OrgSettings.with_defaults()
            settings_.expiring_window_days = window
            course = app.extensions["course"]
            statuses: dict[int, Status] = {}
            for learner, person in zip(world.learners, people, strict=True):
                expected, due_on = expected_status(world, learner)
                python = learner_state(person, course, settings_, today).status
                assert python == expected, (learner, python, expected)
                if not learner.active:
                    assert person.id not in rows, learner  # deactivated people are not counted
                    continue
                row = rows[person.id]
                assert row.status == expected.value, (learner, row.status, expected, today, window)
                assert row.due_on == due_on, learner
                latest = learner.records[-1] if learner.records else None
                valid_expiry = (
                    today + timedelta(days=latest.expires_in) if latest and not latest.withdrawn else None
                )
                assert row.expires_on == valid_expiry, learner  # the summary the triggers keep
                statuses[person.id] = expected
            assert set(rows) == set(statuses)
            check_dashboard(world, units, people, statuses)
            return len(world.learners)
        finally:
            db.session.rollback()


def check_dashboard(
    world: World, units: list[OrgUnit], people: list[User], statuses: dict[int, Status]
) -> None:
    """The dashboard's tallies, for everyone and for one unit's manager, equal the learners' statuses
    counted one by one."""
    by_id = {person.id: (person, learner) for person, learner in zip(people, world.learners, strict=True)}
    for scope in (Scope(None), Scope(units[SCOPED].path)):
        covered = {p.id for p in people if scope.covers(p.unit.path if p.unit else None)}
        mine = {user_id: status for user_id, status in statuses.items() if user_id in covered}  # active ones
        figures = summary(scope, world.today, world.window_days)
        overview = figures.overview
        assert overview.by_status == dict(Counter(status.value for status in mine.values()))
        assert overview.learners == len(mine)
        assigned = sum(expected_status(world, by_id[user_id][1])[1] is not None for user_id in mine)
        assert overview.assigned == assigned
        assert overview.in_date == sum(status in VALID for status in mine.values())
        unit_names = {
            user_id: by_id[user_id][0].unit.name if by_id[user_id][0].unit else "No unit" for user_id in mine
        }
        role_names = {user_id: JobRole.label_for(by_id[user_id][1].job_role) for user_id in mine}
        assert [(r.label, r.learners, r.in_date, r.overdue) for r in figures.units] == groups(
            [(unit_names[i], s) for i, s in mine.items()]
        )
        assert [(r.label, r.learners, r.in_date, r.overdue) for r in figures.roles] == groups(
            [(role_names[i], s) for i, s in mine.items()]
        )


def every_boundary(window_days: int) -> Iterator[Learner]:
    """One learner for each combination of the boundary days: expiry, window start, due day, and a
    withdrawal on the day of completion; and both ways of starting, and not starting."""
    for expires_in, withdrawn, due, start in itertools.product(
        (None, *expiry_offsets(window_days)), (None, "same day"), ((), (-1,), (0,), (1,), (1, -1, 0)), STARTS
    ):
        if expires_in is None and withdrawn:
            continue
        records = () if expires_in is None else (Record(expires_in, withdrawn),)
        yield Learner(records=records, start=start, due_in=due, job_role=JobRole.OTHER)


@pytest.mark.parametrize("window_days", [7, 30])
def test_every_boundary_day_agrees(app: Flask, window_days: int) -> None:
    """Every combination of boundary days once, with due dates from each kind of assignment."""
    today = date(2027, 2, 28)
    learners = list(every_boundary(window_days))
    # The same due dates again through the unit, an ancestor unit and the job role instead of the person.
    moved = [
        Learner(records=ln.records, start=ln.start, unit=2, job_role=JobRole.NURSE, active=True)
        for ln in learners
        if ln.due_in == (0,)
    ]
    world = World(
        today=today,
        window_days=window_days,
        learners=(*learners, *moved, Learner(active=False, records=(Record(1),), due_in=(-1,))),
        unit_due=((), (0, 30), (1,), (-1,), (-30,)),  # the department's parent is due today: it wins
        role_due=((JobRole.NURSE, 1), (JobRole.TEACHER, -1)),
    )
    statuses = Counter(expected_status(world, learner)[0] for learner in world.learners)
    assert set(statuses) == set(Status)  # every status is among them
    check(app, world)


def test_generated_histories_agree(app: Flask) -> None:
    """Generated worlds agree, and a full run compares at least a thousand histories (fewer when
    STATUS_EXAMPLES says so)."""
    compared: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(world=worlds())
    def agree(world: World) -> None:
        compared.append(check(app, world))

    agree()
    if "STATUS_EXAMPLES" not in os.environ:
        assert sum(compared) >= 1000, sum(compared)
