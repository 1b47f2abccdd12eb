"""Sign in, sign out, set a password from a link, change password. Views stay thin."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from course.accounts import services
from course.accounts.passwords import verify_password
from course.auth import bp
from course.auth.forms import ChangePasswordForm, NewPasswordForm, SignInForm
from course.extensions import db, limiter
from course.security import login_limit, next_or
from course.sso import services as sso

# One answer for an unknown email, a wrong password and a paused account, so the page never
# tells a stranger which emails have accounts.
SIGN_IN_FAILED = (
    "The email address or password is not right, or sign-in is paused after several unsuccessful "
    "tries. Check them and try again in a few minutes, or ask your training lead for a reset link."
)
# Said only after the right password, so it tells a stranger nothing.
USE_SSO = "Your organisation has you sign in with its own account: use the button above."


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("learning.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(
            form.email.data or "",
            form.password.data or "",
            threshold=current_app.config["LOCKOUT_THRESHOLD"],
            lockout=timedelta(minutes=current_app.config["LOCKOUT_MINUTES"]),
        )
        if user is not None and not sso.password_sign_in_allowed(user):
            form.form_errors.append(USE_SSO)
        elif user is not None:
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            login_user(user)
            return redirect(next_or(url_for("learning.home")))
        else:
            form.form_errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@login_required
def logout() -> Response:
    services.end_sessions(current_user._get_current_object())
    db.session.commit()
    id_token = session.get(sso.ID_TOKEN)
    logout_user()
    session.clear()
    flash("You have signed out. Your progress is saved.", "success")
    provider = sso.provider_sign_out_url(id_token, return_to=url_for("auth.login", _external=True))
    return redirect(provider or url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    user = current_user._get_current_object()
    form = ChangePasswordForm(personal=(user.email, user.name))
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data or ""):
            form.current.errors = ["Your current password is not right."]
        else:
            services.change_password(user, form.password.data or "")
            login_user(user)  # this session carries on; all others end
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("learning.home"))
    return render_template("auth/change_password.html", form=form)


def _set_password(purpose: str, token: str, heading: str) -> str | Response:
    try:
        found = services.usable_token(token, purpose)
    except services.TokenProblem as problem:
        return render_template("auth/link_problem.html", message=str(problem)), 410  # type: ignore[return-value]
    form = NewPasswordForm(personal=(found.user.email, found.user.name))
    if form.validate_on_submit():
        try:
            user = services.redeem_token(found, form.password.data or "")
        except services.TokenProblem as problem:
            return render_template("auth/link_problem.html", message=str(problem)), 410  # type: ignore[return-value]
        session.clear()
        login_user(user)
        flash("Your password is set. Welcome.", "success")
        return redirect(url_for("learning.home"))
    return render_template("auth/set_password.html", form=form, heading=heading, user=found.user)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def accept_invitation(token: str) -> str | Response:
    return _set_password(services.INVITE, token, "Set up your account")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token: str) -> str | Response:
    return _set_password(services.RESET, token, "Choose a new password")
