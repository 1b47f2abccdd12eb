"""Pure rules: where a learner is in a conversation, and when a follow-up check is due and what it asks."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from course.content.schema import Choice, Conversation, Ending, Question, QuestionBank, Turn
from course.quizzes.rules import Drawn, draw

# The follow-up check: how many questions, and what a learner may say they did.
CHECK_QUESTIONS = 5
USED = {"yes": "Yes", "no": "No", "unsure": "I'm not sure"}
ACTIONS = {
    "listened": "I listened and stayed calm",
    "asked-suicide": "I asked directly about suicide",
    "first-aid": "I made sure injuries were treated or called emergency services",
    "told-lead": "I told the safeguarding lead or the person named in our policy",
    "referred": "I arranged an assessment or a referral",
    "recorded": "I recorded what was said and done",
    "signposted": "I shared support or helpline details",
    "other": "Something else",
}


@dataclass(frozen=True)
class Exchange:
    """One step of the conversation so far: the turn, what the learner said, and how the person replied."""

    turn: Turn
    choice: Choice


@dataclass(frozen=True)
class Position:
    history: tuple[Exchange, ...]
    turn: Turn | None  # the turn waiting for a choice, or None at an ending
    ending: Ending | None

    @property
    def steps(self) -> int:
        return len(self.history)


def replay(conversation: Conversation, path: Sequence[tuple[str, str]]) -> Position:
    """Follow the stored (turn id, choice id) path from the start. A step that no longer fits the
    conversation (the content changed) ends the replay there, so the learner carries on from that turn."""
    history: list[Exchange] = []
    turn = conversation.turn(conversation.start)
    for turn_id, choice_id in path:
        choice = turn.choice(choice_id) if turn is not None and turn.id == turn_id else None
        if turn is None or choice is None:
            break
        history.append(Exchange(turn, choice))
        if choice.ending:
            return Position(tuple(history), None, conversation.ending(choice.ending))
        turn = conversation.turn(choice.next_turn)
    return Position(tuple(history), turn, None)


def follow_up_completed_on(today: date, days: int) -> date:
    """A run on `today` invites the learners whose record was completed this many days before: exactly
    `days` days, so a learner at days - 1 is not invited yet, and one at days + 1 was invited the day
    before (a missed run can be made up with `send-follow-ups --today` for that day)."""
    return today - timedelta(days=days)


def follow_up_due(completed_on: date, today: date, days: int) -> bool:
    """The learner home offers the check from the day the invitation goes out, until it is taken."""
    return today >= completed_on + timedelta(days=days)


def draw_check(
    questions: Iterable[Question], seen: set[str], audience: str, region: str, rng: random.Random
) -> tuple[Drawn, ...]:
    """The follow-up check: CHECK_QUESTIONS questions the learner has not seen, topped up with seen ones
    only when too few are left. Objectives differ by module, so the quizzes' fair draw (one question per
    objective first) spreads the check across the modules."""
    suitable = [q for q in questions if q.shown_to(audience, region)]
    unseen = [q for q in suitable if q.id not in seen]
    first = draw(_bank(unseen, CHECK_QUESTIONS), audience, region, rng)
    rest = CHECK_QUESTIONS - len(first)
    if rest <= 0:
        return first
    return first + draw(_bank([q for q in suitable if q.id in seen], rest), audience, region, rng)


def _bank(questions: list[Question], size: int) -> QuestionBank:
    return QuestionBank(module_id="follow-up", version=1, pass_mark=0, draw=size, questions=tuple(questions))
