"""Pure rules of practice conversations and follow-up checks."""

import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from course.content import load_once
from course.conversations.rules import (
    CHECK_QUESTIONS,
    draw_check,
    follow_up_completed_on,
    follow_up_due,
    replay,
)

COURSE = load_once(Path(__file__).resolve().parents[2])
TALK = COURSE.module("responding").conversation("pupil-disclosure")


def test_replay_from_the_start():
    where = replay(TALK, [])
    assert where.turn.id == "first-words" and where.history == () and where.ending is None


def test_replay_to_an_ending():
    where = replay(TALK, [("first-words", "rush"), ("second-chance", "let-go")])
    assert where.turn is None and where.ending.id == "shut-out" and where.steps == 2
    assert where.history[-1].choice.openness.startswith("She leaves")


def test_replay_stops_at_a_step_that_no_longer_fits():
    where = replay(TALK, [("first-words", "make-time"), ("after-telling", "gone"), ("what-next", "explain")])
    assert where.turn.id == "after-telling" and where.steps == 1


@pytest.mark.parametrize(("age", "invited"), [(89, False), (90, True), (91, False)])
def test_the_run_invites_records_exactly_n_days_old(age, invited):
    today = date(2026, 6, 1)
    assert (follow_up_completed_on(today, 90) == today - timedelta(days=age)) is invited


@pytest.mark.parametrize(("age", "due"), [(89, False), (90, True), (91, True), (400, True)])
def test_the_home_page_offers_the_check_from_day_n_until_taken(age, due):
    today = date(2026, 6, 1)
    assert follow_up_due(today - timedelta(days=age), today, 90) is due


QUESTIONS = [q for bank in COURSE.banks.values() for q in bank.questions]


def test_the_check_draws_only_unseen_questions_when_there_are_enough():
    teacher = [q.id for q in QUESTIONS if "teacher" in q.audiences]
    seen = set(teacher[: -(CHECK_QUESTIONS + 1)])
    drawn = draw_check(QUESTIONS, seen, "teacher", "UK", random.Random(1))
    assert len(drawn) == CHECK_QUESTIONS and not {d.question_id for d in drawn} & seen


def test_the_check_tops_up_with_seen_questions_only_when_it_must():
    teacher = [q for q in QUESTIONS if "teacher" in q.audiences]
    unseen = {q.id for q in teacher[:2]}
    seen = {q.id for q in teacher} - unseen
    drawn = {d.question_id for d in draw_check(QUESTIONS, seen, "teacher", "UK", random.Random(2))}
    assert len(drawn) == CHECK_QUESTIONS and unseen <= drawn


def test_the_check_keeps_to_the_learners_audience():
    drawn = draw_check(QUESTIONS, set(), "nurse", "UK", random.Random(3))
    by_id = {q.id: q for q in QUESTIONS}
    assert all("nurse" in by_id[d.question_id].audiences for d in drawn)
