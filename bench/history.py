"""One synthetic learner's history: section views, graded quiz attempts, completion records, ratings.

Everything is drawn from the random generator it is given, so the same seed gives the same organisation.
Rows are plain dicts, ready for bulk inserts.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from course.content.schema import Course, Module, QuestionBank
from course.progress.rules import expiry_for
from course.quizzes.rules import draw
from course.records.services import new_certificate_code

Row = dict[str, Any]

# Share of learners (per cent) in each kind of history.
PROFILES = (
    ("not_started", 20),
    ("in_progress", 25),
    ("completed", 38),
    ("expired", 10),
    ("renewed", 5),
    ("revoked", 2),
)
CERTIFICATE_MONTHS = 12


@dataclass
class History:
    views: list[Row] = field(default_factory=list)
    attempts: list[tuple[Row, list[Row]]] = field(default_factory=list)  # attempt, its answers
    completions: list[tuple[Row, bool]] = field(default_factory=list)  # record, revoked
    ratings: list[Row] = field(default_factory=list)


def pick_profile(rng: random.Random) -> str:
    names, weights = zip(*PROFILES, strict=True)
    return rng.choices(names, weights)[0]


def at(day: date, rng: random.Random) -> datetime:
    """A moment in the working day of `day`, in UTC."""
    return datetime.combine(day, time(8), UTC) + timedelta(minutes=rng.randint(0, 600))


def difficulty(question_id: str) -> float:
    """How likely a typical learner is to answer the question right: fixed per question, 0.55 to 0.94."""
    return 0.55 + (zlib.crc32(question_id.encode()) % 40) / 100


class Learner:
    """Builds the history of one learner on one pathway."""

    def __init__(self, rng: random.Random, user_id: int, audience: str, course: Course) -> None:
        self.rng, self.user_id, self.audience, self.course = rng, user_id, audience, course
        self.modules = course.modules_for(audience)
        self.ability = rng.uniform(0.85, 1.15)
        self.history = History()

    def build(self, profile: str, today: date) -> History:
        rng = self.rng
        if profile == "in_progress":
            done = rng.randint(1, len(self.modules) - 1)
            self.work(self.modules[:done], today - timedelta(rng.randint(1, 60)))
            self.read(self.modules[done], today, partial=True)
        elif profile in ("completed", "revoked"):
            self.complete(today - timedelta(rng.randint(1, 364)), cycle=1, revoked=profile == "revoked")
        elif profile == "expired":
            self.complete(today - timedelta(rng.randint(366, 700)), cycle=1)
        elif profile == "renewed":
            self.complete(today - timedelta(rng.randint(366, 700)), cycle=1)
            self.renew(today - timedelta(rng.randint(1, 300)))
        return self.history

    def work(self, modules: tuple[Module, ...], start: date) -> dict[str, int]:
        """Read every section of `modules` and pass their quizzes, from `start`; the best scores."""
        scores: dict[str, int] = {}
        for offset, module in enumerate(modules):
            day = start + timedelta(days=offset // 2)
            self.read(module, day)
            bank = self.course.banks.get(module.id)
            if bank is not None:
                scores[module.id] = self.pass_quiz(bank, day)
        return scores

    def read(self, module: Module, day: date, *, partial: bool = False) -> None:
        sections = module.sections_for(self.audience)
        if partial:
            sections = sections[: self.rng.randint(0, len(sections) - 1)]
        self.history.views.extend(
            {
                "user_id": self.user_id,
                "module_id": module.id,
                "section_id": section.id,
                "viewed_at": at(day, self.rng),
            }
            for section in sections
        )

    def pass_quiz(self, bank: QuestionBank, day: date) -> int:
        """Attempts until one passes (the third try always does); the passing score."""
        for attempt in range(3):
            score = self.sit(bank, day, sure=attempt == 2)
            if score >= bank.pass_mark:
                return score
        raise AssertionError("the third attempt always passes")

    def sit(self, bank: QuestionBank, day: date, *, sure: bool) -> int:
        rng = self.rng
        drawn = draw(bank, self.audience, "UK", rng)
        started = at(day, rng)
        questions = {q.id: q for q in bank.questions}
        answers = []
        for position, item in enumerate(drawn):
            question = questions[item.question_id]
            right = sure or rng.random() < min(0.98, difficulty(question.id) * self.ability)
            wrong = next(o.id for o in question.options if not o.correct)
            answers.append(
                {
                    "question_id": question.id,
                    "position": position,
                    "selected": sorted(question.correct_ids) if right else [wrong],
                    "correct": right,
                }
            )
        correct = sum(a["correct"] for a in answers)
        score = round(100 * correct / len(answers))
        attempt = {
            "user_id": self.user_id,
            "module_id": bank.module_id,
            "quiz_version": bank.version,
            "course_version": self.course.version,
            "draw": [{"question": d.question_id, "options": list(d.option_ids)} for d in drawn],
            "pass_mark": bank.pass_mark,
            "started_at": started,
            "expires_at": started + timedelta(hours=24),
            "submitted_at": started + timedelta(minutes=rng.randint(3, 20)),
            "correct_count": correct,
            "score": score,
            "passed": score >= bank.pass_mark,
        }
        self.history.attempts.append((attempt, answers))
        return score

    def complete(self, day: date, cycle: int, *, revoked: bool = False) -> None:
        start = day - timedelta(days=len(self.modules) // 2)
        scores = self.work(self.modules, start)
        self.record(day, cycle, scores, revoked)
        if self.rng.random() < 0.3:
            self.rate(day)

    def renew(self, day: date) -> None:
        """A second cycle: only the quizzes are taken again."""
        scores = {bank_id: self.pass_quiz(self.course.banks[bank_id], day) for bank_id in self.quiz_ids()}
        self.record(day, 2, scores, revoked=False)

    def quiz_ids(self) -> list[str]:
        return [m.id for m in self.modules if m.id in self.course.banks]

    def record(self, day: date, cycle: int, scores: dict[str, int], revoked: bool) -> None:
        row = {
            "user_id": self.user_id,
            "cycle": cycle,
            "course_version": self.course.version,
            "completed_at": at(day, self.rng),
            "expires_on": expiry_for(day, CERTIFICATE_MONTHS),
            "scores": scores,
            "cpd_minutes": self.course.minutes_for(self.audience),
            "certificate_code": new_certificate_code(),
            "source": "course",
        }
        self.history.completions.append((row, revoked))

    def rate(self, day: date) -> None:
        for module_id in self.quiz_ids():
            for stage, low, high in (("pre", 1, 3), ("post", 3, 5)):
                self.history.ratings.append(
                    {
                        "user_id": self.user_id,
                        "module_id": module_id,
                        "stage": stage,
                        "rating": self.rng.randint(low, high),
                        "rated_at": at(day, self.rng),
                    }
                )
