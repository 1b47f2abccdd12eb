"""The follow-up check: invitations through a real SMTP server on a frozen date, taking the check, and
the retention and reported-use figures."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from course.models import (
    AttemptAnswer,
    CourseCompletion,
    FollowUp,
    FollowUpItem,
    FollowUpNote,
    JobRole,
    QuizAttempt,
    Revocation,
    Role,
)
from tests.factories import quiz_attempt

pytestmark = pytest.mark.database

TODAY = date(2026, 6, 1)
SCORES = {
    "understanding": 90,
    "warning-signs": 80,
    "responding": 100,
    "referring": 80,
    "safety-planning": 90,
    "looking-after-yourself": 100,
}


def completed(db, user, at: datetime, cycle: int = 1) -> CourseCompletion:
    record = CourseCompletion(
        user_id=user.id,
        cycle=cycle,
        course_version="t",
        completed_at=at,
        expires_on=at.date() + timedelta(days=365),
        scores=SCORES,
        cpd_minutes=120,
        certificate_code=f"CODE-{user.id:04d}-{cycle:04d}-XXXX",
    )
    db.add(record)
    db.commit()
    return record


def days_before(days: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), time(hour, minute), UTC)


def run(runner, day: date = TODAY):
    return runner.invoke(args=["send-follow-ups", "--today", day.isoformat()])


@pytest.fixture
def learners(make_user, db):
    """Learners whose records are 89, 90 (first and last minute of the day) and 91 days old."""
    people = {}
    for name, at in {
        "day89": days_before(89, 0, 0),
        "day90-early": days_before(90, 0, 0),
        "day90-late": days_before(90, 23, 59),
        "day91": days_before(91, 23, 59),
    }.items():
        people[name] = make_user(f"{name}@example.org", name=name)
        completed(db, people[name], at)
    return people


def test_invites_exactly_the_learners_90_days_after_completion_once(learners, runner, smtp_server):
    result = run(runner)
    assert result.exit_code == 0, result.output
    assert sorted(m["To"] for m in smtp_server.messages()) == [
        "day90-early@example.org",
        "day90-late@example.org",
    ]
    (message,) = smtp_server.to("day90-early@example.org")
    body = message.get_content()
    assert "five questions you have not seen" in body and "/follow-up" in body
    assert "does not change your training record" in body
    assert "2 invitation(s) sent" in result.output
    smtp_server.clear()
    assert run(runner).exit_code == 0 and smtp_server.messages() == []  # never twice
    assert run(runner, TODAY + timedelta(days=1)).exit_code == 0
    assert [m["To"] for m in smtp_server.messages()] == ["day89@example.org"]  # its own day, once


def test_only_the_latest_valid_record_of_an_active_learner(make_user, db, runner, smtp_server):
    renewed, withdrawn, inactive = (
        make_user(f"{n}@example.org") for n in ("renewed", "withdrawn", "inactive")
    )
    completed(db, renewed, days_before(90))
    completed(db, renewed, days_before(10), cycle=2)
    db.add(Revocation(completion_id=completed(db, withdrawn, days_before(90)).id, reason="test"))
    completed(db, inactive, days_before(90))
    inactive.active = False
    db.commit()
    assert run(runner).exit_code == 0
    assert smtp_server.messages() == []


def test_switched_off(learners, runner, smtp_server, app):
    app.config["FOLLOW_UP_ENABLED"] = False
    assert "switched off" in run(runner).output and smtp_server.messages() == []


def test_a_refused_invitation_is_kept_and_sent_on_the_next_run(learners, runner, smtp_server, db):
    smtp_server.refuse.add("day90-late@example.org")
    result = run(runner)
    assert result.exit_code == 1 and "Not sent to day90-late@example.org" in result.output
    assert [m["To"] for m in smtp_server.messages()] == ["day90-early@example.org"]
    failed = db.scalar(select(FollowUp).where(FollowUp.invited_at.is_(None)))
    assert failed.mail_failures == 1 and "550" in failed.last_mail_error
    smtp_server.refuse.clear()
    smtp_server.clear()
    assert run(runner, TODAY + timedelta(days=3)).exit_code == 0
    assert [m["To"] for m in smtp_server.messages()] == ["day90-late@example.org"]


def test_an_unreachable_server_loses_nothing(learners, runner, app, db):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nothing listens there
    result = run(runner)
    assert result.exit_code == 1 and "0 invitation(s) sent; 2 kept" in result.output
    assert db.scalars(select(FollowUp.mail_failures)).all() == [1, 1]


@pytest.fixture
def due_learner(make_user, db, app):
    """A teacher whose record is exactly 90 days old today, who has seen some questions in quizzes."""
    user = make_user("due@example.org", job_role=JobRole.TEACHER)
    completed(db, user, datetime.now(UTC) - timedelta(days=90))
    attempt = quiz_attempt(user, module_id="understanding", score=100)
    db.add(attempt)
    db.flush()
    seen = [q.id for q in app.extensions["course"].banks["understanding"].questions_for("teacher", "UK")]
    for n, question_id in enumerate(seen):
        db.add(
            AttemptAnswer(
                attempt_id=attempt.id, question_id=question_id, position=n, selected=[], correct=True
            )
        )
    db.commit()
    return user, set(seen)


def test_the_learner_takes_the_check_and_the_report_shows_retention(due_learner, web, db, make_user, app):
    user, seen = due_learner
    web.login(user.email)
    assert "Your follow-up check is ready" in web.get("/").get_data(as_text=True)
    page = web.get("/follow-up").get_data(as_text=True)
    assert "Question 5 of 5" in page and "Question 6" not in page
    items = db.scalars(select(FollowUpItem).order_by(FollowUpItem.position)).all()
    assert len(items) == 5 and not {i.question_id for i in items} & seen
    assert len({i.module_id for i in items}) >= 2  # spread over the modules
    course = app.extensions["course"]
    answers = {}
    for n, item in enumerate(items):
        question = course.banks[item.module_id].question(item.question_id)
        right = sorted(question.correct_ids)
        wrong = [o.id for o in question.options if o.id not in question.correct_ids][:1]
        answers[f"q-{item.question_id}"] = right if n < 3 else wrong  # 3 of 5 right
    before = db.scalar(select(CourseCompletion).where(CourseCompletion.user_id == user.id))
    record = (before.id, before.scores, before.expires_on)
    response = web.submit(
        "/follow-up",
        {**answers, "used": "yes", "actions": ["listened", "told-lead"], "note": "It helped me stay calm."},
    )
    page = response.get_data(as_text=True)
    assert "3 of 5 correct" in page and "does not change your training record" in page
    db.expire_all()
    after = db.scalar(select(CourseCompletion).where(CourseCompletion.user_id == user.id))
    assert (after.id, after.scores, after.expires_on) == record
    assert db.scalar(select(QuizAttempt).where(QuizAttempt.module_id == "follow-up")) is None
    assert db.scalars(select(FollowUpNote.text)).all() == ["It helped me stay calm."]
    assert "Your follow-up check is ready" not in web.get("/").get_data(as_text=True)
    assert "No follow-up check is due" in web.get("/follow-up").get_data(as_text=True)
    web.logout()

    web.login(make_user(role=Role.ADMIN).email)
    page = web.get("/admin/learning-gain").get_data(as_text=True)
    assert "Retention at the follow-up check" in page
    table = page.split("Retention at the follow-up check")[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + len({i.module_id for i in items})  # header + one row a module
    assert "Teacher" in table
    assert "Responded to someone who self-harms or may: Yes</td><td>1" in page
    assert "I told the safeguarding lead or the person named in our policy</td><td>1" in page
    assert "Free-text notes: 1" in page and "It helped me stay calm." not in page  # fewer than 5
    csv = web.get("/admin/learning-gain/follow-up.csv").get_data(as_text=True)
    lines = csv.lstrip("\ufeff").splitlines()
    assert lines[0] == "measure,module,job_role,count,score_at_completion,score_at_follow_up"
    retention = [line for line in lines if line.startswith("retention,")]
    assert len(retention) == len({i.module_id for i in items})
    assert "follow-up checks,,,1,," in lines


def test_the_check_is_not_offered_a_day_early(make_user, db, web):
    user = make_user("early@example.org")
    completed(db, user, datetime.now(UTC) - timedelta(days=89))
    web.login(user.email)
    assert "Your follow-up check is ready" not in web.get("/").get_data(as_text=True)
    assert "No follow-up check is due" in web.get("/follow-up").get_data(as_text=True)


def test_unanswered_questions_are_named_and_nothing_is_kept(due_learner, web, db):
    user, _ = due_learner
    web.login(user.email)
    page = web.submit("/follow-up", {"used": "no"}).get_data(as_text=True)
    assert "Question 1 has no answer" in page
    assert db.scalar(select(FollowUp.submitted_at)) is None


def take_check(web, db, app, note: str) -> None:
    course = app.extensions["course"]
    follow_up = db.scalar(select(FollowUp).order_by(FollowUp.id.desc()))
    answers = {
        f"q-{i.question_id}": sorted(course.banks[i.module_id].question(i.question_id).correct_ids)
        for i in follow_up.items
    }
    page = web.submit("/follow-up", {**answers, "used": "no", "note": note}).get_data(as_text=True)
    assert "5 of 5 correct" in page


def test_notes_are_shown_only_to_admins_and_only_from_five(make_user, db, web, app, org_unit):
    north, south = org_unit("North"), org_unit("South")
    for n in range(5):
        user = make_user(f"n{n}@example.org", unit=north if n < 4 else south)
        completed(db, user, datetime.now(UTC) - timedelta(days=100))
        web.login(user.email)
        web.get("/follow-up")
        take_check(web, db, app, f"Note number {n}")
        web.logout()
        if n == 3:
            web.login(make_user("early-admin@example.org", role=Role.ADMIN).email)
            page = web.get("/admin/learning-gain").get_data(as_text=True)
            assert "Free-text notes: 4" in page and "Note number" not in page
            web.logout()
    web.login(make_user("admin@example.org", role=Role.ADMIN).email)
    page = web.get("/admin/learning-gain").get_data(as_text=True)
    assert "Free-text notes: 5" in page and all(f"Note number {n}" in page for n in range(5))
    assert "follow-up checks,,,5,," in web.get("/admin/learning-gain/follow-up.csv").get_data(as_text=True)
    web.logout()
    web.login(make_user("manager@example.org", role=Role.MANAGER, unit=north).email)
    page = web.get("/admin/learning-gain").get_data(as_text=True)
    assert "Free-text notes" not in page and "Note number" not in page
    assert "From 4 follow-up checks" in page  # only the manager's unit
    assert "Responded to someone who self-harms or may: No</td><td>4" in page
    csv = web.get("/admin/learning-gain/follow-up.csv").get_data(as_text=True)
    assert "follow-up checks,,,4,," in csv and "free-text notes" not in csv
