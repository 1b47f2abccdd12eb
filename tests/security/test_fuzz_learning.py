"""Hostile input to what learners send: quiz answers and scenario choices."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import select

from course.extensions import db
from course.models import AttemptAnswer, QuizAttempt, ScenarioChoice
from course.quizzes import services as quizzes
from tests.security.conftest import MODULE, token
from tests.security.strategies import assert_shown_escaped, counted, nul_refused, texts

pytestmark = pytest.mark.database


def open_attempt(world):
    """The learner's open attempt at the module's quiz, started afresh once the last one is submitted."""
    with world.app.app_context():
        learner = db.session.merge(world.people["learner"])
        attempt = quizzes.start_attempt(
            learner,
            world.app.extensions["course"].banks[MODULE],
            audience="teacher",
            region="UK",
            course_version="t",
            pass_mark=80,
            valid_for=timedelta(hours=1),
            daily_limit=0,
        )
        db.session.remove()
    return attempt


def stored(world, attempt_id):
    with world.app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        rows = db.session.scalars(select(AttemptAnswer.correct).where(AttemptAnswer.attempt_id == attempt_id))
        answers = list(rows)
        db.session.remove()
    return attempt, answers


# Per drawn question: answered in the right shape, left out, or hostile; with option numbers and texts.
ANSWER_PLANS = st.lists(
    st.tuples(
        st.sampled_from(["answered"] * 8 + ["left out", "hostile"]),
        st.lists(st.integers(0, 20), min_size=1, max_size=4),
        st.lists(texts(30), max_size=2),
    ),
    min_size=20,
    max_size=20,
)


def answers_from(plan, attempt, bank):
    """The form fields for the plan: hypothesis draws the plan, the attempt's own draw gives the ids."""
    own_options = [option for item in attempt.draw for option in item["options"]]
    form = {}
    for (kind, numbers, hostile_texts), item in zip(plan, attempt.draw, strict=False):
        options = item["options"]
        if kind == "answered":
            chosen = list(dict.fromkeys(options[n % len(options)] for n in numbers))
            many = bank.question(item["question"]).type == "multiple"
            form[f"q-{item['question']}"] = chosen if many else chosen[:1]
        elif kind == "hostile":
            form[f"q-{item['question']}"] = [
                own_options[n % len(own_options)] for n in numbers
            ] + hostile_texts
    return form


@given(
    plan=ANSWER_PLANS,
    extra=st.dictionaries(st.one_of(texts(20), st.builds("q-{}".format, texts(20))), texts(30), max_size=2),
)
def test_quiz_submissions_with_any_answers(world, plan, extra):
    attempt = open_attempt(world)
    form = answers_from(plan, attempt, world.app.extensions["course"].banks[MODULE])
    client = world.client("learner")
    response = client.post(
        f"/quiz/attempts/{attempt.id}", data={**extra, **form, "csrf_token": token(client)}
    )
    counted("quiz submit", response.status_code)
    if nul_refused(response, *extra.values(), *form.values()):
        return
    event(f"answered {response.status_code}")
    assert response.status_code in (302, 400, 422)
    after, answers = stored(world, attempt.id)
    if response.status_code == 302:  # graded: every drawn question has its stored answer
        assert after.submitted_at is not None and len(answers) == len(attempt.draw)
        assert after.correct_count == sum(answers)
    else:  # refused: nothing stored
        assert after.submitted_at is None and answers == []
    assert_shown_escaped(response.get_data(as_text=True), *extra.values(), *extra)


def scenario_triples(world):
    course = world.app.extensions["course"]
    return [
        (module.id, scenario.id, response.id)
        for module in course.modules_for("teacher")
        for section in module.sections_for("teacher")
        for scenario in section.scenarios
        for response in scenario.responses
    ]


def path_part():
    """A hostile path segment (a "/" would make it another route, which the route fuzzing covers)."""
    return texts(40).filter(lambda text: "/" not in text and text not in {"", ".", ".."})


@given(data=st.data())
def test_scenario_choices_with_any_input(world, data):
    valid = data.draw(st.sampled_from(scenario_triples(world)))
    module, scenario, response_id = (
        data.draw(st.just(value) | path_part())
        for value in valid  # each part valid or hostile
    )
    client = world.client("learner")
    path = f"/modules/{quote(module, safe='')}/scenarios/{quote(scenario, safe='')}"
    response = client.post(path, data={"response": response_id, "csrf_token": token(client)})
    counted("scenario choice", response.status_code)
    if nul_refused(response, module, scenario, response_id):
        return
    assert response.status_code in (302, 400, 404)
    if response.status_code == 302 and (module, scenario, response_id) == valid:
        with world.app.app_context():
            choice = db.session.scalar(
                select(ScenarioChoice.response_id).where(ScenarioChoice.scenario_id == scenario)
            )
            db.session.remove()
        assert choice == response_id
    assert_shown_escaped(response.get_data(as_text=True), module, scenario, response_id)
