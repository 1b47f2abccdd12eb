"""`flask --app course backup PATH` and `restore PATH`: a restore gives back exactly the records backed up."""

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from course import create_app, migrate
from course.audit import record
from course.database import Base, utcnow
from course.extensions import db
from course.models import AttemptAnswer, CourseCompletion, OrgSettings, QuizAttempt, User
from tests import factories
from tests.security import figures
from tests.security.conftest import build_world

pytestmark = pytest.mark.database


@pytest.fixture
def sqlite_app(tmp_path):
    """The app on a SQLite file of its own, whichever database the rest of the suite uses."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate.upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
    yield app
    db.session.remove()
    db.engine.dispose()


def everything(app):
    with app.app_context():
        rows = {
            table.name: db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
            for table in Base.metadata.sorted_tables
        }
        db.session.remove()
    return rows


def add_records(app):
    """A world of people and units, a scored attempt with its answers, and audit events."""
    world = build_world(app)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, world.ids["attempt"])
        attempt.submitted_at, attempt.correct_count, attempt.score, attempt.passed = utcnow(), 1, 10, False
        db.session.add(
            AttemptAnswer(attempt_id=attempt.id, question_id="q", position=0, selected=["a"], correct=True)
        )
        db.session.add(OrgSettings(id=1, org_name="Northfield", region="UK"))
        record("test.event", subject="backup", detail="kept")
        db.session.commit()
        db.session.remove()


def test_backup_then_restore_gives_back_identical_records(sqlite_app, tmp_path):
    add_records(sqlite_app)
    before = everything(sqlite_app)
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "backup.db"
    made = runner.invoke(args=["backup", str(backup)])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and "5 people, 1 completion records, 1 quiz attempts" in made.output
    assert backup.stat().st_mode & 0o777 == 0o600  # everyone's records: readable by its owner only
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, nothing beside it

    with sqlite_app.app_context():  # then things change: a person leaves, a record is added, settings move
        db.session.execute(delete(User).where(User.email == "other@example.org"))
        learner = db.session.scalar(select(User).where(User.email == "learner@example.org"))
        learner.name = "Changed"
        db.session.add(
            CourseCompletion(
                user_id=learner.id,
                cycle=2,
                course_version="t",
                completed_at=utcnow(),
                expires_on=factories.today() + timedelta(days=1),
                scores={},
                cpd_minutes=1,
                certificate_code="LATER-CODE-0002",
            )
        )
        db.session.get(OrgSettings, 1).org_name = "Somewhere else"
        db.session.commit()
        db.session.remove()
    assert everything(sqlite_app) != before

    restored = runner.invoke(args=["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    after = everything(sqlite_app)
    kept = len(before["audit_events"])
    (restore_event,) = after["audit_events"][kept:]  # the restore is audited in the restored records
    assert restore_event.action == "database.restored" and restore_event.details["rows"]["users"] == 5
    after["audit_events"] = after["audit_events"][:kept]
    assert after == before
    figures.note(
        "backup then restore (sqlite)",
        f"{sum(len(rows) for rows in after.values())} rows in {len(after)} tables identical after restore",
    )


def test_backup_never_overwrites_a_file(sqlite_app, tmp_path):
    existing = tmp_path / "kept.db"
    existing.write_text("an earlier backup")
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_text() == "an earlier backup"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,email\nAnn,ann@example.org\n", "is not a SQLite database"),
        (None, "is not a backup of this course's database"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    sqlite_app, tmp_path, content, message
):
    add_records(sqlite_app)
    before = everything(sqlite_app)
    wrong = tmp_path / "wrong.db"
    if content is None:  # a SQLite database of something else
        with sqlite3.connect(wrong) as other:
            other.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    else:
        wrong.write_bytes(content)
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(wrong), "--yes"])
    assert result.exit_code == 1 and message in result.output
    assert everything(sqlite_app) == before


def test_restore_asks_first(sqlite_app, tmp_path):
    add_records(sqlite_app)
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    answer = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert answer.exit_code == 1 and "Replace every record with the backup's 5 people" in answer.output


@pytest.mark.parametrize("command", [["backup", "course.dump"], ["restore", "course.dump", "--yes"]])
def test_postgresql_gets_pg_dump_guidance_and_a_failure(command):
    app = create_app({"DATABASE_URL": "postgresql+psycopg://course:s3cret@db.internal:5432/course"})
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output and "pg_restore" in result.output
    assert "s3cret" not in result.output  # the password is never printed


def test_restore_refuses_a_backup_from_a_newer_version(sqlite_app, tmp_path):
    add_records(sqlite_app)
    runner = sqlite_app.test_cli_runner()
    backup = tmp_path / "backup.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with sqlite3.connect(backup) as copy:
        copy.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    before = everything(sqlite_app)
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 1 and "newer version of the course" in result.output
    assert everything(sqlite_app) == before
