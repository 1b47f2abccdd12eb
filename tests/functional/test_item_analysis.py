import math

import pytest

from course.models import AttemptAnswer
from course.quizzes.services import item_analysis, times_drawn
from tests.factories import quiz_attempt

pytestmark = pytest.mark.database


def add_attempt(db, user, score, answers, *, submitted=True):
    attempt = quiz_attempt(user, module_id="responding", submitted=submitted, score=score)
    db.add(attempt)
    db.flush()
    for position, (question_id, correct) in enumerate(answers.items()):
        db.add(
            AttemptAnswer(
                attempt_id=attempt.id,
                question_id=question_id,
                position=position,
                selected=["a"],
                correct=correct,
            )
        )
    db.commit()


def test_facility_and_discrimination_from_the_database(app, make_user, db):
    user = make_user()
    for score, q1, q2 in [(100, True, True), (80, True, False), (40, False, True), (20, False, False)]:
        add_attempt(db, user, score, {"q1": q1, "q2": q2})
    with app.app_context():
        stats = {s.question_id: s for s in item_analysis("responding")}
    assert stats["q1"].answers == 4 and stats["q1"].facility == 0.5
    assert stats["q1"].discrimination == pytest.approx((90 - 30) / math.sqrt(1000) * 0.5)
    # q2: right at 100 and 40 (mean 70), wrong at 80 and 20 (mean 50).
    assert stats["q2"].discrimination == pytest.approx((70 - 50) / math.sqrt(1000) * 0.5)


def test_unsubmitted_attempts_do_not_count(app, make_user, db):
    user = make_user()
    add_attempt(db, user, None, {"q1": True}, submitted=False)
    with app.app_context():
        assert item_analysis("responding") == []


def test_times_drawn_counts_every_attempt_that_drew_the_question(app, make_user, db):
    user, other = make_user(), make_user("other@example.org")
    for owner, draw, submitted in [
        (user, ["q1", "q2"], True),
        (user, ["q1", "q3"], False),  # an open or abandoned attempt still showed its questions
        (other, ["q1"], True),
    ]:
        attempt = quiz_attempt(owner, module_id="responding", submitted=submitted, score=80)
        attempt.draw = [{"question": q, "options": ["a", "b"]} for q in draw]
        db.add(attempt)
    elsewhere = quiz_attempt(user, module_id="referring")
    elsewhere.draw = [{"question": "q1", "options": ["a"]}]
    db.add(elsewhere)
    db.commit()
    with app.app_context():
        assert times_drawn("responding") == {"q1": 3, "q2": 1, "q3": 1}
        assert times_drawn("understanding") == {}


def test_item_analysis_page_shows_how_often_each_question_was_seen(app, make_user, db, web):
    make_user("admin@example.org", role="admin")
    user = make_user()
    bank = app.extensions["course"].banks["responding"]
    first, second = bank.questions[0].id, bank.questions[1].id
    for draw in ([first, second], [first]):
        attempt = quiz_attempt(user, module_id="responding", submitted=False)
        attempt.draw = [{"question": q, "options": ["a"]} for q in draw]
        db.add(attempt)
    db.commit()
    web.login("admin@example.org")
    page = web.get("/admin/quizzes?module=responding").get_data(as_text=True)
    assert '<th scope="col">Seen</th>' in page
    row = page.split(f'<span class="meta">{first}</span>')[1].split("</tr>")[0]
    assert "<td>2</td>" in row
