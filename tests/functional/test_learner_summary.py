"""The summary on each user row, which the reports read, follows the facts whoever writes them."""

from sqlalchemy import create_engine, text, update

from course import migrate
from course.database import utcnow
from course.models import QuizAttempt, Revocation, SectionView
from tests.builders import completion, quiz_attempt


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
