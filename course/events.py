"""Facts announced to whoever listens, inside the transaction that records them.

A low layer (learning, quizzes, records) announces "a section was opened for the first time", "a quiz
was marked", "a completion record was written"; a higher feature (xAPI statements) listens, and adds
its own rows to the same transaction, without the lower layers ever importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Listener = Callable[..., None]
_LISTENERS: dict[str, list[Listener]] = {}

SECTION_FIRST_VIEWED = "section.first_viewed"  # user, module_id, section_id
QUIZ_MARKED = "quiz.marked"  # user_id, attempt, result (quizzes.rules.Result)
COURSE_COMPLETED = "course.completed"  # user, completion


def listen(fact: str, listener: Listener) -> None:
    """Call `listener(**details)` whenever `fact` is announced (once per listener)."""
    listeners = _LISTENERS.setdefault(fact, [])
    if listener not in listeners:
        listeners.append(listener)


def announce(fact: str, **details: Any) -> None:
    """Tell the listeners, in the caller's transaction: what they add is kept only if it commits."""
    for listener in _LISTENERS.get(fact, ()):
        listener(**details)
