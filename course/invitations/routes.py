"""Invitations for administrators; "Forgotten your password?" for everyone. Views stay thin."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course.accounts.services import normalise_email
from course.extensions import db, limiter
from course.invitations import bp, services
from course.invitations.forms import ForgottenPasswordForm, InviteForm, SendLinkForm
from course.invitations.rules import INVITE
from course.models import Role, User
from course.paging import paginate
from course.security import bounded_int, roles_required

PAGE_SIZE = 50


@bp.app_template_global("invitation_summary")
def invitation_summary() -> services.Summary:
    """For the people page: who is waiting for an invitation, and whether mail is waiting to go."""
    return services.summary()


@bp.get("/admin/invitations")
@roles_required(Role.ADMIN)
def invitations() -> str:
    search = request.args.get("q", "").strip()[:200]
    page = paginate(services.invitation_list(search), PAGE_SIZE)
    return render_template(
        "invitations/invitations.html",
        page=page,
        search=search,
        rows=services.as_rows(page.items),
        summary=services.summary(),
        form=InviteForm(formdata=None),
        send_form=SendLinkForm(formdata=None),
    )


@bp.post("/admin/invitations")
@roles_required(Role.ADMIN)
def invite_pending() -> Response:
    form = InviteForm()
    if form.validate_on_submit():
        sent = services.invite_pending(
            issued_by=current_user._get_current_object(), resend_expired=bool(form.resend_expired.data)
        )
        count = len(sent)
        flash(
            f"{count} invitation{'' if count == 1 else 's'} queued. They go out with the next mail delivery."
            if count
            else "Everyone has been invited already.",
            "success",
        )
    return redirect(url_for("invitations.invitations"))


@bp.post("/admin/invitations/<int:user_id>/send")
@roles_required(Role.ADMIN)
def send_link(user_id: int) -> Response:
    user = db.session.get(User, user_id) or abort(404)
    if SendLinkForm().validate_on_submit():
        if not user.active:
            flash(f"{user.name}'s account is deactivated: reactivate it first.", "error")
        else:
            purpose = services.send_link(user, issued_by=current_user._get_current_object())
            what = "An invitation" if purpose == INVITE else "A password reset link"
            flash(f"{what} is on its way to {user.email}. Any earlier link stops working.", "success")
    number = request.args.get("page", 1, type=bounded_int) or 1
    return redirect(url_for("invitations.invitations", page=number, q=request.args.get("q") or None))


def _ip_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _address_limit() -> str:
    return str(current_app.config["RESET_EMAIL_RATE_LIMIT"])


def _address_key() -> str:
    """Throttle by the address asked about, wherever the requests come from."""
    return "reset:" + normalise_email(str(request.form.get("email", "")))[:254]


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"])
@limiter.limit(_address_limit, methods=["POST"], key_func=_address_key)
def forgotten_password() -> str | tuple[str, int]:
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        services.request_reset(form.email.data or "")
        return render_template("invitations/forgotten_sent.html", email=form.email.data)
    return render_template("invitations/forgotten.html", form=form), 422 if form.errors else 200
