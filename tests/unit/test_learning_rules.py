"""The learner's journey rules: practice options in a stable order of each learner's own, and the
time left in a module, quiz included."""

from datetime import date

from course.content.schema import Module, Response, Scenario, Section
from course.learning.rules import response_order
from course.progress.rules import module_progress

SCENARIO = Scenario(
    id="s1",
    title="t",
    situation="s",
    question="q",
    responses=tuple(Response(id=i, text=i, feedback="f", best=i == "a") for i in "abcd"),
)


def test_practice_options_keep_one_order_for_a_learner():
    assert response_order(SCENARIO, 7) == response_order(SCENARIO, 7)
    assert sorted(r.id for r in response_order(SCENARIO, 7)) == ["a", "b", "c", "d"]


def test_practice_options_are_shuffled_across_learners_and_scenarios():
    orders = {tuple(r.id for r in response_order(SCENARIO, user)) for user in range(1, 61)}
    assert len(orders) > 12
    # The best response is not kept in one place: it lands in every position for some learner.
    assert {[r.id for r in response_order(SCENARIO, u)].index("a") for u in range(1, 61)} == {0, 1, 2, 3}
    other = Scenario(**{**SCENARIO.__dict__, "id": "s2"})
    assert any(response_order(SCENARIO, u) != response_order(other, u) for u in range(1, 10))


def module(minutes=10):
    sections = tuple(Section(id=i, title=i, blocks=()) for i in ("a", "b"))
    return Module("m", "M", 1, 1, minutes, ("teacher",), "", date(2026, 1, 1), (), (), (), "", sections)


def test_minutes_left_include_the_quiz_until_it_is_passed():
    assert module_progress(module(), "teacher", [], True, False, 5).minutes_left == 15
    assert module_progress(module(), "teacher", ["a"], True, False, 5).minutes_left == 10
    assert module_progress(module(), "teacher", ["a", "b"], True, False, 5).minutes_left == 5
    assert module_progress(module(), "teacher", ["a"], True, True, 5).minutes_left == 5
    assert module_progress(module(), "teacher", ["a", "b"], True, True, 5).minutes_left == 0
    assert module_progress(module(), "teacher", [], False, False, 0).minutes_left == 10
