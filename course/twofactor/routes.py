"""Two-step verification pages: the code at sign-in (or a recovery code), setting up an authenticator,
the recovery codes shown once, the person's own settings page, and an administrator's reset."""

from __future__ import annotations

import segno
from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from course import org
from course.accounts import sessions
from course.accounts.services import FailurePolicy
from course.extensions import db, limiter
from course.models import Role, SecondFactor, User
from course.security import login_limit, roles_required
from course.twofactor import bp, pending, rules, services
from course.twofactor.forms import ButtonForm, CodeForm, EnrolForm, RecoveryForm, SavedForm, TurnOffForm

TIMED_OUT = (
    "Your sign-in timed out: the code must be entered within 5 minutes of your password. Sign in again."
)


def after_password(user: User, *, remember: bool, next_url: str | None) -> Response:
    """The password was right: start the session, or first ask for the second factor (setting one up
    when the person has none yet)."""
    if not services.asked_for(user):
        sessions.begin(user, remember=remember)
        return redirect(next_url or url_for("learning.home"))
    pending.hold(user, remember=remember, next_url=next_url)
    if services.enrolled(user):
        return redirect(url_for("twofactor.code"))
    return redirect(url_for("twofactor.set_up_at_sign_in"))


def _waiting() -> pending.Pending | Response:
    waiting = pending.current()
    if waiting is None:
        timed_out = pending.over()
        pending.abandon()
        if timed_out:
            flash(TIMED_OUT, "info")
        return redirect(url_for("auth.login"))
    return waiting


def _policy() -> FailurePolicy:
    return FailurePolicy.from_config(current_app.config)


def _done(waiting: pending.Pending, method: str, message: str | None = None) -> Response:
    services.signed_in(waiting.user, method=method)
    onward = redirect(pending.finish(waiting) or url_for("learning.home"))
    if message:
        flash(message, "info")  # after: starting the session clears the old one, flashes too
    return onward


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def code() -> str | Response | tuple[str, int]:
    waiting = _waiting()
    if isinstance(waiting, Response):
        return waiting
    if not services.enrolled(waiting.user):
        return redirect(url_for("twofactor.set_up_at_sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        problem = services.check_code(
            waiting.user, form.code.data or "", address=request.remote_addr or "", policy=_policy()
        )
        if problem is None:
            return _done(waiting, "authenticator app")
        form.code.errors = [problem]
    return render_template("twofactor/code.html", form=form), 422 if form.errors else 200


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def recovery_code() -> str | Response | tuple[str, int]:
    waiting = _waiting()
    if isinstance(waiting, Response):
        return waiting
    form = RecoveryForm()
    if form.validate_on_submit():
        problem = services.use_recovery_code(
            waiting.user, form.code.data or "", address=request.remote_addr or "", policy=_policy()
        )
        if problem is None:
            left = services.remaining_codes(waiting.user)
            return _done(
                waiting,
                "recovery code",
                f"You signed in with a recovery code; {left} of them {'is' if left == 1 else 'are'} left. "
                "If you no longer have your authenticator app, set up a new one on the "
                "Two-step verification page.",
            )
        form.code.errors = [problem]
    return render_template("twofactor/recovery_code.html", form=form), 422 if form.errors else 200


def _secret_being_set_up() -> str:
    """The secret shown on the setting-up page: made once, kept in the signed session until confirmed."""
    secret = session.get(pending.SETTING_UP)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = services.new_secret()
        session[pending.SETTING_UP] = secret
    return secret


def _set_up_page(user: User, form: EnrolForm, *, at_sign_in: bool) -> tuple[str, int]:
    secret = _secret_being_set_up()
    uri = rules.provisioning_uri(secret, account=user.email, issuer=org.settings().org_name)
    qr = segno.make(uri, error="m").svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        title="QR code for your authenticator app",
    )
    qr = qr.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1)
    page = render_template(
        "twofactor/set_up.html",
        form=form,
        qr=Markup(qr),  # noqa: S704  (segno's own SVG of a URI built here; nothing typed goes into it)
        secret=rules.grouped(secret),
        issuer=org.settings().org_name,
        account=user.email,
        at_sign_in=at_sign_in,
        replacing=services.enrolled(user),
    )
    return page, 422 if form.errors else 200


def _codes_page(codes: list[str], *, at_sign_in: bool) -> str:
    return render_template(
        "twofactor/recovery_codes.html", codes=codes, form=SavedForm(), at_sign_in=at_sign_in
    )


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def set_up_at_sign_in() -> str | Response | tuple[str, int]:
    waiting = _waiting()
    if isinstance(waiting, Response):
        return waiting
    if services.enrolled(waiting.user):  # set up already (perhaps moments ago, on this page)
        return redirect(url_for("twofactor.code"))
    form = EnrolForm()
    if form.validate_on_submit():
        result = services.enrol(waiting.user, _secret_being_set_up(), form.code.data or "")
        if isinstance(result, list):
            pending.mark_enrolled()
            return _codes_page(result, at_sign_in=True)
        form.code.errors = [result]
    return _set_up_page(waiting.user, form, at_sign_in=True)


@bp.post("/sign-in/codes-saved")
def codes_saved_at_sign_in() -> Response:
    waiting = _waiting()
    if isinstance(waiting, Response):
        return waiting
    if not waiting.enrolled_now or not services.enrolled(waiting.user):
        return redirect(url_for("twofactor.code"))
    return _done(
        waiting,
        "authenticator app, just set up",
        "Two-step verification is set up. You will be asked for a code each time you sign in.",
    )


# The person's own page.


@bp.get("/account/two-step")
@login_required
def settings() -> str:
    user = current_user._get_current_object()
    return render_template(
        "twofactor/settings.html",
        factor=services.factor_for(user),
        required=services.required(user),
        left=services.remaining_codes(user),
        form=ButtonForm(),
        turn_off=TurnOffForm(),
    )


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"])
def set_up() -> str | Response | tuple[str, int]:
    user = current_user._get_current_object()
    form = EnrolForm()
    if form.validate_on_submit():
        result = services.enrol(user, _secret_being_set_up(), form.code.data or "")
        if isinstance(result, list):
            session.pop(pending.SETTING_UP, None)
            return _codes_page(result, at_sign_in=False)
        form.code.errors = [result]
    return _set_up_page(user, form, at_sign_in=False)


@bp.post("/account/two-step/recovery-codes")
@login_required
def new_recovery_codes() -> str | Response:
    user = current_user._get_current_object()
    if not services.enrolled(user):
        return redirect(url_for("twofactor.settings"))
    return _codes_page(services.replace_recovery_codes(user), at_sign_in=False)


@bp.post("/account/two-step/turn-off")
@login_required
@limiter.limit(login_limit)
def turn_off() -> str | Response | tuple[str, int]:
    user = current_user._get_current_object()
    if services.required(user):
        flash("Two-step verification is required for your account, so it cannot be turned off.", "info")
        return redirect(url_for("twofactor.settings"))
    form = TurnOffForm()
    if form.validate_on_submit():
        problem = services.check_code(
            user, form.code.data or "", address=request.remote_addr or "", policy=_policy()
        )
        if problem is None:
            services.turn_off(user)
            flash("Two-step verification is off. You can set it up again at any time.", "success")
            return redirect(url_for("twofactor.settings"))
        form.code.errors = [problem]
    page = render_template(
        "twofactor/settings.html",
        factor=services.factor_for(user),
        required=False,
        left=services.remaining_codes(user),
        form=ButtonForm(),
        turn_off=form,
    )
    return page, 422


# An administrator's reset of another person's factor.


@bp.post("/admin/people/<int:user_id>/two-step/reset")
@roles_required(Role.ADMIN)
def reset(user_id: int) -> Response:
    person = db.session.get(User, user_id) or abort(404)
    if person.id == current_user.id:
        flash(
            "You cannot reset your own two-step verification here. Use your Two-step verification page, "
            "or ask another administrator.",
            "info",
        )
    else:
        services.reset(person, actor=current_user._get_current_object())
        flash(
            f"{person.name}'s two-step verification is reset and they are signed out. They will set up "
            "an authenticator app again the next time they sign in.",
            "success",
        )
    return redirect(url_for("people.edit_person", user_id=person.id))


@bp.app_template_global("second_factor_for")
def second_factor_for(person: User) -> SecondFactor | None:
    """On an administrator's page about a person: their authenticator, if they have set one up."""
    return services.factor_for(person)
