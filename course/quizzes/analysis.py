"""Item analysis: how often each question was drawn, how hard it is, and how well it separates
stronger from weaker learners.

Computed with two aggregate queries per quiz, however many attempts there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, case, cast, func, select, true
from sqlalchemy.sql.selectable import TableValuedAlias

from course.extensions import db
from course.models import AttemptAnswer, QuizAttempt

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


def point_biserial(n: int, right: int, total: float, total_right: float, total_sq: float) -> float | None:
    """r_pb from sums: n answers, `right` of them correct, sum of scores, sum of scores of the correct
    answers, and sum of squared scores. None when everyone or no one was right, or scores do not vary."""
    if n == 0 or right in (0, n):
        return None
    mean = total / n
    variance = total_sq / n - mean * mean
    if variance <= 1e-12:
        return None
    mean_right = total_right / right
    mean_wrong = (total - total_right) / (n - right)
    p = right / n
    return (mean_right - mean_wrong) / math.sqrt(variance) * math.sqrt(p * (1 - p))


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
