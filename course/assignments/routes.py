"""Assigning the course, with a due date, to units, job roles or people."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course.assignments import bp, services
from course.assignments.forms import AssignmentForm
from course.extensions import db
from course.models import Assignment, Role
from course.people.services import unit_choices
from course.security import roles_required


@bp.route("/assignments", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def assignments() -> str | Response | tuple[str, int]:
    form = AssignmentForm()
    form.unit.choices = unit_choices()
    if form.validate_on_submit():
        try:
            label = services.assign(
                target=form.target.data,
                due_on=form.due_on.data,
                within_days=form.within_days.data,
                by=current_user,
                unit_id=form.unit.data,
                job_role=form.job_role.data,
                email=form.email.data or "",
            )
        except services.NoSuchTarget as problem:
            abort(400, str(problem))
        due = (
            form.due_on.data.strftime("%-d %B %Y")
            if form.due_on.data
            else f"within {form.within_days.data} days of starting"
        )
        flash(f"The course is assigned to {label}, due {due}.", "success")
        return redirect(url_for("assignments.assignments"))
    status = 422 if form.errors else 200
    return render_template(
        "admin/assignments.html", form=form, assignments=services.all_assignments()
    ), status


@bp.post("/assignments/<int:assignment_id>/delete")
@roles_required(Role.ADMIN)
def delete_assignment(assignment_id: int) -> Response:
    services.remove(db.session.get(Assignment, assignment_id) or abort(404))
    flash("The assignment is removed.", "success")
    return redirect(url_for("assignments.assignments"))
