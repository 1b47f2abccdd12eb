from datetime import UTC, datetime, timedelta

import pytest

from course.outbox.rules import LONGEST_WAIT, next_attempt

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(0, 1), (1, 1), (2, 2), (3, 4), (4, 8), (9, 256)],
)
def test_the_wait_doubles_after_each_failure(attempts, wait):
    assert next_attempt(attempts, NOW) == NOW + timedelta(minutes=wait)


@pytest.mark.parametrize("attempts", [10, 19, 20, 1000])
def test_the_wait_never_exceeds_six_hours(attempts):
    assert next_attempt(attempts, NOW) == NOW + LONGEST_WAIT
    assert next_attempt(9, NOW) < NOW + LONGEST_WAIT  # 256 minutes: just under the cap
