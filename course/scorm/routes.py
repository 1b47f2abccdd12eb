"""The packages page (export, download, revoke) and the launch from a package. Thin views."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from course.accounts import sessions
from course.content import current_course
from course.database import utcnow
from course.extensions import db, limiter
from course.models import OrgUnit, Role, ScormPackage
from course.scorm import bp, rules, services
from course.scorm.forms import WHOLE_COURSE, PackageForm, RevokeForm
from course.security import login_limit, policy_framed_by, roles_required


@bp.route("/packages", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def packages() -> str | Response | tuple[str, int]:
    form = PackageForm()
    form.module.choices = [
        (WHOLE_COURSE, "The whole course"),
        *((m.id, m.title) for m in current_course().modules),
    ]
    units = db.session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))
    form.unit.choices = [(row.id, row.name) for row in units]
    if form.validate_on_submit():
        try:
            package = services.create_package(
                version=str(form.version.data),
                module_id=form.module.data or None,
                unit_id=form.unit.data,
                by=current_user,
            )
        except services.PackageProblem as problem:
            form.module.errors = [str(problem)]
        else:
            flash(
                f"Package created: download it below and upload it to the LMS ({package.title}).", "success"
            )
            return redirect(url_for("scorm.packages"))
    return render_template(
        "scorm/packages.html", form=form, packages=services.packages(), revoke_form=RevokeForm()
    ), 422 if form.errors else 200


@bp.get("/packages/<int:package_id>/download")
@roles_required(Role.ADMIN)
def download(package_id: int) -> Response:
    package = db.session.get(ScormPackage, package_id) or abort(404)
    response = Response(services.package_zip(package), mimetype="application/zip")
    name = rules.zip_name(package.version, package.module_id)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # it holds the package's secret
    return response


@bp.post("/packages/<int:package_id>/revoke")
@roles_required(Role.ADMIN)
def revoke(package_id: int) -> Response:
    package = db.session.get(ScormPackage, package_id) or abort(404)
    if RevokeForm().validate_on_submit() and services.revoke(package, by=current_user):
        flash(
            f"Package revoked: its launches now show a page saying it is withdrawn ({package.title}).",
            "success",
        )
    return redirect(url_for("scorm.packages"))


def _plain(page: str, status: int) -> Response:
    """A page with nothing to click, shown in the LMS's frame: the frame's claimed origins may show it."""
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = policy_framed_by(
        rules.claimed_origins(request.args.get("origins", ""))
    )
    return response


@bp.get("/launch/<key>")
@limiter.limit(login_limit)
def launch(key: str) -> Response:
    package = services.package_by_key(key)
    if package is None or package.revoked_at is not None:  # unknown: not found; revoked: gone for good
        return _plain(render_template("scorm/withdrawn.html"), 404 if package is None else 410)
    try:
        details = rules.read_launch(package.key, package.secret, request.args.to_dict(), utcnow())
    except rules.LaunchProblem as problem:
        return _plain(render_template("scorm/problem.html", problem=str(problem)), 400)
    user = services.sign_in(package, details)
    sessions.begin(user)  # a fresh session, its clocks started: nothing carried over
    services.start_session(package, details)
    return redirect(services.first_page(package, details))
