"""The follow-up check some months after completing: who is due, the invitation e-mails, taking the
check (which never changes a record), and the retention and reported-use figures. Services own the commit.

Days are counted on UTC dates: a record completed at any time on 1 March is 90 days old on 30 May.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Integer, and_, bindparam, case, cast, exists, func, select
from sqlalchemy.exc import IntegrityError

from course import org
from course.content.schema import Course, Question
from course.conversations import rules
from course.database import utcnow
from course.extensions import db
from course.mail import Mailer, MailError, public_link
from course.models import (
    AttemptAnswer,
    CourseCompletion,
    FollowUp,
    FollowUpAction,
    FollowUpItem,
    FollowUpNote,
    QuizAttempt,
    Revocation,
    User,
)
from course.people.rules import Scope
from course.people.services import units_under
from course.progress.rules import audience_for
from course.quizzes.rules import Result, grade
from course.spreadsheet import inert

_rng = random.SystemRandom()
NOTES_SHOWN_FROM = 5  # fewer notes than this could point to the people who wrote them


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def enabled() -> bool:
    return bool(current_app.config["FOLLOW_UP_ENABLED"])


def days() -> int:
    return int(current_app.config["FOLLOW_UP_DAYS"])


_NEWER = CourseCompletion.__table__.alias("newer").c


def _latest_valid() -> Any:
    """Completion records that are their learner's latest and not withdrawn."""
    newer = exists().where(_NEWER.user_id == CourseCompletion.user_id, _NEWER.cycle > CourseCompletion.cycle)
    revoked = exists().where(Revocation.completion_id == CourseCompletion.id)
    return and_(~newer, ~revoked)


# The learner's latest valid record when its follow-up check has not been taken: built once (the home
# page asks on every visit, and building a statement costs more than running it).
_UNCHECKED_LATEST = (
    select(CourseCompletion)
    .where(
        CourseCompletion.user_id == bindparam("user_id"),
        _latest_valid(),
        ~exists().where(FollowUp.completion_id == CourseCompletion.id, FollowUp.submitted_at.is_not(None)),
    )
    .limit(1)
)


def due_completion(user: User, today: date) -> CourseCompletion | None:
    """The record whose follow-up check the learner may take now, or None."""
    if not enabled():
        return None
    # The learner's summary (kept by the database's triggers) holds when the latest valid record was
    # completed: most learners on most days need no query to know that no check is due.
    latest = user.record_completed_at
    if latest is None or not rules.follow_up_due(latest.date(), today, days()):
        return None
    completion = db.session.scalar(_UNCHECKED_LATEST, {"user_id": user.id})
    if completion is None or not rules.follow_up_due(completion.completed_at.date(), today, days()):
        return None
    return completion


def seen_questions(user: User) -> set[str]:
    rows = db.session.scalars(
        select(AttemptAnswer.question_id)
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(QuizAttempt.user_id == user.id)
        .distinct()
    )
    return set(rows)


def _module_of(course: Course) -> dict[str, str]:
    return {q.id: bank.module_id for bank in course.banks.values() for q in bank.questions}


def open_check(user: User, completion: CourseCompletion, course: Course) -> FollowUp:
    """The learner's check for this record, drawn the first time it is opened (or invited)."""
    follow_up = _follow_up_for(completion.id)
    if follow_up is None:
        follow_up = FollowUp(user_id=user.id, completion_id=completion.id)
        db.session.add(follow_up)
    if not follow_up.items:
        module_of = _module_of(course)
        questions = [q for bank in course.banks.values() for q in bank.questions]
        drawn = rules.draw_check(
            questions, seen_questions(user), audience_for(user.job_role), org.settings().region, _rng
        )
        for position, item in enumerate(drawn):
            module_id = module_of[item.question_id]
            follow_up.items.append(
                FollowUpItem(
                    position=position,
                    module_id=module_id,
                    question_id=item.question_id,
                    options=list(item.option_ids),
                    completion_score=completion.scores.get(module_id),
                )
            )
    try:
        db.session.commit()
    except IntegrityError:  # opened twice at once: the other request drew it
        db.session.rollback()
        found = _follow_up_for(completion.id)
        if found is None:  # the other request failed too: let the error page say so
            raise
        return found
    return follow_up


def _follow_up_for(completion_id: int) -> FollowUp | None:
    return db.session.scalar(select(FollowUp).where(FollowUp.completion_id == completion_id))


def questions_of(follow_up: FollowUp, course: Course) -> list[Question]:
    found = []
    for item in follow_up.items:
        bank = course.banks.get(item.module_id)
        question = bank.question(item.question_id) if bank else None
        if question is not None:
            found.append(question)
    return found


def submit_check(
    follow_up: FollowUp,
    course: Course,
    answers: Mapping[str, frozenset[str]],
    *,
    used: str,
    actions: list[str],
    note: str,
) -> Result | None:
    """Grade and keep the check once; None when it was already submitted. Nothing here touches the
    learner's completion record. The note is kept apart from the person and the check."""
    if follow_up.submitted_at is not None:
        return None
    result = grade(tuple(questions_of(follow_up, course)), answers, pass_mark=0)
    by_question = {r.question.id: r for r in result.questions}
    for item in follow_up.items:
        answered = by_question.get(item.question_id)
        if answered is not None:
            item.selected, item.correct = sorted(answered.selected), answered.correct
    follow_up.submitted_at = utcnow()
    follow_up.correct_count = result.correct_count
    follow_up.used = used or None
    for action in actions:
        db.session.add(FollowUpAction(follow_up_id=follow_up.id, action=action))
    if note.strip():
        db.session.add(FollowUpNote(text=note.strip()[:2000], month=f"{utcnow():%Y-%m}"))
    db.session.commit()
    return result


# Invitations ---------------------------------------------------------------------------------------


@dataclass
class InvitationReport:
    sent: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (email, problem), kept for the next run


def send_invitations(today: date) -> InvitationReport:
    """Invite the learners whose latest record is exactly FOLLOW_UP_DAYS old today, and retry every
    invitation that failed before. Each record gets one invitation: a sent one is recorded at once, and
    a failed one is kept with its problem and tried again on the next run."""
    report = InvitationReport()
    if not enabled():
        return report
    completed_on = rules.follow_up_completed_on(today, days())
    new = db.session.scalars(
        select(CourseCompletion).where(
            CourseCompletion.completed_at >= _day_start(completed_on),
            CourseCompletion.completed_at < _day_start(completed_on + timedelta(days=1)),
            _latest_valid(),
            ~exists().where(FollowUp.completion_id == CourseCompletion.id),
            CourseCompletion.user.has(User.active.is_(True)),
        )
    ).all()
    for completion in new:
        db.session.add(FollowUp(user_id=completion.user_id, completion_id=completion.id))
    db.session.commit()  # recorded before any sending, so nothing is lost if sending fails
    pending = db.session.execute(
        select(FollowUp, User)
        .join(User, User.id == FollowUp.user_id)
        .where(FollowUp.invited_at.is_(None), FollowUp.submitted_at.is_(None), User.active.is_(True))
        .order_by(FollowUp.id)
    ).all()
    if not pending:
        return report
    link = public_link("conversations.follow_up")
    settings = org.settings()
    try:
        with Mailer(current_app.config) as mailer:
            for follow_up, user in pending:
                subject, body = invitation_text(
                    user.name, link, settings.org_name, settings.wellbeing_contact
                )
                try:
                    mailer.send(mailer.compose(to=user.email, subject=subject, body=body))
                except MailError as error:
                    _failed(follow_up, str(error))
                    report.failed.append((user.email, str(error)))
                else:
                    follow_up.invited_at = utcnow()
                    report.sent.append(user.email)
                db.session.commit()
    except MailError as error:  # the server could not be reached: every invitation waits for next time
        for follow_up, user in pending:
            if follow_up.invited_at is None and user.email not in dict(report.failed):
                _failed(follow_up, str(error))
                report.failed.append((user.email, str(error)))
        db.session.commit()
    return report


def _failed(follow_up: FollowUp, problem: str) -> None:
    follow_up.mail_failures += 1
    follow_up.last_mail_error = problem[:500]


def invitation_text(name: str, link: str, org_name: str, wellbeing: str) -> tuple[str, str]:
    subject = "A five-minute check on your self-harm awareness training"
    paragraphs = [
        f"Dear {name or 'colleague'},",
        "A few months ago you completed your self-harm awareness training. Learning fades unless we use "
        "it, so here is a short check: five questions you have not seen before, with feedback on each, "
        "and two questions about whether you have used the training.",
        "It takes about five minutes. It does not change your training record, and there is no pass mark.",
        f"Take the check:\n{link}",
        "The course talks about self-harm. If any of it feels close to home, you can stop at any point."
        + (f"\nSupport for staff: {wellbeing}" if wellbeing else ""),
        f"With thanks,\n{org_name}",
    ]
    return subject, "\n\n".join(paragraphs) + "\n"


# Reports -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRow:
    module_id: str
    job_role: str
    checks: int  # follow-up checks with a question from this module
    questions: int
    at_completion: float | None  # average quiz score (%) on the records
    at_follow_up: float  # share answered correctly (%) in the checks

    @property
    def change(self) -> float | None:
        return None if self.at_completion is None else self.at_follow_up - self.at_completion


def _in_scope(scope: Scope) -> Any:
    if scope.unit_path is None:
        return True
    return User.unit_id.in_(units_under(scope.unit_path))


def retention(scope: Scope) -> list[RetentionRow]:
    """Score at completion against score at follow-up, by module and job role: one aggregate query."""
    right = cast(case((FollowUpItem.correct.is_(True), 1), else_=0), Integer)
    rows = db.session.execute(
        select(
            FollowUpItem.module_id,
            User.job_role,
            func.count(func.distinct(FollowUp.id)),
            func.count(FollowUpItem.id),
            func.avg(FollowUpItem.completion_score),
            func.sum(right),
        )
        .join(FollowUp, FollowUp.id == FollowUpItem.follow_up_id)
        .join(User, User.id == FollowUp.user_id)
        .where(FollowUp.submitted_at.is_not(None), _in_scope(scope))
        .group_by(FollowUpItem.module_id, User.job_role)
        .order_by(FollowUpItem.module_id, User.job_role)
    ).all()
    return [
        RetentionRow(
            m, j, checks, n, float(before) if before is not None else None, 100 * float(correct or 0) / n
        )
        for m, j, checks, n, before, correct in rows
    ]


@dataclass(frozen=True)
class ReportedUse:
    checks: int
    used: dict[str, int]  # yes | no | unsure -> count
    actions: dict[str, int]
    notes: int


def reported_use(scope: Scope) -> ReportedUse:
    submitted = select(FollowUp.id).join(User, User.id == FollowUp.user_id)
    submitted = submitted.where(FollowUp.submitted_at.is_not(None), _in_scope(scope))
    used = {
        answer or "": count
        for answer, count in db.session.execute(
            select(FollowUp.used, func.count())
            .where(FollowUp.id.in_(submitted), FollowUp.used.is_not(None))
            .group_by(FollowUp.used)
        )
    }
    actions = dict(
        db.session.execute(
            select(FollowUpAction.action, func.count())
            .where(FollowUpAction.follow_up_id.in_(submitted))
            .group_by(FollowUpAction.action)
        ).all()
    )
    checks = db.session.scalar(select(func.count()).select_from(submitted.subquery())) or 0
    notes = db.session.scalar(select(func.count(FollowUpNote.id))) if scope.unit_path is None else 0
    return ReportedUse(checks, used, actions, notes or 0)


def shared_notes() -> list[str]:
    """Every free-text note, in alphabetical order so that order says nothing about who or when; none
    until there are enough that no one note points to its writer."""
    texts = list(db.session.scalars(select(FollowUpNote.text).order_by(FollowUpNote.text)))
    return texts if len(texts) >= NOTES_SHOWN_FROM else []


def report_csv(scope: Scope, course: Course, *, with_notes: bool) -> str:
    """Retention and reported use as one CSV table (UTF-8 with a byte order mark, cells made inert)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["measure", "module", "job_role", "count", "score_at_completion", "score_at_follow_up"])
    for row in retention(scope):
        module = course.module(row.module_id)
        before = "" if row.at_completion is None else f"{row.at_completion:.1f}"
        title = inert(module.title if module else row.module_id)
        writer.writerow(["retention", title, row.job_role, row.checks, before, f"{row.at_follow_up:.1f}"])
    use = reported_use(scope)
    counts = [("follow-up checks", use.checks)]
    counts += [
        (f"responded since the course: {label}", use.used.get(key, 0)) for key, label in rules.USED.items()
    ]
    counts += [(f"what they did: {label}", use.actions.get(key, 0)) for key, label in rules.ACTIONS.items()]
    if with_notes:
        counts.append(("free-text notes", use.notes))
    for measure, count in counts:
        writer.writerow([measure, "", "", count, "", ""])
    return "\ufeff" + buffer.getvalue()
