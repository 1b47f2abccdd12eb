from datetime import timedelta

import pytest

from course.database import utcnow
from course.models import AttemptAnswer, ConfidenceRating, JobRole, QuizAttempt
from tests.fixtures.quiz import answers_for, bank_for

pytestmark = pytest.mark.database


def text(response):
    return response.get_data(as_text=True)


@pytest.fixture
def teacher(make_user, web):
    user = make_user("quiz@example.org", job_role=JobRole.TEACHER)
    web.login("quiz@example.org")
    return user


def start(web, module_id="responding"):
    response = web.submit(f"/modules/{module_id}/quiz", {})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def attempt_row(db, attempt_id):
    db.expire_all()
    return db.get(QuizAttempt, attempt_id)


def test_start_draws_questions_for_the_audience_and_stores_versions(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    bank = bank_for(app, "responding")
    assert len(attempt.draw) == bank.draw
    assert all("teacher" in bank.question(i["question"]).audiences for i in attempt.draw)
    assert attempt.quiz_version == bank.version and attempt.course_version == app.extensions["course"].version
    page = text(web.get(f"/quiz/attempts/{attempt_id}"))
    assert page.count('<fieldset class="question') == bank.draw


def test_starting_again_resumes_the_open_attempt(teacher, web):
    assert start(web) == start(web)


def test_passing_shows_score_and_reasons(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    response = web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt))
    assert response.headers["Location"] == f"/quiz/attempts/{attempt_id}/result"
    page = text(web.get(f"/quiz/attempts/{attempt_id}/result"))
    assert "100%" in page and "You passed." in page
    bank = bank_for(app, "responding")
    first = bank.question(attempt.draw[0]["question"])
    from markupsafe import escape

    assert all(str(escape(o.feedback)) in page for o in first.options)
    assert attempt_row(db, attempt_id).passed is True


def test_failing_shows_the_right_answers_and_a_retake_draws_afresh(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt, right=2))
    page = text(web.get(f"/quiz/attempts/{attempt_id}/result"))
    assert "40%" in page and "Not passed this time." in page and "Correct answer" in page
    retake = start(web)
    assert retake != attempt_id
    assert db.query(QuizAttempt).count() == 2


def test_a_second_submit_shows_the_stored_result(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt, right=1))
    again = web.submit(
        f"/quiz/attempts/{attempt_id}/result",
        answers_for(app, attempt),
        action=f"/quiz/attempts/{attempt_id}",
    )
    assert again.headers["Location"] == f"/quiz/attempts/{attempt_id}/result"
    stored = attempt_row(db, attempt_id)
    assert stored.score == 20
    assert db.query(AttemptAnswer).filter_by(attempt_id=attempt_id).count() == len(attempt.draw)


def test_an_option_outside_the_draw_is_a_clear_400(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    data = answers_for(app, attempt)
    data[f"q-{attempt.draw[0]['question']}"] = ["not-an-option"]
    response = web.submit(f"/quiz/attempts/{attempt_id}", data)
    assert response.status_code == 400
    assert "not part of this attempt" in text(response)
    assert attempt_row(db, attempt_id).submitted_at is None


def test_another_users_attempt_is_404(app, teacher, web, make_user, db):
    attempt_id = start(web)
    make_user("other@example.org")
    web.logout()
    web.login("other@example.org")
    assert web.get(f"/quiz/attempts/{attempt_id}").status_code == 404
    assert web.get(f"/quiz/attempts/{attempt_id}/result").status_code == 404
    assert web.submit("/", {}, action=f"/quiz/attempts/{attempt_id}").status_code == 404


def test_unanswered_questions_are_named_and_answers_kept(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    data = answers_for(app, attempt)
    first_key = f"q-{attempt.draw[0]['question']}"
    del data[f"q-{attempt.draw[2]['question']}"]
    response = web.submit(f"/quiz/attempts/{attempt_id}", data)
    assert response.status_code == 422
    page = text(response)
    assert "Question 3 has no answer" in page
    chosen = data[first_key][0]
    assert f'id="{first_key}-{chosen}" name="{first_key}" value="{chosen}" checked' in page
    assert attempt_row(db, attempt_id).submitted_at is None


def test_an_expired_attempt_is_not_marked(app, teacher, web, db):
    attempt_id = start(web)
    attempt = attempt_row(db, attempt_id)
    data = answers_for(app, attempt)
    attempt.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    response = web.submit("/modules/responding/quiz", data, action=f"/quiz/attempts/{attempt_id}")
    assert response.headers["Location"] == "/modules/responding/quiz"
    assert "had expired" in text(web.get("/modules/responding/quiz"))
    assert attempt_row(db, attempt_id).submitted_at is None
    assert start(web) != attempt_id


def test_daily_attempt_limit(app, teacher, web, db):
    app.config["QUIZ_DAILY_ATTEMPT_LIMIT"] = 1
    attempt_id = start(web)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt_row(db, attempt_id), right=0))
    response = web.submit("/modules/responding/quiz", {})
    assert response.headers["Location"] == "/modules/responding/quiz"
    assert "attempts allowed in 24 hours" in text(web.get("/modules/responding/quiz"))


def test_organisation_pass_mark_overrides_the_bank(app, teacher, web, db, org_settings):
    org_settings(pass_mark=100)
    attempt_id = start(web)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt_row(db, attempt_id), right=4))
    row = attempt_row(db, attempt_id)
    assert (row.pass_mark, row.score, row.passed) == (100, 80, False)


def test_module_without_a_quiz_has_no_quiz_page(teacher, web):
    assert web.get("/modules/before-you-start/quiz").status_code == 404


def test_confidence_before_and_after(app, teacher, web, db):
    page = text(web.get("/modules/responding"))
    assert "how confident do you feel?" in page
    web.submit(
        "/modules/responding",
        {"rating": "2", "back": "/modules/responding"},
        action="/modules/responding/confidence/pre",
    )
    assert "how confident do you feel?" not in text(web.get("/modules/responding"))
    attempt_id = start(web)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt_row(db, attempt_id)))
    result = f"/quiz/attempts/{attempt_id}/result"
    assert "Now that you have passed" in text(web.get(result))
    web.submit(result, {"rating": "4", "back": result}, action="/modules/responding/confidence/post")
    ratings = {r.stage: r.rating for r in db.query(ConfidenceRating).filter_by(user_id=teacher.id)}
    assert ratings == {"pre": 2, "post": 4}


def test_confidence_rating_must_be_1_to_5(teacher, web, db):
    response = web.submit("/modules/responding", {"rating": "9"}, action="/modules/responding/confidence/pre")
    assert response.headers["Location"] == "/modules/responding"
    assert "Choose a number from 1 to 5" in text(web.get("/modules/responding"))
    assert db.query(ConfidenceRating).count() == 0


def test_passing_a_quiz_counts_towards_the_module(app, teacher, web, db):
    module = app.extensions["course"].module("responding")
    for section in module.sections_for("teacher"):
        web.get(f"/modules/responding/{section.id}")
    attempt_id = start(web)
    web.submit(f"/quiz/attempts/{attempt_id}", answers_for(app, attempt_row(db, attempt_id)))
    assert "1 of 7 modules completed" in text(web.get("/"))
