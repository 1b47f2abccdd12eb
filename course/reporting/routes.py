"""Report pages: the dashboard, learners and one learner's record, the completion export, quiz item
analysis and the learning-gain report."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from course import org
from course.audit import trail_for
from course.content import current_course
from course.conversations import followups
from course.conversations.rules import ACTIONS, USED
from course.models import Role
from course.paging import paginate
from course.people.services import person_in_scope, unit_choices
from course.progress.rules import add_months
from course.progress.services import learner_state
from course.quizzes.services import item_analysis as analyse
from course.quizzes.services import times_drawn
from course.records import services as records
from course.reporting import bp, services
from course.reporting.forms import LearnerFilters
from course.reporting.rules import setup_steps
from course.security import STAFF, roles_required
from course.spreadsheet import csv_download, csv_lines

PAGE_SIZE = 50


@bp.get("/")
@roles_required(*STAFF)
def dashboard() -> str:
    ctx = services.viewer_context()
    since = add_months(ctx.today.replace(day=1), -11)
    summary = services.summary(ctx.scope, ctx.today, ctx.window_days)
    steps = setup_steps(services.setup_facts()) if current_user.role == Role.ADMIN else ()
    return render_template(
        "admin/dashboard.html",
        steps=steps if not all(step.done for step in steps) else (),
        overview=summary.overview,
        units=summary.units,
        roles=summary.roles,
        months=services.completions_per_month(ctx.scope, since, ctx.today),
        window_days=ctx.window_days,
    )


@bp.get("/learners")
@roles_required(*STAFF)
def learners() -> str:
    ctx = services.viewer_context()
    form = LearnerFilters(request.args)
    form.unit.choices = [SelectChoice(0, "All units"), *unit_choices(ctx.scope, retired=True)]
    form.validate()
    page = paginate(services.learners(ctx, form.query()), PAGE_SIZE)
    return render_template("admin/learners.html", form=form, page=page)


@bp.get("/learners/<int:user_id>")
@roles_required(*STAFF)
def learner(user_id: int) -> str:
    person = person_in_scope(current_user, user_id) or abort(404)
    return render_template(
        "admin/learner.html",
        person=person,
        state=learner_state(person, current_course(), org.settings(), org.today()),
        attempts=records.submitted_attempts(person),
        ratings=services.confidence_ratings(person),
        completions=records.all_completions(person),
        trail=trail_for(f"user:{person.id}"),
    )


@bp.get("/completions.csv")
@roles_required(*STAFF)
def export_completions() -> Response:
    ctx = services.viewer_context()
    lines = csv_lines(services.EXPORT_HEADER, services.completion_rows(ctx))
    return csv_download(lines, f"completion-report-{ctx.today.isoformat()}.csv")


@bp.get("/quizzes")
@roles_required(Role.ADMIN)
def item_analysis() -> str:
    course = current_course()
    module_id = request.args.get("module", "")
    bank = course.banks.get(module_id) or next(iter(course.banks.values()))
    stats = {s.question_id: s for s in analyse(bank.module_id)}
    return render_template(
        "admin/item_analysis.html",
        bank=bank,
        module=course.module(bank.module_id),
        stats=stats,
        drawn=times_drawn(bank.module_id),
        banks=course.banks,
    )


@bp.get("/learning-gain")
@roles_required(*STAFF)
def learning_gain() -> str:
    scope = services.viewer_context().scope
    return render_template(
        "admin/learning_gain.html",
        rows=services.learning_gain(scope),
        retention=followups.retention(scope),
        use=followups.reported_use(scope),
        notes=followups.shared_notes() if scope.unit_path is None else [],
        used_labels=USED,
        action_labels=ACTIONS,
    )
