"""Conversation pages (play, choose, go back, start again), the follow-up check, and the staff reports."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse
from wtforms.fields.choices import SelectChoice

from course import org
from course.audit import exported
from course.content import current_course
from course.content.schema import Conversation, Module
from course.conversations import bp, followups, services
from course.conversations.forms import ChoiceForm, FollowUpForm, StepForm
from course.conversations.rules import ACTIONS
from course.learning.routes import needs_content_note
from course.models import Role
from course.people.rules import Scope
from course.progress.rules import audience_for
from course.quizzes.forms import answers_form
from course.quizzes.rules import AnswerProblem, Drawn, read_answers
from course.security import STAFF, roles_required


def _audience() -> str:
    return audience_for(current_user.job_role)


def _found(module_id: str, conversation_id: str) -> tuple[Module, Conversation]:
    """The conversation when the learner's audience and the organisation's region may see it; else 404."""
    module = current_course().module(module_id)
    conversation = module.conversation(conversation_id) if module else None
    if module is None or conversation is None or _audience() not in module.audiences:
        abort(404)
    if not conversation.shown_to(_audience(), org.settings().region):
        abort(404)
    return module, conversation


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    def conversations_for(module: Module) -> tuple[Conversation, ...]:
        return module.conversations_for(_audience(), org.settings().region)

    def follow_up_check() -> bool:
        return (
            current_user.is_authenticated and followups.due_completion(current_user, org.today()) is not None
        )

    return {"conversations_for": conversations_for, "follow_up_check": follow_up_check}


@bp.get("/modules/<module_id>/conversations/<conversation_id>")
@login_required
def play(module_id: str, conversation_id: str) -> str | BaseResponse:
    if (gate := needs_content_note()) is not None:
        return gate
    module, conversation = _found(module_id, conversation_id)
    where = services.position(current_user, conversation)
    form = ChoiceForm()
    if where.turn is not None:
        form.turn.data = where.turn.id
    return render_template(
        "conversations/play.html",
        module=module,
        conversation=conversation,
        where=where,
        form=form,
        step_form=StepForm(),
        audience=_audience(),
        region=org.settings().region,
    )


def _back_to(module_id: str, conversation_id: str, anchor: str = "latest") -> BaseResponse:
    url = url_for("conversations.play", module_id=module_id, conversation_id=conversation_id)
    return redirect(f"{url}#{anchor}")


@bp.post("/modules/<module_id>/conversations/<conversation_id>/choose")
@login_required
def choose(module_id: str, conversation_id: str) -> BaseResponse:
    _module, conversation = _found(module_id, conversation_id)
    form = ChoiceForm()
    turn = conversation.turn(form.turn.data or "")
    form.choice.choices = [SelectChoice(c.id, c.says) for c in turn.choices] if turn else []
    if not form.validate():
        flash("Choose what to say, then select “Say this”.", "error")
        return _back_to(module_id, conversation_id, "your-turn")
    if not services.choose(current_user, module_id, conversation, turn.id if turn else "", form.choice.data):
        flash("That step was already taken, so the conversation carries on from where it is now.", "info")
    return _back_to(module_id, conversation_id)


@bp.post("/modules/<module_id>/conversations/<conversation_id>/back")
@login_required
def back(module_id: str, conversation_id: str) -> BaseResponse:
    _module, conversation = _found(module_id, conversation_id)
    if StepForm().validate_on_submit() and services.go_back(current_user, conversation):
        flash("You went back a step. Choose again.", "info")
    return _back_to(module_id, conversation_id, "your-turn")


@bp.post("/modules/<module_id>/conversations/<conversation_id>/restart")
@login_required
def restart(module_id: str, conversation_id: str) -> BaseResponse:
    _module, conversation = _found(module_id, conversation_id)
    if StepForm().validate_on_submit():
        services.restart(current_user, conversation)
        flash("The conversation has started again.", "info")
    return _back_to(module_id, conversation_id, "your-turn")


@bp.route("/follow-up", methods=["GET", "POST"])
@login_required
def follow_up() -> str | BaseResponse:
    completion = followups.due_completion(current_user, org.today())
    if completion is None:
        return render_template("conversations/follow_up_none.html")
    course = current_course()
    check = followups.open_check(current_user, completion, course)
    questions = {q.id: q for q in followups.questions_of(check, course)}
    drawn = tuple(Drawn(i.question_id, tuple(i.options)) for i in check.items if i.question_id in questions)
    form = answers_form(drawn, FollowUpForm)
    unanswered: list[int] = []
    if form.validate_on_submit():
        try:
            answers, unanswered = read_answers(drawn, questions, form.answers())
        except AnswerProblem as problem:
            abort(400, str(problem))
        actions = [a for a in (form.actions.data or []) if a in ACTIONS]
        if not unanswered:
            result = followups.submit_check(
                check, course, answers, used=form.used.data or "", actions=actions, note=form.note.data or ""
            )
            if result is not None:
                order = {d.question_id: d.option_ids for d in drawn}
                return render_template("conversations/follow_up_result.html", result=result, order=order)
    return render_template(
        "conversations/follow_up.html",
        form=form,
        items=[(questions[d.question_id], d.option_ids) for d in drawn],
        chosen=form.chosen(),
        unanswered=unanswered,
    )


@bp.get("/admin/conversations")
@roles_required(*STAFF)
def report() -> str:
    scope = Scope.for_viewer(current_user)
    course = current_course()
    rows = [
        (module, conversation, services.choices_made(scope, conversation.id))
        for module in course.modules
        for conversation in module.conversations
    ]
    return render_template("conversations/report.html", rows=rows)


@bp.get("/admin/learning-gain/follow-up.csv")
@roles_required(*STAFF)
def follow_up_csv() -> Response:
    scope = Scope.for_viewer(current_user)
    text = followups.report_csv(scope, current_course(), with_notes=current_user.role == Role.ADMIN)
    filename = f"follow-up-{org.today().isoformat()}.csv"
    exported(filename)
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
