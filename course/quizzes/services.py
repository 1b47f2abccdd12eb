"""Quiz attempts in the database: start, submit exactly once, look up; and item analysis, how often
each question was drawn, how hard it is and how well it separates stronger from weaker learners (two
aggregate queries per quiz). Services own the commit."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, Integer, bindparam, case, cast, func, insert, select, true, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.selectable import TableValuedAlias

from course.content.schema import QuestionBank, Section
from course.database import utcnow
from course.events import QUIZ_MARKED, announce
from course.extensions import db
from course.models import AttemptAnswer, ConfidenceRating, QuizAttempt, User
from course.progress.services import last_viewed
from course.quizzes import rules
from course.quizzes.rules import Drawn, Result, draw, point_biserial

_rng = random.SystemRandom()


class AttemptLimitReached(Exception):
    """The learner has used the attempts allowed in the period; the message says when to come back."""


class RevisitFirst(Exception):
    """The retake rule: the learner opens these sections again before the next attempt."""

    def __init__(self, sections: tuple[Section, ...]) -> None:
        super().__init__(f"Open these sections again before the next attempt: {len(sections)}")
        self.sections = sections


def sections_to_revisit(
    user: User,
    module_id: str,
    pathway: tuple[Section, ...],
    every: int,
    attempts: list[QuizAttempt] | None = None,
) -> tuple[Section, ...]:
    """The sections of the learner's `pathway` through the module that the retake rule asks them to
    open again before their next attempt; none when they may start.

    `attempts`: the learner's attempts at this quiz when the caller has them already (any order)."""
    found = attempts if attempts is not None else attempts_for(user, module_id)
    submitted = sorted(((a.submitted_at, bool(a.passed)) for a in found if a.submitted_at), reverse=True)
    failures = rules.failures_in_a_row(passed for _, passed in submitted)
    if not rules.revisit_due(failures, every):
        return ()
    since = submitted[0][0]  # the latest failed attempt
    return rules.sections_to_revisit(pathway, last_viewed(user, module_id), since)


def drawn_items(attempt: QuizAttempt) -> tuple[Drawn, ...]:
    return tuple(Drawn(item["question"], tuple(item["options"])) for item in attempt.draw)


def is_open(attempt: QuizAttempt) -> bool:
    return attempt.submitted_at is None and attempt.expires_at > utcnow()


def open_attempt(user: User, module_id: str) -> QuizAttempt | None:
    return db.session.scalar(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.module_id == module_id,
            QuizAttempt.submitted_at.is_(None),
            QuizAttempt.expires_at > utcnow(),
        )
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )


def start_attempt(
    user: User,
    bank: QuestionBank,
    *,
    audience: str,
    region: str,
    course_version: str,
    pass_mark: int,
    valid_for: timedelta,
    daily_limit: int,
    pathway: tuple[Section, ...] = (),
    revisit_after: int = 0,
) -> QuizAttempt:
    """Resume the open attempt, or draw a fresh one (a retake always gets a new draw).

    Raises RevisitFirst when the retake rule (after `revisit_after` failures in a row) asks the learner
    to open sections of their `pathway` again first, and AttemptLimitReached when the day's attempts
    are used up."""
    existing = open_attempt(user, bank.module_id)
    if existing is not None:
        return existing
    if revisit_after and (pending := sections_to_revisit(user, bank.module_id, pathway, revisit_after)):
        raise RevisitFirst(pending)
    if daily_limit:
        since = utcnow() - timedelta(days=1)
        used = db.session.scalar(
            select(func.count(QuizAttempt.id)).where(
                QuizAttempt.user_id == user.id,
                QuizAttempt.module_id == bank.module_id,
                QuizAttempt.started_at > since,
            )
        )
        if (used or 0) >= daily_limit:
            raise AttemptLimitReached(
                f"You have used the {daily_limit} attempts allowed in 24 hours for this quiz. "
                "Take a break, review the module, and try again tomorrow."
            )
    attempt = QuizAttempt(
        user_id=user.id,
        module_id=bank.module_id,
        quiz_version=bank.version,
        course_version=course_version,
        draw=[
            {"question": d.question_id, "options": list(d.option_ids)}
            for d in draw(bank, audience, region, _rng)
        ],
        pass_mark=pass_mark,
        expires_at=utcnow() + valid_for,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


# Built once: every submission runs them.
_CLAIM = (
    update(QuizAttempt)
    .where(
        QuizAttempt.id == bindparam("attempt_id"),
        QuizAttempt.submitted_at.is_(None),
        QuizAttempt.expires_at > bindparam("now"),
    )
    .values(
        submitted_at=bindparam("now"),
        correct_count=bindparam("correct_count"),
        score=bindparam("score"),
        passed=bindparam("passed"),
    )
)
_ADD_ANSWER = insert(AttemptAnswer)


def submit(
    attempt: QuizAttempt, result: Result, on_pass: Callable[[QuizAttempt], object] | None = None
) -> bool:
    """Record the graded answers once. False when the attempt was already submitted or has expired.

    The conditional update is the database's guarantee: of many simultaneous submissions, exactly one
    changes the row; the others change nothing and see the stored result.
    """
    now = utcnow()
    outcome = {"correct_count": result.correct_count, "score": result.score, "passed": result.passed}
    connection = db.session.connection()
    claimed = connection.execute(_CLAIM, {"attempt_id": attempt.id, "now": now, **outcome})
    if claimed.rowcount != 1:
        db.session.rollback()
        return False
    position = {item["question"]: n for n, item in enumerate(attempt.draw)}
    connection.execute(
        _ADD_ANSWER,
        [
            {
                "attempt_id": attempt.id,
                "question_id": r.question.id,
                "position": position[r.question.id],
                "selected": sorted(r.selected),
                "correct": r.correct,
            }
            for r in result.questions
        ],
    )
    # What the update stored, without reading the row back.
    for name, value in {"submitted_at": now, **outcome}.items():
        set_committed_value(attempt, name, value)
    announce(QUIZ_MARKED, user_id=attempt.user_id, attempt=attempt, result=result)
    if result.passed and on_pass is not None:
        on_pass(attempt)
    db.session.commit()
    return True


def find_attempt(user: User, attempt_id: int) -> QuizAttempt | None:
    """The attempt when it is the user's own; another user's attempt is as good as missing."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == user.id else None


def attempts_for(user: User, module_id: str) -> list[QuizAttempt]:
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .where(QuizAttempt.user_id == user.id, QuizAttempt.module_id == module_id)
            .order_by(QuizAttempt.started_at.desc())
        )
    )


def rate_confidence(user: User, module_id: str, stage: str, rating: int) -> None:
    existing = db.session.scalar(
        select(ConfidenceRating).where(
            ConfidenceRating.user_id == user.id,
            ConfidenceRating.module_id == module_id,
            ConfidenceRating.stage == stage,
        )
    )
    if existing is None:
        db.session.add(ConfidenceRating(user_id=user.id, module_id=module_id, stage=stage, rating=rating))
    else:
        existing.rating, existing.rated_at = rating, utcnow()
    db.session.commit()


def confidence_given(user: User, module_id: str) -> set[str]:
    rows = db.session.scalars(
        select(ConfidenceRating.stage).where(
            ConfidenceRating.user_id == user.id, ConfidenceRating.module_id == module_id
        )
    )
    return set(rows)


HARD_FACILITY = 0.5  # fewer than half answer correctly: worth a look


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    answers: int
    facility: float  # share answering correctly, 0..1
    discrimination: float | None  # point-biserial correlation with the attempt score; None when undefined

    @property
    def most_miss(self) -> bool:
        return self.facility < HARD_FACILITY


def item_analysis(module_id: str) -> list[ItemStats]:
    correct = cast(case((AttemptAnswer.correct.is_(True), 1), else_=0), Integer)
    score = QuizAttempt.score
    rows = db.session.execute(
        select(
            AttemptAnswer.question_id,
            func.count(),
            func.sum(correct),
            func.sum(score),
            func.sum(score * correct),
            func.sum(score * score),
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(QuizAttempt.module_id == module_id, QuizAttempt.submitted_at.is_not(None))
        .group_by(AttemptAnswer.question_id)
        .order_by(AttemptAnswer.question_id)
    )
    return [
        ItemStats(
            question_id=question_id,
            answers=n,
            facility=(right or 0) / n,
            discrimination=point_biserial(
                n, right or 0, float(total or 0), float(total_right or 0), float(sq or 0)
            ),
        )
        for question_id, n, right, total, total_right, sq in rows
    ]


def _drawn_question_ids() -> tuple[ColumnElement[str], TableValuedAlias]:
    """The question id of each element of quiz_attempts.draw, and the table function that yields them."""
    if db.session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements(QuizAttempt.draw).table_valued("value", joins_implicitly=True)
        return elements.c.value.op("->>")("question"), elements
    elements = func.json_each(QuizAttempt.draw).table_valued("value", joins_implicitly=True)
    return func.json_extract(elements.c.value, "$.question"), elements


def times_drawn(module_id: str) -> dict[str, int]:
    """How many attempts drew each question, whether or not they were submitted: how often it was seen."""
    question, elements = _drawn_question_ids()
    rows = db.session.execute(
        select(question, func.count())
        .select_from(QuizAttempt)
        .join(elements, true())
        .where(QuizAttempt.module_id == module_id)
        .group_by(question)
    )
    return {question_id: n for question_id, n in rows}
