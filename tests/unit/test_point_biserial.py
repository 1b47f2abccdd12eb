import math

import pytest

from course.quizzes.rules import point_biserial


def from_pairs(pairs):
    """pairs of (score, correct) -> the sums the SQL query returns."""
    n = len(pairs)
    right = sum(c for _, c in pairs)
    return n, right, sum(s for s, _ in pairs), sum(s for s, c in pairs if c), sum(s * s for s, _ in pairs)


def test_hand_computed_value():
    # Correct answers score 100 and 80, wrong ones 40 and 20: M1=90, M0=30, SD=sqrt(1000), p=0.5.
    expected = (90 - 30) / math.sqrt(1000) * 0.5
    assert point_biserial(*from_pairs([(100, 1), (80, 1), (40, 0), (20, 0)])) == pytest.approx(expected)
    assert expected == pytest.approx(0.9487, abs=1e-4)


def test_negative_when_weaker_learners_get_it_right():
    assert point_biserial(*from_pairs([(100, 0), (80, 0), (40, 1), (20, 1)])) < 0


def test_undefined_when_all_right_or_scores_equal():
    assert point_biserial(*from_pairs([(100, 1), (60, 1)])) is None
    assert point_biserial(*from_pairs([(60, 1), (60, 0)])) is None
    assert point_biserial(0, 0, 0, 0, 0) is None


def test_undefined_when_no_one_was_right():
    assert point_biserial(*from_pairs([(100, 0), (60, 0), (20, 0)])) is None


def test_one_right_answer_of_three():
    # Scores 90 (right), 60 and 30: M1=90, M0=45, SD=sqrt(600), p=1/3.
    expected = (90 - 45) / math.sqrt(600) * math.sqrt(1 / 3 * 2 / 3)
    assert point_biserial(*from_pairs([(90, 1), (60, 0), (30, 0)])) == pytest.approx(expected)
