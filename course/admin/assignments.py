"""Assigning the course, with a due date, to units, job roles or people."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import EmailField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from course.admin import bp
from course.admin.units import unit_choices
from course.audit import record
from course.auth.services import find_user_by_email
from course.database import utcnow
from course.extensions import db
from course.formfields import HtmlDateField
from course.models import Assignment, JobRole, OrgUnit, Role
from course.security import roles_required


class AssignmentForm(FlaskForm):
    target = RadioField(
        "Assign to",
        choices=[
            SelectChoice("unit", "A unit and the units within it"),
            SelectChoice("job_role", "A job role"),
            SelectChoice("person", "One person"),
        ],
        default="unit",
        validators=[DataRequired("Choose who the course is assigned to.")],
    )
    unit = SelectField("Unit", coerce=int)
    job_role = SelectField("Job role", choices=[SelectChoice(j.value, j.label) for j in JobRole])
    email = EmailField("Person's email address")
    due_on = HtmlDateField(
        "Due date", validators=[DataRequired("Enter the due date, for example 31/01/2027.")]
    )
    submit = SubmitField("Assign the course")

    def validate_due_on(self, field: HtmlDateField) -> None:
        if field.data and field.data < utcnow().date():
            raise ValidationError("The due date is in the past. Choose today or a later date.")

    def validate_email(self, field: EmailField) -> None:
        if self.target.data == "person":
            if not field.data:
                raise ValidationError("Enter the email address of the person.")
            if find_user_by_email(field.data) is None:
                raise ValidationError("No account has that email address. Add the person first.")


def _form() -> AssignmentForm:
    form = AssignmentForm()
    form.unit.choices = unit_choices()
    return form


def _existing() -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .options(selectinload(Assignment.unit), selectinload(Assignment.user))
            .order_by(Assignment.due_on)
        )
    )


@bp.route("/assignments", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def assignments() -> str | Response | tuple[str, int]:
    form = _form()
    if form.validate_on_submit():
        due: date = form.due_on.data
        assignment = Assignment(due_on=due, assigned_by_id=current_user.id)
        if form.target.data == "unit":
            unit = db.session.get(OrgUnit, form.unit.data) or abort(400, "Choose a unit from the list.")
            assignment.unit_id, label = unit.id, f"unit {unit.name}"
        elif form.target.data == "job_role":
            assignment.job_role, label = form.job_role.data, f"job role {form.job_role.data}"
        else:
            person = find_user_by_email(form.email.data or "") or abort(400, "No account has that email.")
            assignment.user_id, label = person.id, person.email
        db.session.add(assignment)
        record("assignment.created", subject=label, due_on=due.isoformat())
        db.session.commit()
        flash(f"The course is assigned to {label}, due {due.strftime('%-d %B %Y')}.", "success")
        return redirect(url_for("admin.assignments"))
    status = 422 if form.errors else 200
    return render_template("admin/assignments.html", form=form, assignments=_existing()), status


@bp.post("/assignments/<int:assignment_id>/delete")
@roles_required(Role.ADMIN)
def delete_assignment(assignment_id: int) -> Response:
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    record("assignment.deleted", subject=f"assignment:{assignment.id}", due_on=assignment.due_on.isoformat())
    db.session.delete(assignment)
    db.session.commit()
    flash("The assignment is removed.", "success")
    return redirect(url_for("admin.assignments"))
