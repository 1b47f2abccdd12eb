"""Faults: an import that fails at row N writes nothing, and a server killed mid-submission leaves no half."""

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from course.accounts.sessions import stamp
from course.extensions import db as database
from course.imports.services import (
    ImportFailed,
    apply_completions_import,
    apply_people_import,
    plan_completions_import,
    plan_people_import,
)
from course.models import AttemptAnswer, AuditEvent, CourseCompletion, QuizAttempt, User
from course.quizzes import services as quizzes
from tests import factories
from tests.fixtures.quiz import answers_for
from tests.security import figures
from tests.security.conftest import token
from tests.security.live import all_at_once

pytestmark = pytest.mark.database

ROWS = 2500  # three batches of inserts: a failure in the last one comes after 2,000 rows were written


def people_file(rows):
    return (
        "email,name,job_role,unit_path\n"
        + "".join(f"p{n}@example.org,P {n},nurse,Trust\n" for n in range(rows))
    ).encode()


@pytest.mark.parametrize("failing_row", [1, 1000, 1001, 2345, ROWS])
def test_a_people_import_failing_at_row_n_writes_nothing(app, db, failing_row):
    with app.app_context():
        factories.unit("Trust", "organisation")
        database.session.commit()
        plan = plan_people_import(people_file(ROWS), max_rows=ROWS)
        assert not plan.errors and plan.counts.created == ROWS
        # Someone adds the person on row N between the preview and the import: that insert fails.
        email = plan.rows[failing_row - 1].email
        database.session.add(factories.user(email, name="Added meanwhile", job_role="nurse", password=None))
        database.session.commit()
        with pytest.raises(ImportFailed, match="nothing was imported"):
            apply_people_import(plan, None)
        database.session.remove()
    assert db.scalars(select(User.email)).all() == [email]
    assert db.scalar(select(func.count()).where(AuditEvent.action == "people.imported")) == 0
    figures.count("import faults (failing row -> nothing written)")


def test_a_completions_import_failing_at_row_n_writes_nothing(app, db):
    with app.app_context():
        unit = factories.unit("Trust", "organisation")
        people = [
            factories.user(f"c{n}@example.org", name="C", job_role="nurse", unit=unit, password=None)
            for n in range(1500)
        ]
        database.session.commit()
        data = "email,completed_on\n" + "".join(
            f"{p.email},2025-0{1 + n % 9}-15\n" for n, p in enumerate(people)
        )
        plan = plan_completions_import(data.encode(), max_rows=ROWS, today=people[0].created_at.date())
        assert not plan.errors and len(plan.rows) == 1500
        row = plan.rows[1200]  # its record takes a cycle that someone else's record now has
        database.session.add(
            CourseCompletion(
                user_id=row.user_id,
                cycle=row.cycle,
                course_version="x",
                completed_at=people[0].created_at,
                expires_on=row.expires_on,
                scores={},
                cpd_minutes=0,
                certificate_code="MEANWHILE-0001",
            )
        )
        database.session.commit()
        with pytest.raises(ImportFailed, match="nothing was imported"):
            apply_completions_import(plan, None)
        database.session.remove()
    assert db.scalars(select(CourseCompletion.certificate_code)).all() == ["MEANWHILE-0001"]
    figures.count("import faults (failing row -> nothing written)")


def serve(database_url):
    """The app in a process of its own, served by Werkzeug's threaded server; (process, base URL)."""
    code = (
        "from werkzeug.serving import make_server; from course import create_app; "
        "server = make_server('127.0.0.1', 0, create_app(), threaded=True); "
        "print(server.server_port, flush=True); server.serve_forever()"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "COURSE_ENV": "development",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    port = process.stdout.readline().strip().decode()
    assert port, "the server did not start"
    return process, f"http://127.0.0.1:{port}"


LEARNERS, ROUNDS, WANTED_CUTS = 6, 12, 3


def learners_with_sessions(app):
    """Six learners, each with a session cookie and its CSRF token, as their browsers would hold them."""
    found = []
    with app.app_context():
        unit = factories.unit("Trust", "organisation")
        people = [
            factories.user(f"k{n}@example.org", name="K", job_role="teacher", unit=unit, password=None)
            for n in range(LEARNERS)
        ]
        database.session.commit()
        ids = [(person.id, person.get_id()) for person in people]
        database.session.remove()
    for user_id, session_id in ids:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = session_id, True
            stamp(session)
        csrf = token(client)
        found.append((user_id, csrf, f"session={client.get_cookie('session').value}"))
    return found


def open_attempts(app, learners):
    """Each learner's open attempt at every quiz (a new one where the last was submitted)."""
    with app.app_context():
        course = app.extensions["course"]
        attempts = [
            quizzes.start_attempt(
                database.session.get(User, user_id),
                bank,
                audience="teacher",
                region="UK",
                course_version="t",
                pass_mark=80,
                valid_for=timedelta(hours=1),
                daily_limit=0,
            )
            for user_id, _csrf, _cookie in learners
            for bank in course.banks.values()
        ]
        database.session.remove()
    return attempts


def half_written(db):
    """Attempts that are neither whole (submitted, every answer stored, the score agreeing) nor untouched."""
    db.expire_all()
    answers = dict(
        db.execute(select(AttemptAnswer.attempt_id, func.count()).group_by(AttemptAnswer.attempt_id)).all()
    )
    right = dict(
        db.execute(
            select(AttemptAnswer.attempt_id, func.count())
            .where(AttemptAnswer.correct)
            .group_by(AttemptAnswer.attempt_id)
        ).all()
    )
    bad = []
    for attempt in db.scalars(select(QuizAttempt)):
        stored = answers.get(attempt.id, 0)
        whole = (
            attempt.submitted_at is not None
            and stored == len(attempt.draw)
            and attempt.correct_count == right.get(attempt.id, 0)
        )
        untouched = attempt.submitted_at is None and stored == 0 and attempt.correct_count is None
        if not (whole or untouched):
            bad.append(attempt.id)
    return bad


def test_a_server_killed_during_submissions_leaves_no_half_written_attempt(app, database_url, db):
    learners = learners_with_sessions(app)
    cookies = {user_id: (csrf, cookie) for user_id, csrf, cookie in learners}
    latest, cuts, answered = 0.3, 0, 0
    for _round in range(ROUNDS):
        attempts = open_attempts(app, learners)
        requests = []
        for attempt in attempts:
            csrf, cookie = cookies[attempt.user_id]
            body = urlencode({**answers_for(app, attempt), "csrf_token": csrf}, doseq=True)
            requests.append((f"/quiz/attempts/{attempt.id}", body, cookie))
        process, base_url = serve(database_url)
        delay = random.uniform(0, latest)

        def kill(process=process, delay=delay):
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)

        replies, _seconds = all_at_once(base_url, requests, meanwhile=kill)
        process.wait(timeout=30)
        process.stdout.close()
        assert half_written(db) == []
        done = sum(reply is not None for reply in replies)
        answered += done
        if 0 < done < len(replies):  # the kill came while submissions were being saved
            cuts += 1
        latest = latest * 1.5 if done == 0 else latest / 1.5 if done == len(replies) else latest
        if cuts >= WANTED_CUTS:
            break
    assert cuts >= 1, "no kill landed while submissions were in flight"
    figures.note(
        f"server killed mid-submission ({db.bind.dialect.name})",
        f"{cuts} kills mid-burst, {answered} submits answered, 0 half-written attempts",
    )
