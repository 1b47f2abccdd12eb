"""Fifty simultaneous submissions of a learner's last quiz, and simultaneous imports, through a real server."""

import io
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from course.models import AttemptAnswer, AuditEvent, CourseCompletion, JobRole, QuizAttempt, Role, User
from tests.fixtures.app import Web, csrf_token
from tests.fixtures.quiz import answers_for, take_quiz
from tests.security import figures
from tests.security.live import all_at_once

pytestmark = pytest.mark.database

SUBMITTERS = 50
IMPORTERS = 10


def all_but_the_last_quiz(web, app):
    """Read every section and pass every quiz but the last, as a learner would; the last module's id."""
    course = app.extensions["course"]
    modules = course.modules_for("teacher")
    for module in modules:
        for section in module.sections_for("teacher"):
            web.get(f"/modules/{module.id}/{section.id}")
    with_quiz = [module.id for module in modules if module.id in course.banks]
    for module_id in with_quiz[:-1]:
        take_quiz(web, app, module_id)
    return with_quiz[-1]


def test_fifty_duplicate_submissions_score_once_and_complete_once(app, live_server, make_user, db):
    learner = make_user("race@example.org", job_role=JobRole.TEACHER)
    web = Web(app.test_client())
    web.login("race@example.org")
    last = all_but_the_last_quiz(web, app)
    assert db.scalar(select(func.count()).select_from(CourseCompletion)) == 0
    started = web.submit(f"/modules/{last}/quiz", {})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    token = csrf_token(web.get(f"/quiz/attempts/{attempt_id}"))
    cookie = f"session={web.client.get_cookie('session').value}"
    attempt = db.get(QuizAttempt, attempt_id)
    drawn = len(attempt.draw)
    # Every submission passes, each with a different number right, so a second scoring would show.
    bodies = [
        urlencode({**answers_for(app, attempt, right=drawn - n % 2), "csrf_token": token}, doseq=True)
        for n in range(SUBMITTERS)
    ]
    path = f"/quiz/attempts/{attempt_id}"
    answers, seconds = all_at_once(live_server, [(path, body, cookie) for body in bodies])

    result = f"/quiz/attempts/{attempt_id}/result"
    assert answers == [(302, result)] * SUBMITTERS  # every submitter is shown the one result
    db.expire_all()
    stored = db.get(QuizAttempt, attempt_id)
    rows = db.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)).all()
    assert stored.submitted_at is not None and stored.passed
    assert len(rows) == drawn and stored.correct_count == sum(row.correct for row in rows)
    submitted = select(func.count()).where(
        QuizAttempt.module_id == last, QuizAttempt.submitted_at.is_not(None)
    )
    assert db.scalar(submitted) == 1
    completions = db.scalars(select(CourseCompletion).where(CourseCompletion.user_id == learner.id)).all()
    assert len(completions) == 1 and completions[0].cycle == 1
    assert db.scalar(select(func.count()).where(AuditEvent.action == "record.completed")) == 1
    figures.note(
        f"concurrent submits ({db.bind.dialect.name})",
        f"{SUBMITTERS} sent in {seconds:.2f} s -> 1 scored attempt, {len(completions)} completion record",
    )


def test_simultaneous_imports_of_one_file_add_each_person_once(app, live_server, make_user, org_unit, db):
    trust = org_unit("Trust", "organisation")
    org_unit("School", "site", trust)
    make_user("importer@example.org", role=Role.ADMIN)
    web = Web(app.test_client())
    web.login("importer@example.org")
    rows = 200
    content = "email,name,job_role,unit_path\n" + "".join(
        f"p{n}@example.org,Person {n},teacher,Trust / School\n" for n in range(rows)
    )
    token = csrf_token(web.get("/admin/import"))
    preview = web.client.post(
        "/admin/import",
        data={"kind": "people", "file": (io.BytesIO(content.encode()), "staff.csv"), "csrf_token": token},
        content_type="multipart/form-data",
    )
    kept = re.search(r'name="upload" type="hidden" value="([^"]+)"', preview.get_data(as_text=True))
    data = {"upload": kept.group(1)}
    body = urlencode({**data, "csrf_token": token})
    cookie = f"session={web.client.get_cookie('session').value}"
    answers, seconds = all_at_once(live_server, [("/admin/import/confirm", body, cookie)] * IMPORTERS)

    assert [answer and answer[0] for answer in answers] == [302] * IMPORTERS
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(User)) == rows + 1
    imports = db.scalars(select(AuditEvent).where(AuditEvent.action == "people.imported")).all()
    assert sum(event.details["created"] for event in imports) == rows  # added once, by one import
    figures.note(
        f"concurrent imports ({db.bind.dialect.name})",
        f"{IMPORTERS} imports of {rows} people in {seconds:.2f} s -> {rows} people, no duplicates",
    )
