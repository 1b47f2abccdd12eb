"""The cue measures and strategies on hand-made items, so the content test measures what it says."""

import random

from course.content.schema import Option, Question, QuestionBank
from course.review.rules import (
    STRATEGIES,
    absolutes_only_in_distractors,
    has_absolute,
    key_is_longest,
    simulate,
)


def item(qid, texts, key=0, kind="single", prompt="?"):
    ids = ("true", "false") if kind == "truefalse" else tuple("abcd"[: len(texts)])
    options = tuple(
        Option(id=i, text=t, feedback="f", correct=n == key)
        for n, (i, t) in enumerate(zip(ids, texts, strict=True))
    )
    return Question(qid, kind, "o", ("teacher",), prompt, options, "")


def bank(questions, draw=5, pass_mark=80):
    return QuestionBank("m", 1, pass_mark, draw, tuple(questions))


def test_absolute_words_are_whole_words():
    assert has_absolute("You must tell the lead") and has_absolute("Never promise")
    assert not has_absolute("Everyone mustard allows")


def test_key_is_longest_means_strictly_longest():
    assert key_is_longest(item("q", ["a long key here", "short", "tiny"]))
    assert not key_is_longest(item("q", ["same", "same", "x"]))
    assert not key_is_longest(item("q", ["short", "the longest one"]))


def test_absolutes_only_in_distractors():
    assert absolutes_only_in_distractors(item("q", ["Listen", "Always tell them off"]))
    assert not absolutes_only_in_distractors(item("q", ["Always listen", "Never tell them off"]))
    assert not absolutes_only_in_distractors(item("q", ["Listen", "Tell them off"]))


def test_a_bank_keyed_longest_is_passed_every_time_by_the_longest_strategy():
    questions = [item(f"q{i}", ["the key is the long one", "short", "brief"]) for i in range(15)]
    assert simulate(bank(questions), "teacher", "UK", STRATEGIES["always longest"], 200) == 1.0


def test_a_bank_keyed_short_is_never_passed_by_the_longest_strategy():
    questions = [
        item(f"q{i}", ["key", "a much longer distractor", "another long distractor"]) for i in range(15)
    ]
    assert simulate(bank(questions), "teacher", "UK", STRATEGIES["always longest"], 200) == 0.0


def test_always_false_passes_a_bank_of_false_statements():
    questions = [item(f"q{i}", ["True", "False"], key=1, kind="truefalse") for i in range(15)]
    assert simulate(bank(questions), "teacher", "UK", STRATEGIES['always "False"'], 100) == 1.0
    balanced = [item(f"t{i}", ["True", "False"], key=i % 2, kind="truefalse") for i in range(16)]
    assert simulate(bank(balanced), "teacher", "UK", STRATEGIES['always "False"'], 500) < 0.5


def test_avoiding_absolutes_finds_keys_when_only_distractors_use_them():
    questions = [item(f"q{i}", ["Listen first", "Always tell", "Never ask", "Only wait"]) for i in range(15)]
    assert simulate(bank(questions), "teacher", "UK", STRATEGIES["avoid absolute words"], 100) == 1.0
    statement = item("tf", ["True", "False"], key=1, kind="truefalse", prompt="You must always do it.")
    chosen = STRATEGIES["avoid absolute words"](statement, ("true", "false"), random.Random(1))
    assert chosen == {"false"}


def test_the_simulation_uses_the_pass_mark():
    # 3 of 5 keyed longest: the longest strategy scores 60 %.
    questions = [item(f"a{i}", ["the key is the long one", "short"]) for i in range(3)]
    questions += [item(f"b{i}", ["key", "the long distractor"], key=0) for i in range(2)]
    longest = STRATEGIES["always longest"]
    assert simulate(bank(questions, pass_mark=60), "teacher", "UK", longest, 50) == 1.0
    assert simulate(bank(questions, pass_mark=61), "teacher", "UK", longest, 50) == 0.0


def test_absolutes_only_in_practice_distractors():
    from course.content.schema import Response, Scenario
    from course.review.rules import scenario_absolutes_only_in_distractors

    def scenario(*texts):
        responses = tuple(Response(id=str(n), text=t, feedback="f", best=n == 0) for n, t in enumerate(texts))
        return Scenario("s", "t", "s", "q", responses)

    assert scenario_absolutes_only_in_distractors(scenario("Listen", "Never ask", "Wait"))
    assert not scenario_absolutes_only_in_distractors(scenario("Always listen", "Never ask", "Wait"))
