"""Completion events: features above the learner features (the LMS link) listen here, so that records
and quizzes tell them about a completion without importing them.

A listener runs inside the transaction that writes the completion, before it commits: what it adds
(an outbox message) is kept only if the completion is.
"""

from __future__ import annotations

from collections.abc import Callable

# (user id, module id or None for the whole course, score in per cent)
CompletionListener = Callable[[int, str | None, int], None]
_LISTENERS: list[CompletionListener] = []


def on_completed(listener: CompletionListener) -> CompletionListener:
    """Register a function to call when a learner completes the course or passes a module's quiz."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def completed(user_id: int, module_id: str | None, score: int) -> None:
    """Tell every listener: the course (module_id None) or one module was completed with `score`."""
    for listener in _LISTENERS:
        listener(user_id, module_id, score)
