"""Pure quiz rules: drawing a fair set of questions, grading answers, item statistics, and retakes.
No database, no Flask.

The retake rule: after `every` failed attempts in a row at a module's quiz (2 unless the organisation
sets another number; 0 switches it off), the learner revisits the module before the next attempt.
Revisiting means opening each of the module's sections on their pathway again after the latest failed
attempt was submitted. A pass resets the count; so does nothing else, so the rule applies again after
every further `every` failures in a row (after the 2nd, the 4th, the 6th...).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from course.content.schema import Question, QuestionBank, Section


@dataclass(frozen=True)
class Drawn:
    question_id: str
    option_ids: tuple[str, ...]  # the order in which the options are shown


def draw(bank: QuestionBank, audience: str, region: str, rng: random.Random) -> tuple[Drawn, ...]:
    """`bank.draw` questions for the audience and the organisation's region, no repeats, at least one
    per objective where possible.

    Options are shuffled, except true/false, which always reads True then False.
    """
    pool = list(bank.questions_for(audience, region))
    rng.shuffle(pool)
    chosen: list[Question] = []
    for question in pool:  # first pass: one question for each objective
        if len(chosen) < bank.draw and question.objective not in {q.objective for q in chosen}:
            chosen.append(question)
    for question in pool:  # then fill up from what is left
        if len(chosen) < bank.draw and question not in chosen:
            chosen.append(question)
    rng.shuffle(chosen)
    return tuple(Drawn(q.id, _option_order(q, rng)) for q in chosen)


def _option_order(question: Question, rng: random.Random) -> tuple[str, ...]:
    ids = [o.id for o in question.options]
    if question.type == "truefalse":
        return ("true", "false")
    rng.shuffle(ids)
    return tuple(ids)


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    selected: frozenset[str]

    @property
    def correct(self) -> bool:
        return self.selected == self.question.correct_ids


@dataclass(frozen=True)
class Result:
    questions: tuple[QuestionResult, ...]
    pass_mark: int

    @property
    def correct_count(self) -> int:
        return sum(q.correct for q in self.questions)

    @property
    def score(self) -> int:
        """Per cent, rounded down, so a pass is never rounded up into being."""
        return 100 * self.correct_count // len(self.questions) if self.questions else 0

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark


def grade(questions: tuple[Question, ...], answers: Mapping[str, frozenset[str]], pass_mark: int) -> Result:
    """Grade answers (question id -> chosen option ids). A multiple-response question is right only
    when exactly the correct options are chosen."""
    return Result(tuple(QuestionResult(q, answers.get(q.id, frozenset())) for q in questions), pass_mark)


class AnswerProblem(ValueError):
    """The submitted answers cannot be graded; the message says why."""


def read_answers(
    drawn: tuple[Drawn, ...], questions: Mapping[str, Question], form: Mapping[str, list[str]]
) -> tuple[dict[str, frozenset[str]], list[int]]:
    """The answers in a submitted form, and the (1-based) numbers of unanswered questions.

    Raises AnswerProblem when the form names a question or option that was not drawn.
    """
    answers: dict[str, frozenset[str]] = {}
    unanswered = []
    drawn_ids = {d.question_id for d in drawn}
    for key in form:
        if key.startswith("q-") and key[2:] not in drawn_ids:
            raise AnswerProblem("The answers name a question that is not part of this attempt.")
    for number, item in enumerate(drawn, start=1):
        chosen = frozenset(form.get(f"q-{item.question_id}", []))
        if not chosen:
            unanswered.append(number)
            continue
        if not chosen <= set(item.option_ids):
            raise AnswerProblem("The answers name an option that is not part of this attempt.")
        if questions[item.question_id].type != "multiple" and len(chosen) != 1:
            raise AnswerProblem(f"Question {number} takes one answer only.")
        answers[item.question_id] = chosen
    return answers, unanswered


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


def failures_in_a_row(outcomes_newest_first: Iterable[bool]) -> int:
    """How many submitted attempts failed since the latest pass (all of them without a pass)."""
    count = 0
    for passed in outcomes_newest_first:
        if passed:
            break
        count += 1
    return count


def revisit_due(failures: int, every: int) -> bool:
    """True after every `every`-th failure in a row; never when `every` is 0."""
    return every > 0 and failures > 0 and failures % every == 0


def sections_to_revisit(
    sections: Iterable[Section], last_viewed: Mapping[str, datetime | None], since: datetime
) -> tuple[Section, ...]:
    """The sections not opened again since `since` (the latest failed attempt), in pathway order."""
    return tuple(s for s in sections if (at := last_viewed.get(s.id)) is None or at < since)
