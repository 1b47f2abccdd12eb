"""Quiz pages: overview, the questions of an attempt, the result, and confidence ratings."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from course import org
from course.content import current_course
from course.content.schema import Module, QuestionBank, Section
from course.models import QuizAttempt
from course.progress.rules import audience_for
from course.quizzes import bp, services
from course.quizzes.forms import AnswersForm, ConfidenceForm, answers_form
from course.quizzes.rules import AnswerProblem, grade, read_answers
from course.records import services as records
from course.security import is_safe_next

STAGES = ("pre", "post")


def _module_and_bank(module_id: str) -> tuple[Module, QuestionBank]:
    course = current_course()
    module, bank = course.module(module_id), course.banks.get(module_id)
    if module is None or bank is None or audience_for(current_user.job_role) not in module.audiences:
        abort(404)
    return module, bank


def _attempt_or_404(attempt_id: int) -> tuple[QuizAttempt, Module, QuestionBank]:
    attempt = services.find_attempt(current_user, attempt_id)
    if attempt is None:
        abort(404)
    module, bank = _module_and_bank(attempt.module_id)
    return attempt, module, bank


def _pass_mark(bank: QuestionBank) -> int:
    return org.settings().pass_mark or bank.pass_mark


def _pathway(module: Module) -> tuple[Section, ...]:
    return module.sections_for(audience_for(current_user.job_role))


@bp.get("/modules/<module_id>/quiz")
@login_required
def overview(module_id: str) -> str:
    module, bank = _module_and_bank(module_id)
    attempts = services.attempts_for(current_user, module_id)
    every = org.settings().retake_review_after
    return render_template(
        "quizzes/overview.html",
        module=module,
        bank=bank,
        pass_mark=_pass_mark(bank),
        minutes=current_course().quiz_minutes(module),
        attempts=attempts,
        open_attempt=services.open_attempt(current_user, module_id),
        revisit=services.sections_to_revisit(current_user, module_id, _pathway(module), every, attempts),
        revisit_after=every,
    )


@bp.post("/modules/<module_id>/quiz")
@login_required
def start(module_id: str) -> Response:
    module, bank = _module_and_bank(module_id)
    config = current_app.config
    try:
        attempt = services.start_attempt(
            current_user,
            bank,
            audience=audience_for(current_user.job_role),
            region=org.settings().region,
            course_version=current_course().version,
            pass_mark=_pass_mark(bank),
            valid_for=timedelta(hours=config["QUIZ_ATTEMPT_HOURS"]),
            daily_limit=config["QUIZ_DAILY_ATTEMPT_LIMIT"],
            pathway=_pathway(module),
            revisit_after=org.settings().retake_review_after,
        )
    except services.RevisitFirst:
        flash("Before your next attempt, open each section listed below again.", "error")
        return redirect(url_for("quizzes.overview", module_id=module.id))
    except services.AttemptLimitReached as limit:
        flash(str(limit), "error")
        return redirect(url_for("quizzes.overview", module_id=module.id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _render_attempt(attempt: QuizAttempt, module: Module, bank: QuestionBank, **extra: object) -> str:
    items = [(bank.question(d.question_id), d.option_ids) for d in services.drawn_items(attempt)]
    return render_template("quizzes/attempt.html", attempt=attempt, module=module, items=items, **extra)


@bp.get("/quiz/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int) -> str | Response:
    found, module, bank = _attempt_or_404(attempt_id)
    if found.submitted_at is not None:
        return redirect(url_for("quizzes.result", attempt_id=found.id))
    if not services.is_open(found):
        return _expired(module)
    return _render_attempt(found, module, bank, chosen={})


def _expired(module: Module) -> Response:
    flash(
        "That quiz attempt had expired, so it was not marked. Start a new attempt when you are ready.",
        "error",
    )
    return redirect(url_for("quizzes.overview", module_id=module.id))


@bp.post("/quiz/attempts/<int:attempt_id>")
@login_required
def submit(attempt_id: int) -> str | Response | tuple[str, int]:
    found, module, bank = _attempt_or_404(attempt_id)
    if found.submitted_at is not None:  # a second or replayed submit: show the stored result
        return redirect(url_for("quizzes.result", attempt_id=found.id))
    if not services.is_open(found):
        return _expired(module)
    drawn = services.drawn_items(found)
    questions = {q.id: q for q in bank.questions}
    form = answers_form(drawn, AnswersForm)
    if not form.validate_on_submit():
        abort(400, "The answers could not be read. Go back to the quiz and submit it again.")
    try:
        answers, unanswered = read_answers(drawn, questions, form.answers())
    except AnswerProblem as problem:
        abort(400, str(problem))
    if unanswered:
        return _render_attempt(found, module, bank, chosen=answers, unanswered=unanswered), 422
    result = grade(tuple(questions[d.question_id] for d in drawn), answers, found.pass_mark)
    services.submit(
        found,
        result,
        on_pass=lambda _: records.complete_if_done(current_user, current_course(), org.settings()),
    )
    return redirect(url_for("quizzes.result", attempt_id=found.id))


@bp.get("/quiz/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int) -> str | Response:
    found, module, bank = _attempt_or_404(attempt_id)
    if found.submitted_at is None:
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    rows = [(bank.question(a.question_id), a) for a in found.answers]
    order = {item["question"]: item["options"] for item in found.draw}
    return render_template(
        "quizzes/result.html",
        attempt=found,
        module=module,
        rows=rows,
        order=order,
        rated=services.confidence_given(current_user, module.id),
    )


@bp.post("/modules/<module_id>/confidence/<stage>")
@login_required
def rate(module_id: str, stage: str) -> Response:
    module = current_course().module(module_id)
    if module is None or stage not in STAGES:
        abort(404)
    form = ConfidenceForm()
    back = form.back.data or ""
    target = back if is_safe_next(back) else url_for("learning.module", module_id=module_id)
    if not form.validate_on_submit():
        flash("Choose a number from 1 to 5, or skip this question.", "error")
        return redirect(target)
    services.rate_confidence(current_user, module_id, stage, int(form.rating.data))
    flash("Thank you. Your rating is saved.", "success")
    return redirect(target)
