"""Learners: a filtered, sorted, paginated list, and one learner's full record."""

from __future__ import annotations

from flask import render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from course import org
from course.admin import bp
from course.admin.common import STAFF, person_in_scope, report_context
from course.admin.paging import paginate
from course.admin.status import in_scope, learner_rows, units_under
from course.admin.units import unit_choices
from course.audit import trail_for
from course.content import current_course
from course.extensions import db
from course.formfields import HtmlDateField
from course.models import ConfidenceRating, JobRole, OrgUnit, QuizAttempt
from course.records import services as records
from course.records.rules import Status
from course.security import bounded_int, roles_required

PAGE_SIZE = 50
SORTS = {"name": "name", "unit": "unit_name", "status": "status", "due": "due_on"}


class LearnerFilters(FlaskForm):
    class Meta:
        csrf = False  # a search form: it reads, never writes

    q = SearchField("Name or email", validators=[Optional()])
    unit = SelectField("Unit (and units within it)", coerce=bounded_int, validators=[Optional()])
    job_role = SelectField(
        "Job role", choices=[SelectChoice("", "Any"), *(SelectChoice(j.value, j.label) for j in JobRole)]
    )
    status = SelectField(
        "Status", choices=[SelectChoice("", "Any"), *(SelectChoice(s.value, s.value) for s in Status)]
    )
    due_before = HtmlDateField("Due on or before", validators=[Optional()])
    sort = SelectField(
        "Sort by",
        choices=[
            SelectChoice("name", "Name"),
            SelectChoice("unit", "Unit"),
            SelectChoice("status", "Status"),
            SelectChoice("due", "Due date"),
        ],
    )


@bp.get("/learners")
@roles_required(*STAFF)
def learners() -> str:
    ctx = report_context()
    form = LearnerFilters(request.args)
    form.unit.choices = [SelectChoice(0, "All units"), *unit_choices(ctx.scope)]
    form.validate()
    rows = in_scope(learner_rows(ctx.today, ctx.window_days), ctx.scope).subquery()
    query = select(rows)
    if form.q.data:
        needle = f"%{form.q.data.strip().lower()}%"
        query = query.where(or_(func.lower(rows.c.name).like(needle), func.lower(rows.c.email).like(needle)))
    if form.unit.data:
        unit = db.session.get(OrgUnit, form.unit.data)
        query = query.where(rows.c.unit_id.in_(units_under(unit.path if unit else "/none/")))
    if form.job_role.data:
        query = query.where(rows.c.job_role == form.job_role.data)
    if form.status.data:
        query = query.where(rows.c.status == form.status.data)
    if form.due_before.data:
        query = query.where(rows.c.due_on <= form.due_before.data)
    order = rows.c[SORTS.get(form.sort.data or "name", "name")]
    page = paginate(query.order_by(order.is_(None), order, rows.c.name), PAGE_SIZE)
    return render_template("admin/learners.html", form=form, page=page)


@bp.get("/learners/<int:user_id>")
@roles_required(*STAFF)
def learner(user_id: int) -> str:
    person = person_in_scope(user_id)
    state = records.learner_state(person, current_course(), org.settings(), report_context().today)
    attempts = db.session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == person.id, QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc())
    ).all()
    ratings = db.session.scalars(
        select(ConfidenceRating)
        .where(ConfidenceRating.user_id == person.id)
        .order_by(ConfidenceRating.module_id)
    ).all()
    return render_template(
        "admin/learner.html",
        person=person,
        state=state,
        attempts=attempts,
        ratings=ratings,
        completions=records.all_completions(person),
        trail=trail_for(f"user:{person.id}"),
    )
