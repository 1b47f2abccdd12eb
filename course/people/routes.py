"""Administrators add, edit and deactivate people, and issue invitation and reset links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course.auth import services as accounts
from course.extensions import db
from course.models import Role, User
from course.paging import paginate
from course.people import bp, services
from course.people.forms import EditPersonForm, PersonForm
from course.security import roles_required

PAGE_SIZE = 50


def _render(form: PersonForm, link: str | None = None, status: int = 200) -> tuple[str, int]:
    search = request.args.get("q", "").strip()
    page = paginate(services.people_matching(search), PAGE_SIZE, scalars=True)
    return render_template("admin/people.html", page=page, search=search, form=form, link=link), status


def _new_form(*, blank: bool = False) -> PersonForm:
    form = PersonForm(formdata=None) if blank else PersonForm()
    form.unit.choices = services.unit_choices()
    return form


@bp.get("/people")
@roles_required(Role.ADMIN)
def people() -> tuple[str, int]:
    return _render(_new_form())


@bp.post("/people")
@roles_required(Role.ADMIN)
def add_person() -> tuple[str, int]:
    form = _new_form()
    if form.validate_on_submit():
        try:
            user = services.add_person(
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data,
                job_role=form.job_role.data,
                unit_id=form.unit.data,
            )
        except services.EmailTaken as error:
            form.email.errors = [str(error)]
        else:
            _, link = services.account_link(user, issued_by=current_user)
            return _render(_new_form(blank=True), link=link)
    return _render(form, status=422)


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_person(user_id: int) -> str | Response | tuple[str, int]:
    person = db.session.get(User, user_id) or abort(404)
    form = EditPersonForm(obj=person, unit=person.unit_id)
    form.unit.choices = services.unit_choices()
    if form.validate_on_submit():
        if person.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors = ["You cannot remove your own administrator access or deactivate yourself."]
        else:
            try:
                services.update_person(person, form.changes())
            except services.EmailTaken as error:
                form.email.errors = [str(error)]
            else:
                flash(f"{person.name}'s details are saved.", "success")
                return redirect(url_for("reporting.learner", user_id=person.id))
    return render_template(
        "admin/edit_person.html", form=form, person=person, waiting=accounts.failing_addresses(person)
    ), 422 if form.errors else 200


@bp.post("/people/<int:user_id>/sign-in-failures/clear")
@roles_required(Role.ADMIN)
def clear_sign_in_failures(user_id: int) -> Response:
    person = db.session.get(User, user_id) or abort(404)
    accounts.clear_sign_in_failures(person, actor=current_user._get_current_object())
    flash(f"{person.name} can try their password again now from every address.", "success")
    return redirect(url_for("people.edit_person", user_id=person.id))


@bp.post("/people/<int:user_id>/reset-link")
@roles_required(Role.ADMIN)
def reset_link(user_id: int) -> str:
    user = db.session.get(User, user_id) or abort(404)
    purpose, link = services.account_link(user, issued_by=current_user)
    return render_template("admin/link.html", user=user, link=link, purpose=purpose)
