import math

import pytest

from course.models import AttemptAnswer
from course.quizzes.services import item_analysis
from tests.factories import quiz_attempt


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
