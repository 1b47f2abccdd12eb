"""Administrators add, edit and deactivate people, and issue invitation and reset links."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from course.accounts import services as accounts
from course.extensions import db
from course.models import OrgUnit, Role, User
from course.paging import paginate
from course.people import bp, services
from course.people.forms import EditPersonForm, PersonForm, UnitForm
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
    if not form.unit.choices:  # rather than WTForms' "Invalid Choice: could not coerce"
        form.validate_on_submit()
        form.unit.errors = ["There are no units yet. Add the organisation's units first."]
    elif form.validate_on_submit():
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
    form = EditPersonForm.for_person(person)
    form.unit.choices = services.unit_choices(keep=person.unit_id)
    if form.validate_on_submit():
        if person.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors = ["You cannot remove your own administrator access or deactivate yourself."]
        else:
            try:
                services.update_person(person, form.changes())
            except services.EmailTaken as error:
                form.email.errors = [str(error)]
            except services.StaffNumberTaken as error:
                form.staff_number.errors = [str(error)]
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


TOP = 0  # the parent choice for a unit at the top of the organisation


def _unit_form(unit: OrgUnit | None = None) -> UnitForm:
    if unit is None:
        form = UnitForm()
    else:
        form = UnitForm(data={"name": unit.name, "kind": unit.kind, "parent": unit.parent_id or TOP})
    choices = services.unit_choices()
    if unit is not None:  # a unit cannot go inside itself or its own units
        choices = [choice for choice in choices if choice.value not in _subtree_ids(unit)]
    form.parent.choices = [SelectChoice(TOP, "Top of the organisation"), *choices]
    return form


def _subtree_ids(unit: OrgUnit) -> set[int]:
    return set(db.session.scalars(services.units_under(unit.path)))


@bp.route("/units", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def units() -> str | Response | tuple[str, int]:
    form = _unit_form()
    if form.validate_on_submit():
        try:
            unit = services.create_unit(form.name.data or "", form.kind.data, form.parent.data or None)
        except services.UnitProblem as problem:
            form.parent.errors = [str(problem)]
        else:
            flash(f"{unit.name} is added.", "success")
            return redirect(url_for("people.units"))
    page = render_template("people/units.html", form=form, tree=services.unit_tree())
    return page, 422 if form.errors else 200


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_unit(unit_id: int) -> str | Response | tuple[str, int]:
    unit = db.session.get(OrgUnit, unit_id) or abort(404)
    form = _unit_form(unit)
    if form.validate_on_submit():
        try:
            services.change_unit(
                unit, name=form.name.data or "", kind=form.kind.data, parent_id=form.parent.data or None
            )
        except services.UnitProblem as problem:
            form.parent.errors = [str(problem)]
        else:
            flash(f"{unit.name} is saved.", "success")
            return redirect(url_for("people.units"))
    return render_template("people/unit.html", form=form, unit=unit), 422 if form.errors else 200


@bp.post("/units/<int:unit_id>/retire")
@roles_required(Role.ADMIN)
def retire_unit(unit_id: int) -> Response:
    unit = db.session.get(OrgUnit, unit_id) or abort(404)
    retired = services.retire_unit(unit)
    flash(
        f"{unit.name} is retired ({retired} unit{'' if retired == 1 else 's'}). "
        "Its people and records are kept.",
        "success",
    )
    return redirect(url_for("people.units"))


@bp.post("/units/<int:unit_id>/restore")
@roles_required(Role.ADMIN)
def restore_unit(unit_id: int) -> Response:
    unit = db.session.get(OrgUnit, unit_id) or abort(404)
    try:
        services.restore_unit(unit)
    except services.UnitProblem as problem:
        flash(str(problem), "error")
    else:
        flash(f"{unit.name} is back in use.", "success")
    return redirect(url_for("people.units"))


@bp.post("/units/<int:unit_id>/delete")
@roles_required(Role.ADMIN)
def delete_unit(unit_id: int) -> Response:
    unit = db.session.get(OrgUnit, unit_id) or abort(404)
    name = unit.name
    try:
        services.delete_unit(unit)
    except services.UnitProblem as problem:
        flash(str(problem), "error")
    else:
        flash(f"{name} is deleted.", "success")
    return redirect(url_for("people.units"))
