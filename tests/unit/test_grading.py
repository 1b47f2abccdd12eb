import random

import pytest

from course.content.schema import Option, Question, QuestionBank
from course.quizzes.rules import AnswerProblem, Drawn, draw, grade, read_answers


def question(
    qid,
    kind="single",
    correct=("a",),
    objective="o1",
    audiences=("teacher", "nurse"),
    ids=("a", "b", "c"),
    regions=("UK", "US", "CA", "AU"),
):
    if kind == "truefalse":
        ids = ("true", "false")
    options = tuple(Option(id=i, text=i, feedback=f"why {i}", correct=i in correct) for i in ids)
    return Question(
        id=qid,
        type=kind,
        objective=objective,
        audiences=audiences,
        prompt="?",
        options=options,
        explanation="",
        regions=regions,
    )


def bank(questions, size=3):
    return QuestionBank(module_id="m", version=1, pass_mark=80, draw=size, questions=tuple(questions))


class TestGrade:
    def test_all_right_passes(self):
        qs = (question("q1"), question("q2", correct=("b",)))
        result = grade(qs, {"q1": frozenset("a"), "q2": frozenset("b")}, 80)
        assert (result.correct_count, result.score, result.passed) == (2, 100, True)

    def test_multiple_response_needs_exactly_the_right_set(self):
        q = question("q1", kind="multiple", correct=("a", "c"))
        assert grade((q,), {"q1": frozenset({"a", "c"})}, 80).passed
        assert not grade((q,), {"q1": frozenset({"a"})}, 80).questions[0].correct
        assert not grade((q,), {"q1": frozenset({"a", "b", "c"})}, 80).questions[0].correct

    def test_pass_mark_boundary(self):
        qs = tuple(question(f"q{i}") for i in range(5))
        four_right = {f"q{i}": frozenset("a") for i in range(4)} | {"q4": frozenset("b")}
        assert grade(qs, four_right, 80).score == 80 and grade(qs, four_right, 80).passed
        assert not grade(qs, four_right, 81).passed

    def test_score_rounds_down(self):
        qs = tuple(question(f"q{i}") for i in range(3))
        two_right = {"q0": frozenset("a"), "q1": frozenset("a"), "q2": frozenset("b")}
        assert grade(qs, two_right, 67).score == 66
        assert not grade(qs, two_right, 67).passed

    def test_missing_answer_is_wrong(self):
        assert grade((question("q1"),), {}, 80).score == 0

    def test_no_questions_scores_nothing(self):
        result = grade((), {}, 80)
        assert (result.correct_count, result.score, result.passed) == (0, 0, False)


class TestDraw:
    def test_only_the_audiences_questions_without_repeats(self):
        qs = [question(f"t{i}", audiences=("teacher",)) for i in range(4)]
        qs += [question(f"n{i}", audiences=("nurse",)) for i in range(4)]
        for seed in range(20):
            drawn = draw(bank(qs), "nurse", "UK", random.Random(seed))
            ids = [d.question_id for d in drawn]
            assert len(ids) == 3 == len(set(ids))
            assert all(i.startswith("n") for i in ids)

    @pytest.mark.parametrize("region", ["UK", "US", "CA", "AU"])
    def test_only_the_regions_questions(self, region):
        qs = [question("uk", regions=("UK",)), question("us", regions=("US",))]
        qs += [question(f"all{i}") for i in range(3)]
        seen = set()
        for seed in range(40):
            seen |= {d.question_id for d in draw(bank(qs, size=4), "teacher", region, random.Random(seed))}
        own = {"UK": {"uk"}, "US": {"us"}}.get(region, set())
        assert seen == {"all0", "all1", "all2"} | own

    def test_every_objective_is_covered_when_the_draw_allows(self):
        qs = [question(f"a{i}", objective="oa") for i in range(6)] + [question("b0", objective="ob")]
        for seed in range(20):
            drawn = draw(bank(qs, size=2), "teacher", "UK", random.Random(seed))
            assert "b0" in [d.question_id for d in drawn]

    def test_the_draw_takes_exactly_its_size_when_every_question_has_its_own_objective(self):
        qs = [question(f"q{i}", objective=f"o{i}") for i in range(6)]
        for seed in range(10):
            drawn = draw(bank(qs, size=3), "teacher", "UK", random.Random(seed))
            assert len(drawn) == 3 == len({d.question_id for d in drawn})

    def test_a_bank_smaller_than_the_draw_gives_each_question_once(self):
        qs = [question("q0", objective="o0"), question("q1", objective="o0"), question("q2", objective="o1")]
        drawn = draw(bank(qs, size=5), "teacher", "UK", random.Random(1))
        assert sorted(d.question_id for d in drawn) == ["q0", "q1", "q2"]

    def test_options_are_shuffled_but_true_false_reads_in_order(self):
        qs = [question(f"q{i}", ids=("a", "b", "c", "d")) for i in range(3)] + [
            question("tf", kind="truefalse", correct=("true",))
        ]
        orders = set()
        for seed in range(30):
            for item in draw(bank(qs, size=4), "teacher", "UK", random.Random(seed)):
                if item.question_id == "tf":
                    assert item.option_ids == ("true", "false")
                else:
                    assert sorted(item.option_ids) == ["a", "b", "c", "d"]
                    orders.add(item.option_ids)
        assert len(orders) > 5

    def test_a_retake_gets_a_fresh_draw(self):
        qs = [question(f"q{i}") for i in range(10)]
        draws = {
            tuple(d.question_id for d in draw(bank(qs), "teacher", "UK", random.Random(seed)))
            for seed in range(10)
        }
        assert len(draws) > 5


class TestReadAnswers:
    DRAWN = (
        Drawn("q1", ("a", "b", "c")),
        Drawn("q2", ("a", "b", "c")),
        Drawn("q3", ("a", "b", "c")),
        Drawn("tf", ("true", "false")),
    )
    QUESTIONS = {
        "q1": question("q1"),
        "q2": question("q2", kind="multiple", correct=("a", "b")),
        "q3": question("q3"),
        "tf": question("tf", kind="truefalse", correct=("true",)),
    }

    def test_reads_answers_and_lists_unanswered(self):
        answers, unanswered = read_answers(self.DRAWN, self.QUESTIONS, {"q-q1": ["b"], "q-q2": ["a", "b"]})
        assert answers == {"q1": frozenset("b"), "q2": frozenset({"a", "b"})}
        assert unanswered == [3, 4]  # numbered as the learner sees them

    def test_every_option_of_a_multiple_response_question_may_be_chosen(self):
        form = {"q-q1": ["a"], "q-q2": ["a", "b", "c"], "q-q3": ["c"], "q-tf": ["false"]}
        answers, unanswered = read_answers(self.DRAWN, self.QUESTIONS, form)
        assert answers["q2"] == frozenset("abc") and answers["tf"] == frozenset({"false"})
        assert unanswered == []

    def test_other_fields_of_the_form_are_not_answers(self):
        assert read_answers(self.DRAWN, self.QUESTIONS, {"csrf_token": ["x"], "q-q1": ["a"]})[1] == [2, 3, 4]

    @pytest.mark.parametrize(
        "form",
        [
            {"q-q1": ["z"]},
            {"q-q2": ["a", "z"]},
            {"q-q9": ["a"]},
            {"q-q1": ["a", "b"]},
            {"q-q1": ["a", "b", "c"]},
            {"q-tf": ["true", "false"]},
        ],
        ids=[
            "option outside the draw",
            "one option outside the draw",
            "question outside the draw",
            "two answers to a single",
            "every answer to a single",
            "both answers to a true or false",
        ],
    )
    def test_tampering_is_refused(self, form):
        with pytest.raises(AnswerProblem):
            read_answers(self.DRAWN, self.QUESTIONS, form)
