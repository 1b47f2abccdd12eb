"""LTI views: the key set, login initiation, the launch, the frame fallback, the job-role question,
deep linking and the registrations page. Thin views; the checks live in services and rules."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from course.accounts import sessions
from course.content import current_course
from course.extensions import csrf, db, limiter
from course.lti import bp, rules, services
from course.lti.forms import NO_UNIT, DeepLinkForm, JobRoleForm, RegistrationForm, SwitchForm
from course.models import JobRole, LtiRegistration, Role, User
from course.security import (
    allow_framing_by,
    framed_by,
    is_safe_next,
    login_limit,
    policy_framed_by,
    roles_required,
)

FRAME = "lti-frame"  # what the signed frame parameter is for
DEEP_LINK = "lti-deep-link"
FRAME_MAX_AGE = 600  # seconds: from the launch to the course opening
COURSE = "course"  # the deep-linking choice for the whole course


def _signer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _in_frame(body: str, status: int, origins: list[str], *, form_target: str | None = None) -> Response:
    """A page the LMS may frame: frame-ancestors names only its origins."""
    response = current_app.make_response((body, status))
    policy = policy_framed_by(origins)
    if form_target:
        policy = policy.replace("form-action 'self'", f"form-action 'self' {rules.origin_of(form_target)}", 1)
    response.headers["Content-Security-Policy"] = policy
    return response


def _problem(failure: services.LtiFailure) -> tuple[str, int]:
    services.record_failure(failure)
    problem = rules.PROBLEMS[failure.reason]
    return render_template("lti/problem.html", problem=problem), problem.status


@bp.get("/jwks")
def jwks() -> Response:
    response = jsonify(services.jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # the platform starts the login from its own pages; the state it leads to is checked
@limiter.limit(login_limit)
def login() -> Response | tuple[str, int]:
    params = {key: value for key, value in request.values.items()}
    try:
        return redirect(services.start_login(params, launch_url=url_for("lti.launch", _external=True)))
    except services.LtiFailure as failure:
        return _problem(failure)


@bp.post("/launch")
@csrf.exempt  # a form post from the platform: the ID token's signature, nonce and state are the check
@limiter.limit(login_limit)
def launch() -> Response | tuple[str, int]:
    try:
        checked, registration = services.check_launch(
            request.form.get("id_token", ""), request.form.get("state", "")
        )
        origins = rules.frame_origins(
            issuer=registration.issuer,
            auth_login_url=registration.auth_login_url,
            return_url=checked.return_url,
        )
        if checked.message_type == rules.DEEP_LINKING:
            return _deep_link_page(checked, registration, origins)
        link = services.sign_in(checked, registration)
    except services.LtiFailure as failure:
        return _problem(failure)
    user = link.user
    destination = (
        url_for("learning.module", module_id=checked.module_id)
        if checked.module_id and current_course().module(checked.module_id)
        else url_for("learning.home")
    )
    sessions.begin(user)  # a fresh session, its clocks started: nothing carried over
    allow_framing_by(tuple(origins))
    frame = _signer(FRAME).dumps({"origins": origins, "next": destination})
    return redirect(url_for("lti.started", h=services.handoff_token(user), f=frame))


def _frame(value: str | None) -> dict[str, Any] | None:
    try:
        found = _signer(FRAME).loads(value or "", max_age=FRAME_MAX_AGE)
    except BadSignature:
        return None
    return found if isinstance(found, dict) else None


@bp.get("/started")
def started() -> Response | tuple[str, int]:
    """After a launch: the course when the frame kept the session cookie, otherwise a page that opens
    the course in a new window (some browsers keep no cookie in another site's frame)."""
    frame = _frame(request.args.get("f"))
    if frame is None:
        return _problem(services.LtiFailure("handoff"))
    if current_user.is_authenticated and framed_by():
        return _onward(current_user, frame["next"])
    open_url = url_for("lti.open_window", h=request.args.get("h", ""), f=request.args.get("f", ""))
    return _in_frame(render_template("lti/new_window.html", open_url=open_url), 200, frame["origins"])


@bp.get("/open")
@limiter.limit(login_limit)
def open_window() -> Response | tuple[str, int]:
    """The course in its own window, signed in by the launch's single-use link."""
    frame = _frame(request.args.get("f"))
    try:
        if frame is None:
            raise services.LtiFailure("handoff")
        user = services.redeem_handoff(request.args.get("h", ""))
    except services.LtiFailure as failure:
        return _problem(failure)
    sessions.begin(user)  # a fresh session, its clocks started: nothing carried over
    return _onward(user, frame["next"])


def _onward(user: User, destination: str) -> Response:
    """To the course, by the job-role question when it is still to be asked."""
    link = services.link_of(user)
    if link is not None and not link.job_role_asked:
        return redirect(url_for("lti.job_role", next=destination))
    return redirect(destination)


@bp.route("/job-role", methods=["GET", "POST"])
@login_required
def job_role() -> str | Response | tuple[str, int]:
    """Asked once, of a learner whose LMS did not say (custom parameter job_role)."""
    link = services.link_of(current_user)
    if link is None or link.job_role_asked:
        abort(404)
    form = JobRoleForm()
    if form.validate_on_submit():
        services.set_job_role(link, JobRole(form.job_role.data))
        target = request.args.get("next", "")
        return redirect(target if is_safe_next(target) else url_for("learning.home"))
    return render_template("lti/job_role.html", form=form), 422 if form.errors else 200


def _module_choices() -> list[SelectChoice]:
    course = current_course()
    return [SelectChoice(COURSE, f"The whole course: {course.title}")] + [
        SelectChoice(module.id, f"Module: {module.title}")
        for module in course.modules
        if module.id in course.banks
    ]


def _deep_link_page(checked: rules.Launch, registration: LtiRegistration, origins: list[str]) -> Response:
    if not checked.teaches:
        raise services.LtiFailure("not_teacher", registration=registration.id)
    context = _signer(DEEP_LINK).dumps(
        {
            "registration": registration.id,
            "return_url": checked.deep_link_return_url,
            "data": checked.deep_link_data,
            "origins": origins,
        }
    )
    form = DeepLinkForm(context=context, formdata=None)
    form.choice.choices = _module_choices()
    return _in_frame(render_template("lti/deep_link.html", form=form), 200, origins)


@bp.post("/deep-link")
@csrf.exempt  # posted from the LMS frame, where no session cookie may exist: the signed context is the check
def deep_link() -> Response | tuple[str, int]:
    form = DeepLinkForm()
    form.choice.choices = _module_choices()
    try:
        context = _signer(DEEP_LINK).loads(form.context.data or "", max_age=FRAME_MAX_AGE * 3)
    except BadSignature:
        return _problem(services.LtiFailure("state"))
    registration = db.session.get(LtiRegistration, int(context["registration"]))
    if registration is None or not registration.active:
        return _problem(services.LtiFailure("platform"))
    if not form.validate():
        return _in_frame(render_template("lti/deep_link.html", form=form), 422, context["origins"])
    chosen = next(c.label for c in _module_choices() if c.value == form.choice.data)
    module_id = None if form.choice.data == COURSE else form.choice.data
    signed = services.deep_link_response(
        registration,
        data=context["data"],
        title=chosen.split(": ", 1)[1],
        module_id=module_id,
        launch_url=url_for("lti.launch", _external=True),
    )
    page = render_template(
        "lti/deep_link_return.html", return_url=context["return_url"], jwt=signed, title=chosen
    )
    return _in_frame(page, 200, context["origins"], form_target=context["return_url"])


@bp.route("/registrations", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def registrations() -> str | Response | tuple[str, int]:
    form = RegistrationForm()
    form.unit.choices = [
        SelectChoice(NO_UNIT, "No unit"),
        *(SelectChoice(i, n) for i, n in services.unit_choices()),
    ]
    if form.validate_on_submit():
        try:
            services.register(
                services.NewRegistration(
                    issuer=form.issuer.data or "",
                    client_id=form.client_id.data or "",
                    deployment_id=form.deployment_id.data or "",
                    auth_login_url=form.auth_login_url.data or "",
                    auth_token_url=form.auth_token_url.data or "",
                    keyset_url=form.keyset_url.data or "",
                    unit_id=form.unit.data or None,
                ),
                by=current_user,
            )
        except services.RegistrationExists:
            form.deployment_id.errors = ["This platform, client ID and deployment are registered already."]
        else:
            flash("The platform is registered.", "success")
            return redirect(url_for("lti.registrations"))
    return (
        render_template(
            "lti/registrations.html", form=form, registrations=services.registrations(), switch=SwitchForm()
        ),
        422 if form.errors else 200,
    )


@bp.post("/registrations/<int:registration_id>/switch")
@roles_required(Role.ADMIN)
def switch(registration_id: int) -> Response:
    registration = db.session.get(LtiRegistration, registration_id) or abort(404)
    if SwitchForm().validate_on_submit():
        services.set_active(registration, not registration.active, by=current_user)
        flash(f"Launches from {registration.issuer} are {'on' if registration.active else 'off'}.", "success")
    return redirect(url_for("lti.registrations"))
