"""Sign in, sign out, set a password from a link, change password. Views stay thin."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from course.accounts import services
from course.auth import bp
from course.auth.forms import ChangePasswordForm, NewPasswordForm, SignInForm
from course.database import utcnow
from course.extensions import limiter
from course.security import login_limit, next_or
from course.sso import services as sso
from course.twofactor import routes as twofactor
from course.twofactor import services as second_factor

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
            address=request.remote_addr or "",
            policy=services.FailurePolicy.from_config(current_app.config),
            second_step=second_factor.asked_for,
        )
        if user is not None and not sso.password_sign_in_allowed(user):
            form.form_errors.append(USE_SSO)
        elif user is not None:
            # The session starts now, or after the second factor (set up first if the person has none).
            return twofactor.after_password(
                user, remember=bool(form.remember.data), next_url=next_or("") or None
            )
        else:
            form.form_errors.append(SIGN_IN_FAILED)
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
@login_required
def logout() -> Response:
    services.sign_out(current_user._get_current_object())
    id_token = session.get(sso.ID_TOKEN)
    logout_user()
    session.clear()
    flash("You have signed out. Your progress is saved.", "success")
    provider = sso.provider_sign_out_url(id_token, return_to=url_for("auth.login", _external=True))
    return redirect(provider or url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"])
def change_password() -> str | Response:
    user = current_user._get_current_object()
    form = ChangePasswordForm(personal=(user.email, user.name))
    if form.validate_on_submit():
        problem = services.current_password_problem(
            user,
            form.current.data or "",
            address=request.remote_addr or "",
            policy=services.FailurePolicy.from_config(current_app.config),
        )
        if problem:
            form.current.errors = [problem]
        else:
            services.change_password(user, form.password.data or "")
            login_user(user)  # this session carries on; all others end
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("learning.home"))
    return render_template("auth/change_password.html", form=form)


# The token of an invitation or reset link is taken out of the address at once: the view puts the
# link's digest in the (signed) session for LINK_MINUTES and redirects to an address without it, so
# the token is in no later request, access log, browser history or Referer.
LINK, LINK_MINUTES = "account_link", 15


def _swap_token(purpose: str, token: str, form_endpoint: str) -> str | Response:
    try:
        services.usable_token(token, purpose)
    except services.TokenProblem as problem:
        return render_template("auth/link_problem.html", message=str(problem)), 410  # type: ignore[return-value]
    until = utcnow() + timedelta(minutes=LINK_MINUTES)
    session[LINK] = {"digest": services.link_digest(token), "purpose": purpose, "until": until.timestamp()}
    return redirect(url_for(form_endpoint), code=303)


def _set_password(purpose: str, heading: str) -> str | Response:
    held = session.get(LINK)
    try:
        if (
            not isinstance(held, dict)
            or held.get("purpose") != purpose
            or held["until"] < utcnow().timestamp()
        ):
            raise services.TokenProblem(
                "This page has timed out, or was opened without its link. Open the link from your "
                "message again; it works until it is used or expires."
            )
        found = services.usable_link(str(held["digest"]), purpose)
    except services.TokenProblem as problem:
        return render_template("auth/link_problem.html", message=str(problem)), 410  # type: ignore[return-value]
    form = NewPasswordForm(personal=(found.user.email, found.user.name))
    if form.validate_on_submit():
        try:
            user = services.redeem_token(found, form.password.data or "")
        except services.TokenProblem as problem:
            return render_template("auth/link_problem.html", message=str(problem)), 410  # type: ignore[return-value]
        onward = twofactor.after_password(user, remember=False, next_url=None)
        flash("Your password is set. Welcome.", "success")  # after: starting a session clears the old
        return onward
    return render_template("auth/set_password.html", form=form, heading=heading, user=found.user)


@bp.get("/invitation/<token>")
def accept_invitation(token: str) -> str | Response:
    return _swap_token(services.INVITE, token, "auth.set_up_account")


@bp.route("/invitation", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def set_up_account() -> str | Response:
    return _set_password(services.INVITE, "Set up your account")


@bp.get("/reset/<token>")
def reset_password(token: str) -> str | Response:
    return _swap_token(services.RESET, token, "auth.choose_password")


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def choose_password() -> str | Response:
    return _set_password(services.RESET, "Choose a new password")
