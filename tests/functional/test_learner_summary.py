"""The summary on each user row, which the reports read, follows the facts whoever writes them."""

import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, delete, insert, or_, select, text, true, update
from sqlalchemy.exc import IntegrityError

from course import migrate
from course.database import utcnow
from course.models import AttemptAnswer, CourseCompletion, QuizAttempt, Revocation, SectionView, User
from tests.factories import completion, quiz_attempt

pytestmark = pytest.mark.database


def test_a_section_view_starts_the_course(make_user, db, reload):
    user = make_user()
    assert reload(user).started_at is None
    db.add(SectionView(user_id=user.id, module_id="understanding", section_id="a"))
    db.commit()
    first = reload(user).started_at
    assert first is not None
    db.add(SectionView(user_id=user.id, module_id="understanding", section_id="b"))
    db.commit()
    assert reload(user).started_at == first  # the first step is kept


def test_only_a_submitted_quiz_starts_the_course(make_user, db, reload):
    opened, submitted_later, submitted_at_once = make_user(), make_user(), make_user()
    db.add_all([quiz_attempt(opened, submitted=False), quiz_attempt(submitted_at_once)])
    later = quiz_attempt(submitted_later, submitted=False)
    db.add(later)
    db.commit()
    assert reload(opened).started_at is None
    assert reload(submitted_at_once).started_at is not None
    assert reload(submitted_later).started_at is None
    db.execute(update(QuizAttempt).where(QuizAttempt.id == later.id).values(submitted_at=utcnow()))
    db.commit()
    assert reload(submitted_later).started_at is not None


def test_the_latest_record_is_summarised_until_it_is_withdrawn(make_user, db, reload):
    user = make_user()
    first = completion(user, cycle=1, expires_in_days=10, completed_days_ago=1)
    db.add(first)
    db.commit()
    assert reload(user).record_expires_on == first.expires_on
    renewal = completion(user, cycle=2, expires_in_days=400, completed_days_ago=0)
    db.add(renewal)
    db.commit()
    summary = reload(user)
    assert (summary.record_completed_at, summary.record_expires_on) == (
        renewal.completed_at,
        renewal.expires_on,
    )
    withdrawal = Revocation(completion_id=renewal.id, reason="test")
    db.add(withdrawal)
    db.commit()
    summary = reload(user)
    assert (summary.record_completed_at, summary.record_expires_on) == (None, None)  # not the older one
    correction = completion(user, cycle=3, expires_in_days=300, completed_days_ago=0)  # a withdrawal stays
    db.add(correction)
    db.commit()
    assert reload(user).record_expires_on == correction.expires_on


def test_withdrawing_an_older_record_changes_nothing(make_user, db, reload):
    user = make_user()
    older, newer = (
        completion(user, cycle=1, expires_in_days=10, completed_days_ago=1),
        completion(user, cycle=2, expires_in_days=400, completed_days_ago=0),
    )
    db.add_all([older, newer])
    db.commit()
    db.add(Revocation(completion_id=older.id, reason="test"))
    db.commit()
    assert reload(user).record_expires_on == newer.expires_on


def test_the_migration_fills_the_summary_from_existing_facts(tmp_path):
    url = f"sqlite:///{tmp_path}/old.db"
    migrate.upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:
        run = lambda sql: connection.execute(text(sql))  # noqa: E731
        for n in (1, 2, 3, 4):
            run(
                "INSERT INTO users (id, email, name, role, job_role, active, failed_logins, session_version,"
                f" created_at) VALUES ({n}, 'p{n}@example.org', 'P', 'learner', 'nurse', 1, 0, 1,"
                " '2026-01-01 00:00:00.000000')"
            )
        run(
            "INSERT INTO section_views (user_id, module_id, section_id, viewed_at)"
            " VALUES (1, 'm', 's', '2026-02-01 00:00:00.000000')"
        )
        run(
            "INSERT INTO quiz_attempts (user_id, module_id, quiz_version, course_version, draw, pass_mark,"
            " started_at, expires_at, submitted_at) VALUES (2, 'm', 1, 't', '[]', 80,"
            " '2026-03-01 00:00:00.000000', '2026-03-02 00:00:00.000000', '2026-03-01 01:00:00.000000')"
        )
        for user, cycle in ((3, 1), (3, 2), (4, 1)):
            run(
                "INSERT INTO course_completions (user_id, cycle, course_version, completed_at, expires_on,"
                f" scores, cpd_minutes, certificate_code, source) VALUES ({user}, {cycle}, 't',"
                f" '2026-0{cycle}-01 00:00:00.000000', '2027-0{cycle}-01', '{{}}', 100, 'C-{user}-{cycle}', 'course')"
            )
        run(
            "INSERT INTO revocations (completion_id, revoked_at, reason)"
            " SELECT id, '2026-05-01 00:00:00.000000', 'test' FROM course_completions WHERE user_id = 4"
        )
    migrate.upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, started_at, record_expires_on FROM users ORDER BY id")
        ).all()
    engine.dispose()
    assert [(r.id, r.started_at is not None, r.record_expires_on) for r in rows] == [
        (1, True, None),
        (2, True, None),
        (3, False, "2027-02-01"),
        (4, False, None),
    ]


# Any change the database allows, made by hand, and after each one the summary equals a recomputation.

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
moments = st.builds(
    lambda day, minute: BASE + timedelta(days=day, minutes=minute), st.integers(0, 4), st.integers(0, 2)
)
maybe_moments = st.none() | moments
pick = st.integers(0, 99)
SERIALS = itertools.count()  # for values that must be unique  # the n-th existing row (modulo their number)

CHANGES = st.one_of(
    st.tuples(st.just("view"), pick, moments),
    st.tuples(st.just("move view"), pick, st.none() | pick, st.none() | moments),  # None: as it was
    st.tuples(st.just("remove view"), pick),
    st.tuples(st.just("attempt"), pick, maybe_moments),
    st.tuples(st.just("submit"), pick, maybe_moments),
    st.tuples(st.just("give attempt to"), pick, pick, maybe_moments | st.just("as it was")),
    st.tuples(st.just("grade"), pick, st.booleans()),
    st.tuples(st.just("answer"), pick),
    st.tuples(st.just("remove attempt"), pick),
    st.tuples(st.just("record"), pick, st.integers(1, 4), moments),
    st.tuples(st.just("withdraw"), pick),
    st.tuples(st.just("edit summary"), pick, maybe_moments, maybe_moments),
    st.tuples(st.just("new person"), maybe_moments),
    st.tuples(st.just("remove person"), pick),
)


def nth(db, column, n, people, *where):
    """The n-th (modulo their number) row of this example's people, or None when there is none."""
    owner = column.table.c.user_id if "user_id" in column.table.c else None
    mine = [owner.in_(people)] if owner is not None else []
    found = db.scalars(select(column).where(*mine, *where).order_by(column)).all()
    return found[n % len(found)] if found else None


def make_change(db, change, people):
    """Run one hand-made change; the ones the database refuses must be refused."""
    kind, *args = change
    serial = next(SERIALS)
    person = people[args[0] % len(people)] if people and args and isinstance(args[0], int) else None
    if kind == "view" and person:
        db.execute(
            insert(SectionView).values(
                user_id=person, module_id="m", section_id=f"s{serial}", viewed_at=args[1]
            )
        )
    elif kind == "move view" and (view := nth(db, SectionView.id, args[0], people)):
        moved = {} if args[1] is None else {"user_id": people[args[1] % len(people)]}
        if args[2] is not None:
            moved["viewed_at"] = args[2]
        db.execute(
            update(SectionView)
            .where(SectionView.id == view)
            .values(moved or {"viewed_at": SectionView.viewed_at})  # or a change to nothing
        )
    elif kind == "remove view" and (view := nth(db, SectionView.id, args[0], people)):
        db.execute(delete(SectionView).where(SectionView.id == view))
    elif kind == "attempt" and person:
        db.execute(
            insert(QuizAttempt).values(
                user_id=person,
                module_id="m",
                quiz_version=1,
                course_version="t",
                draw=[],
                pass_mark=80,
                expires_at=BASE,
                submitted_at=args[1],
            )
        )
    elif kind == "submit" and (attempt := nth(db, QuizAttempt.id, args[0], people)):
        db.execute(update(QuizAttempt).where(QuizAttempt.id == attempt).values(submitted_at=args[1]))
    elif kind == "give attempt to" and (attempt := nth(db, QuizAttempt.id, args[0], people)):
        moved = {"user_id": people[args[1] % len(people)]}
        if args[2] != "as it was":
            moved["submitted_at"] = args[2]
        db.execute(update(QuizAttempt).where(QuizAttempt.id == attempt).values(moved))
    elif kind == "grade" and (attempt := nth(db, QuizAttempt.id, args[0], people)):
        db.execute(update(QuizAttempt).where(QuizAttempt.id == attempt).values(passed=args[1], score=50))
    elif kind == "answer" and (attempt := nth(db, QuizAttempt.id, args[0], people)):
        db.execute(
            insert(AttemptAnswer).values(
                attempt_id=attempt, question_id=f"q{serial}", position=0, selected=["a"], correct=True
            )
        )
    elif kind == "remove attempt" and (attempt := nth(db, QuizAttempt.id, args[0], people)):
        answered = db.scalar(select(AttemptAnswer.id).where(AttemptAnswer.attempt_id == attempt).limit(1))
        refused(db, delete(QuizAttempt).where(QuizAttempt.id == attempt), answered is not None)
    elif kind == "record" and person:
        taken = set(db.scalars(select(CourseCompletion.cycle).where(CourseCompletion.user_id == person)))
        # the cycle asked for when it is free, which may be below the latest; else the first free one
        cycle = next(c for c in itertools.chain([args[1]], itertools.count(1)) if c not in taken)
        db.execute(
            insert(CourseCompletion).values(
                user_id=person,
                cycle=cycle,
                course_version="t",
                completed_at=args[2],
                expires_on=args[2].date() + timedelta(days=cycle),
                scores={},
                cpd_minutes=1,
                certificate_code=f"C{serial}",
            )
        )
    elif kind == "withdraw" and (
        record := nth(
            db,
            CourseCompletion.id,
            args[0],
            people,
            CourseCompletion.id.not_in(select(Revocation.completion_id)),
        )
    ):
        db.execute(insert(Revocation).values(completion_id=record, reason="test"))
    elif kind == "edit summary" and person:
        at = args[1] or args[2]
        db.execute(
            update(User)
            .where(User.id == person)
            .values(started_at=args[1], record_completed_at=at, record_expires_on=at and at.date())
        )
    elif kind == "new person":
        people.append(new_person(db, serial, args[0]))
    elif kind == "remove person" and person:
        holds_facts = db.scalar(
            select(User.id).where(
                User.id == person,
                or_(
                    User.id.in_(select(CourseCompletion.user_id)),
                    User.id.in_(select(QuizAttempt.user_id).join(AttemptAnswer)),
                ),
            )
        )
        refused(db, delete(User).where(User.id == person), holds_facts is not None)
        if holds_facts is None:
            people.remove(person)
    db.commit()


def new_person(db, serial, summary=None):
    """A person inserted by hand, with a summary of their own making when one is given."""
    return db.scalar(
        insert(User)
        .values(
            email=f"p{serial}@example.org",
            name="P",
            started_at=summary,
            record_completed_at=summary,
            record_expires_on=summary and summary.date(),
        )
        .returning(User.id)
    )


def refused(db, statement, expected):
    if not expected:
        db.execute(statement)
        return
    with pytest.raises(IntegrityError, match="are never changed or deleted"):
        db.execute(statement)
    db.rollback()


def recomputed(db, people):
    """The summary of each of these people worked out in Python from the facts: the rule of 0002."""
    steps = defaultdict(list)
    for user, at in db.execute(
        select(SectionView.user_id, SectionView.viewed_at).where(of(SectionView, people))
    ):
        steps[user].append(at)
    for user, at in db.execute(
        select(QuizAttempt.user_id, QuizAttempt.submitted_at).where(of(QuizAttempt, people))
    ):
        if at is not None:
            steps[user].append(at)
    withdrawn = set(db.scalars(select(Revocation.completion_id)))
    latest = {}
    records = (
        select(CourseCompletion.__table__)
        .where(of(CourseCompletion, people))
        .order_by(CourseCompletion.cycle)
    )
    for record in db.execute(records):
        latest[record.user_id] = record
    summary = {}
    for user in db.scalars(select(User.id).where(User.id.in_(people) if people is not None else true())):
        record = latest.get(user)
        kept = record is not None and record.id not in withdrawn
        summary[user] = (
            min(steps[user], default=None),
            record.completed_at if kept else None,
            record.expires_on if kept else None,
        )
    return summary


def of(model, people):
    """Rows of these people (None: of everyone)."""
    return model.user_id.in_(people) if people is not None else true()


def stored(db, people):
    rows = db.execute(
        select(User.id, User.started_at, User.record_completed_at, User.record_expires_on).where(
            User.id.in_(people) if people is not None else true()
        )
    )
    return {row.id: tuple(row[1:]) for row in rows}


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(CHANGES, min_size=4, max_size=16))
# Each way a trigger can be reached, every run; the generated sequences then mix them.
@example(changes=[("view", 0, BASE + timedelta(days=1)), ("view", 0, BASE), ("remove view", 1)])
@example(changes=[("view", 0, BASE), ("move view", 0, 1, None), ("move view", 0, None, BASE + timedelta(1))])
@example(
    changes=[("attempt", 0, None), ("give attempt to", 0, 1, BASE), ("give attempt to", 0, 2, "as it was")]
)
@example(changes=[("attempt", 0, BASE), ("submit", 0, None), ("submit", 0, BASE), ("remove attempt", 0)])
@example(changes=[("attempt", 0, BASE), ("answer", 0), ("remove attempt", 0), ("remove person", 0)])
@example(changes=[("record", 0, 2, BASE), ("record", 0, 1, BASE), ("withdraw", 0), ("remove person", 0)])
@example(changes=[("edit summary", 0, BASE, BASE), ("new person", BASE), ("edit summary", 3, None, None)])
def test_after_any_change_the_summary_equals_a_recomputation(db, changes):
    """Each example has people of its own, checked after every change; everyone is checked at the end
    (the rows of earlier examples stay, and must stay right)."""
    people = [new_person(db, next(SERIALS)) for _ in range(3)]
    db.commit()
    for change in changes:
        make_change(db, change, people)
        assert stored(db, people) == recomputed(db, people), change
    assert stored(db, None) == recomputed(db, None)
