"""Administrators add, edit and deactivate people, and issue invitation and reset links."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from course.accounts import create_user
from course.admin import bp
from course.admin.forms import EditPersonForm, PersonForm
from course.admin.paging import paginate
from course.admin.units import unit_choices
from course.audit import record
from course.auth import services as accounts
from course.extensions import db
from course.models import OrgUnit, Role, User
from course.security import roles_required

PAGE_SIZE = 50


def _render(form: PersonForm, link: str | None = None, status: int = 200) -> tuple[str, int]:
    search = request.args.get("q", "").strip()
    query = select(User).options(selectinload(User.unit)).order_by(User.name)
    if search:
        needle = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(needle), User.email.like(needle)))
    page = paginate(query, PAGE_SIZE, scalars=True)
    return render_template("admin/people.html", page=page, search=search, form=form, link=link), status


def _new_form(*, blank: bool = False) -> PersonForm:
    form = PersonForm(formdata=None) if blank else PersonForm()
    form.unit.choices = unit_choices()
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
            user = create_user(
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data,
                job_role=form.job_role.data,
                unit=db.session.get(OrgUnit, form.unit.data),
            )
        except ValueError as error:
            form.email.errors = [str(error)]
        else:
            db.session.flush()
            record("person.created", subject=f"user:{user.id}", email=user.email, role=user.role)
            return _render(_new_form(blank=True), link=_link(user, accounts.INVITE))
    return _render(form, status=422)


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_person(user_id: int) -> str | Response | tuple[str, int]:
    person = db.session.get(User, user_id) or abort(404)
    form = EditPersonForm(obj=person, unit=person.unit_id)
    form.unit.choices = unit_choices()
    if form.validate_on_submit():
        email = accounts.normalise_email(form.email.data or "")
        taken = db.session.scalar(select(User.id).where(User.email == email, User.id != person.id))
        if taken is not None:
            form.email.errors = [f"An account with the email {email} already exists."]
        elif person.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors = ["You cannot remove your own administrator access or deactivate yourself."]
        else:
            changes = _apply(person, form, email)
            record("person.updated", subject=f"user:{person.id}", changes=changes)
            db.session.commit()
            flash(f"{person.name}'s details are saved.", "success")
            return redirect(url_for("admin.learner", user_id=person.id))
    return render_template("admin/edit_person.html", form=form, person=person), 422 if form.errors else 200


def _apply(person: User, form: EditPersonForm, email: str) -> dict[str, dict[str, object]]:
    new = {
        "name": (form.name.data or "").strip(),
        "email": email,
        "job_role": form.job_role.data,
        "role": form.role.data,
        "unit_id": form.unit.data,
        "active": bool(form.active.data),
    }
    changes = {k: {"from": getattr(person, k), "to": v} for k, v in new.items() if getattr(person, k) != v}
    for key, value in new.items():
        setattr(person, key, value)
    if "active" in changes or "role" in changes:
        accounts.end_sessions(person)  # a change of access takes effect at once
    return changes


@bp.post("/people/<int:user_id>/reset-link")
@roles_required(Role.ADMIN)
def reset_link(user_id: int) -> str:
    user = db.session.get(User, user_id) or abort(404)
    purpose = accounts.INVITE if user.password_hash is None else accounts.RESET
    return render_template("admin/link.html", user=user, link=_link(user, purpose), purpose=purpose)


def _link(user: User, purpose: str) -> str:
    config = current_app.config
    if purpose == accounts.INVITE:
        valid, endpoint = timedelta(days=config["INVITATION_DAYS"]), "auth.accept_invitation"
    else:
        valid, endpoint = timedelta(hours=config["RESET_HOURS"]), "auth.reset_password"
    token = accounts.issue_token(user, purpose, valid, issued_by=current_user._get_current_object())
    return url_for(endpoint, token=token, _external=True)
