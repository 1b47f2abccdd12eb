"""Administrators add people and issue invitation and reset links."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from course.accounts import create_user
from course.admin import bp
from course.admin.forms import PersonForm
from course.auth import services as accounts
from course.extensions import db
from course.models import OrgUnit, Role, User
from course.security import roles_required


def _unit_choices() -> list[SelectChoice]:
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.path)).all()
    return [SelectChoice(u.id, "— " * (u.path.count("/") - 2) + u.name) for u in units]


@bp.get("/people")
@roles_required(Role.ADMIN)
def people() -> str:
    users = db.session.scalars(select(User).order_by(User.name).limit(200)).all()
    form = PersonForm()
    form.unit.choices = _unit_choices()
    return render_template("admin/people.html", users=users, form=form)


@bp.post("/people")
@roles_required(Role.ADMIN)
def add_person() -> str | tuple[str, int]:
    form = PersonForm()
    form.unit.choices = _unit_choices()
    link = None
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
            link = _link(user, accounts.INVITE)
            form = PersonForm(formdata=None)
            form.unit.choices = _unit_choices()
    users = db.session.scalars(select(User).order_by(User.name).limit(200)).all()
    status = 200 if link or not form.errors else 422
    return render_template("admin/people.html", users=users, form=form, link=link), status


@bp.post("/people/<int:user_id>/reset-link")
@roles_required(Role.ADMIN)
def reset_link(user_id: int) -> str:
    user = db.session.get(User, user_id) or abort(404)
    return render_template("admin/link.html", user=user, link=_link(user, accounts.RESET))


def _link(user: User, purpose: str) -> str:
    config = current_app.config
    valid = (
        timedelta(days=config["INVITATION_DAYS"])
        if purpose == accounts.INVITE
        else timedelta(hours=config["RESET_HOURS"])
    )
    token = accounts.issue_token(user, purpose, valid, issued_by=current_user._get_current_object())
    endpoint = "auth.accept_invitation" if purpose == accounts.INVITE else "auth.reset_password"
    return url_for(endpoint, token=token, _external=True)
