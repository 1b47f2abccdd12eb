"""Sign in with the organisation's provider, the failure pages, the settings and unlinking. Thin views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from course.accounts import sessions
from course.extensions import db, limiter
from course.models import OrgUnit, Role, User
from course.security import login_limit, roles_required
from course.sso import bp, rules, services
from course.sso.forms import SsoSettingsForm

NO_UNIT = 0


def _problem(failure: services.SsoFailure) -> tuple[str, int]:
    services.record_failure(failure)
    problem = rules.PROBLEMS[failure.reason]
    return render_template("sso/problem.html", problem=problem), problem.status


def _require_enabled() -> None:
    if not services.enabled():
        abort(404)


@bp.get("/sign-in")
@limiter.limit(login_limit)
def begin() -> Response | tuple[str, int]:
    _require_enabled()
    if current_user.is_authenticated:
        return redirect(url_for("learning.home"))
    try:
        return services.begin(url_for("sso.callback", _external=True))
    except services.SsoFailure as failure:
        return _problem(failure)


@bp.get("/callback")
@limiter.limit(login_limit)
def callback() -> Response | tuple[str, int]:
    _require_enabled()
    try:
        claims, id_token = services.finish(request.args)
        user = services.sign_in(claims)
    except services.SsoFailure as failure:
        return _problem(failure)
    sessions.begin(user)  # a fresh session, its clocks started: nothing carried over
    services.remember_id_token(id_token)
    return redirect(url_for("learning.home"))


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings() -> str | Response | tuple[str, int]:
    current = services.settings()
    form = SsoSettingsForm(
        password_off=not current.linked_password_sign_in, default_unit=current.default_unit_id or NO_UNIT
    )
    units = db.session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))
    form.default_unit.choices = [(NO_UNIT, "No unit"), *((row.id, row.name) for row in units)]
    if form.validate_on_submit():
        changed = services.save_settings(
            linked_password_sign_in=not form.password_off.data,
            default_unit_id=form.default_unit.data or None,
        )
        flash("Single sign-on settings saved." if changed else "Nothing changed.", "success")
        return redirect(url_for("sso.settings"))
    return render_template("sso/settings.html", form=form), 422 if form.errors else 200


@bp.post("/people/<int:user_id>/unlink")
@roles_required(Role.ADMIN)
def unlink(user_id: int) -> Response:
    person = db.session.get(User, user_id) or abort(404)
    if services.unlink(person):
        flash(f"{person.name}'s single sign-on link is removed.", "success")
    else:
        flash(f"{person.name} has no single sign-on link.", "info")
    return redirect(url_for("people.edit_person", user_id=person.id))
