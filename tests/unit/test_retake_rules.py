"""The retake rule's pure parts: failures in a row, when a revisit is due, which sections remain."""

from datetime import UTC, datetime, timedelta

import pytest

from course.content.schema import Section
from course.quizzes.rules import failures_in_a_row, revisit_due, sections_to_revisit

FAILED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_failures_are_counted_back_to_the_latest_pass():
    assert failures_in_a_row([]) == 0
    assert failures_in_a_row([False]) == 1
    assert failures_in_a_row([False, False, True, False]) == 2
    assert failures_in_a_row([True, False, False]) == 0


@pytest.mark.parametrize(
    ("failures", "every", "due"),
    [
        (0, 2, False),  # before the 1st attempt
        (1, 2, False),  # before the 2nd
        (2, 2, True),  # before the 3rd: revisit first
        (3, 2, False),  # the revisit was done once for this pair
        (4, 2, True),
        (1, 1, True),
        (5, 0, False),  # switched off
    ],
)
def test_a_revisit_is_due_after_every_so_many_failures(failures, every, due):
    assert revisit_due(failures, every) is due


def test_only_sections_opened_after_the_failure_count_as_revisited():
    sections = tuple(Section(id=i, title=i, blocks=()) for i in ("a", "b", "c", "d"))
    views = {
        "a": FAILED + timedelta(minutes=5),  # reopened after the failure
        "b": FAILED,  # opened at that very moment: counts
        "c": FAILED - timedelta(seconds=1),  # only before it
        "d": None,  # opened before last views were kept
    }
    assert [s.id for s in sections_to_revisit(sections, views, FAILED)] == ["c", "d"]
    assert [s.id for s in sections_to_revisit(sections, {}, FAILED)] == ["a", "b", "c", "d"]
