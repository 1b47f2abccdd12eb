"""Conversation runs in the database: the learner's current path, a choice, a step back, a restart, and
the report of the choices staff make at each turn. Services own the commit."""

from __future__ import annotations

from sqlalchemy import func, select

from course.content.schema import Conversation
from course.conversations.rules import Position, replay
from course.database import utcnow
from course.extensions import db
from course.models import ConversationRun, ConversationStep, User
from course.people.rules import Scope
from course.people.services import units_under


def current_run(user: User, conversation_id: str) -> ConversationRun | None:
    return db.session.scalar(
        select(ConversationRun)
        .where(
            ConversationRun.user_id == user.id,
            ConversationRun.conversation_id == conversation_id,
            ConversationRun.closed_at.is_(None),
        )
        .order_by(ConversationRun.id.desc())
        .limit(1)
    )


def live_steps(run: ConversationRun | None) -> list[ConversationStep]:
    return [s for s in run.steps if s.undone_at is None] if run is not None else []


def position(user: User, conversation: Conversation) -> Position:
    steps = live_steps(current_run(user, conversation.id))
    return replay(conversation, [(s.turn_id, s.choice_id) for s in steps])


def choose(user: User, module_id: str, conversation: Conversation, turn_id: str, choice_id: str) -> bool:
    """Take a choice at the turn the learner is at. False (and nothing stored) when the form was for
    another turn (sent twice, or from an older page) or names no choice there."""
    run = current_run(user, conversation.id)
    steps = live_steps(run)
    now = replay(conversation, [(s.turn_id, s.choice_id) for s in steps])
    if now.turn is None or now.turn.id != turn_id:
        return False
    choice = now.turn.choice(choice_id)
    if choice is None:
        return False
    if run is None:
        run = ConversationRun(user_id=user.id, module_id=module_id, conversation_id=conversation.id)
        db.session.add(run)
        db.session.flush()
    # Positions count every step made in the run, undone ones too, so each stays in the report's order.
    db.session.add(
        ConversationStep(run_id=run.id, position=len(run.steps) + 1, turn_id=turn_id, choice_id=choice_id)
    )
    if choice.ending:
        run.ended_at, run.ending_id = utcnow(), choice.ending
    db.session.commit()
    return True


def go_back(user: User, conversation: Conversation) -> bool:
    """Undo the latest choice; False when there is nothing to undo."""
    run = current_run(user, conversation.id)
    steps = live_steps(run)
    if run is None or not steps:
        return False
    steps[-1].undone_at = utcnow()
    run.ended_at, run.ending_id = None, None
    db.session.commit()
    return True


def restart(user: User, conversation: Conversation) -> None:
    run = current_run(user, conversation.id)
    if run is not None:
        run.closed_at = utcnow()
        db.session.commit()


def choices_made(scope: Scope, conversation_id: str) -> dict[tuple[str, str], int]:
    """How many times staff in scope made each choice at each turn (steps undone later count too: they
    were the choice first made), in one aggregate query."""
    query = (
        select(ConversationStep.turn_id, ConversationStep.choice_id, func.count())
        .join(ConversationRun, ConversationRun.id == ConversationStep.run_id)
        .where(ConversationRun.conversation_id == conversation_id)
        .group_by(ConversationStep.turn_id, ConversationStep.choice_id)
    )
    if scope.unit_path is not None:
        query = query.join(User, User.id == ConversationRun.user_id).where(
            User.unit_id.in_(units_under(scope.unit_path))
        )
    return {(turn, choice): count for turn, choice, count in db.session.execute(query)}
