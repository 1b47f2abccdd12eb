"""xAPI statements: written to the outbox when a fact is recorded (in the same transaction), and
delivered to the organisation's LRS by the outbox. On only when XAPI_ENDPOINT, XAPI_USERNAME and
XAPI_PASSWORD are set."""

from __future__ import annotations

import logging
from typing import Any

import requests
from flask import Flask, Response, current_app, g
from sqlalchemy import func, select

from course import events
from course.content import current_course
from course.database import utcnow
from course.extensions import db
from course.models import CourseCompletion, SectionView, User
from course.outbox.services import Refuse, Retry, deliver, enqueue, handles
from course.progress.rules import audience_for
from course.quizzes.rules import Result
from course.xapi import rules

TOPIC = "xapi.statement"
NEW = "xapi_new_statements"  # set on g when this request wrote statements
AFTER_REQUEST_LIMIT = 20  # statements sent after a request at most; the rest wait for `xapi send`
log = logging.getLogger(__name__)


def enabled() -> bool:
    config = current_app.config
    return bool(config["XAPI_ENDPOINT"] and config["XAPI_USERNAME"] and config["XAPI_PASSWORD"])


def init_app(app: Flask) -> None:
    """Listen to the facts, and after a request that wrote statements, try to send them."""
    events.listen(events.SECTION_FIRST_VIEWED, section_first_viewed)
    events.listen(events.QUIZ_MARKED, quiz_marked)
    events.listen(events.COURSE_COMPLETED, course_completed)

    @app.after_request
    def _send_soon(response: Response) -> Response:
        if g.pop(NEW, False):
            response.call_on_close(lambda: send_best_effort(app))
        return response


def send_best_effort(app: Flask) -> None:
    """After the response has gone: send what is due, one statement at a time, and stop at the first that
    does not go (the LRS is down or slow: one timeout at most), so a worker is never held for long. What
    is left waits for `xapi send`."""
    with app.app_context():
        try:
            for _ in range(AFTER_REQUEST_LIMIT):
                if deliver(topic=TOPIC, limit=1).delivered == 0:
                    break
        except Exception:  # best effort by design: `xapi send` delivers what this could not
            log.exception("Sending xAPI statements after a request failed; they wait in the outbox.")
            db.session.rollback()


def _write(statement: rules.Statement) -> None:
    enqueue(TOPIC, statement)
    setattr(g, NEW, True)


def _actor(user: User) -> dict[str, Any]:
    config = current_app.config
    home = config["XAPI_ACCOUNT_HOMEPAGE"] or config["PUBLIC_BASE_URL"]
    return rules.actor(
        name=user.name, email=user.email, user_id=user.id, kind=config["XAPI_ACTOR"], home_page=home
    )


def _iris() -> rules.Iris:
    return rules.Iris(current_app.config["PUBLIC_BASE_URL"])


def section_first_viewed(*, user: User, module_id: str, section_id: str) -> None:
    """experienced the section; initialized the module at its first section, experienced it at its last."""
    course = current_course()
    module = course.module(module_id)
    section = module.section(section_id) if module else None
    if not enabled() or module is None or section is None:
        return
    iris, who, now = _iris(), _actor(user), utcnow()
    whole, unit = iris.course(course.title), iris.module(module.id, module.title)
    viewed = db.session.scalar(  # the new view is flushed first, so it counts
        select(func.count()).where(SectionView.user_id == user.id, SectionView.module_id == module_id)
    )
    if viewed == 1:
        _write(rules.statement(who=who, verb="initialized", activity=unit, at=now, parents=(whole,)))
    _write(
        rules.statement(
            who=who,
            verb="experienced",
            activity=iris.section(module.id, section.id, section.title),
            at=now,
            parents=(unit,),
            grouping=whole,
        )
    )
    if viewed == len(module.sections_for(audience_for(user.job_role))):
        _write(rules.statement(who=who, verb="experienced", activity=unit, at=now, parents=(whole,)))


def quiz_marked(*, user_id: int, attempt: Any, result: Result) -> None:
    """answered for each question, then passed or failed for the quiz, with the score."""
    course = current_course()
    module = course.module(attempt.module_id)
    user = db.session.get(User, user_id)
    if not enabled() or module is None or user is None:
        return
    iris, who, now = _iris(), _actor(user), utcnow()
    whole, unit = iris.course(course.title), iris.module(module.id, module.title)
    quiz = iris.quiz(module.id, module.title)
    for answer in result.questions:
        _write(
            rules.statement(
                who=who,
                verb="answered",
                activity=iris.question(module.id, answer.question.id, answer.question.prompt),
                at=now,
                parents=(quiz,),
                grouping=whole,
                result=rules.answer_result(selected=answer.selected, correct=answer.correct),
            )
        )
    _write(
        rules.statement(
            who=who,
            verb="passed" if result.passed else "failed",
            activity=quiz,
            at=now,
            parents=(unit,),
            grouping=whole,
            result=rules.quiz_result(
                correct=result.correct_count, total=len(result.questions), passed=result.passed
            ),
        )
    )


def course_completed(*, user: User, completion: CourseCompletion) -> None:
    if not enabled():
        return
    course = current_course()
    _write(
        rules.statement(
            who=_actor(user),
            verb="completed",
            activity=_iris().course(course.title),
            at=completion.completed_at,
            result={"completion": True, "success": True},
        )
    )


@handles(TOPIC)
def send(statement: dict[str, Any]) -> None:
    """POST one statement to the LRS. Retry while it is down or busy; Refuse what it rejects as invalid."""
    config = current_app.config
    if not enabled():
        raise Retry("xAPI is not configured (XAPI_ENDPOINT, XAPI_USERNAME, XAPI_PASSWORD).")
    try:
        answer = requests.post(
            config["XAPI_ENDPOINT"].rstrip("/") + "/statements",
            json=statement,
            auth=(config["XAPI_USERNAME"], config["XAPI_PASSWORD"]),
            headers={"X-Experience-API-Version": rules.VERSION},
            timeout=config["XAPI_TIMEOUT"],
        )
    except requests.RequestException as problem:
        raise Retry(f"The LRS could not be reached: {problem.__class__.__name__}") from problem
    if rules.accepted(answer.status_code):
        return
    detail = answer.text[:300]
    if rules.refused_for_good(answer.status_code):
        raise Refuse(f"The LRS rejected statement {statement.get('id')} ({answer.status_code}): {detail}")
    raise Retry(f"The LRS answered {answer.status_code}: {detail}")
