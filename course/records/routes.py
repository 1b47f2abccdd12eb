"""My records, certificate downloads, and the public verification page."""

from __future__ import annotations

from itertools import chain

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as BaseResponse

from course import org
from course.audit import exported
from course.content import current_course
from course.extensions import db, limiter
from course.formatting import completion_state
from course.models import CourseCompletion, Role
from course.people.services import person_in_scope
from course.records import bp, services
from course.records.certificate import render_certificate
from course.records.forms import WithdrawForm
from course.security import roles_required
from course.spreadsheet import csv_download, csv_lines


@bp.get("/records")
@login_required
def mine() -> str:
    attempts = services.submitted_attempts(current_user)
    return render_template(
        "records/mine.html",
        completions=services.all_completions(current_user),
        attempts=attempts,
        today=org.today(),
    )


def _own_completion(completion_id: int) -> CourseCompletion:
    completion = db.session.get(CourseCompletion, completion_id)
    if completion is None or completion.user_id != current_user.id:
        abort(404)
    return completion


@bp.get("/records/<int:completion_id>/certificate.pdf")
@login_required
def certificate(completion_id: int) -> Response:
    completion = _own_completion(completion_id)
    if completion.revocation is not None:
        abort(404)
    verify_url = url_for("records.verify", code=completion.certificate_code, _external=True)
    facts = services.certificate_facts(completion, current_user, current_course(), org.settings(), verify_url)
    pdf = render_certificate(facts)
    filename = f"certificate-{completion.certificate_code}.pdf"
    exported(filename)
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/records/my-records.csv")
@login_required
def my_records_csv() -> Response:
    """Everything the learner has done, as a spreadsheet they can keep."""
    records = (
        (
            "course record",
            "",
            c.completed_at,
            "",
            "revoked" if c.revocation else "completed",
            c.certificate_code,
            c.expires_on,
        )
        for c in services.all_completions(current_user)
    )
    attempts = (
        ("quiz attempt", a.module_id, a.submitted_at, a.score, "passed" if a.passed else "not passed", "", "")
        for a in reversed(services.submitted_attempts(current_user))
    )
    header = ("kind", "module", "date (UTC)", "score %", "outcome", "certificate code", "valid until")
    return csv_download(csv_lines(header, chain(records, attempts)), "my-training-records.csv")


@bp.get("/verify/<code>")
@limiter.limit("30 per minute")
def verify(code: str) -> tuple[str, int] | str:
    completion = db.session.scalar(
        select(CourseCompletion)
        .options(selectinload(CourseCompletion.revocation), selectinload(CourseCompletion.user))
        .where(CourseCompletion.certificate_code == code.strip().upper())
    )
    if completion is None:
        return render_template("records/verify.html", completion=None, code=code), 404
    return render_template(
        "records/verify.html", completion=completion, state=completion_state(completion), code=code
    )


@bp.post("/admin/records/<int:completion_id>/revoke")
@roles_required(Role.ADMIN)
def revoke(completion_id: int) -> BaseResponse:
    completion = db.session.get(CourseCompletion, completion_id) or abort(404)
    person = person_in_scope(current_user, completion.user_id) or abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or "The form was incomplete. Try again.", "error")
    elif services.withdraw(completion, by=current_user, reason=(form.reason.data or "").strip()):
        flash("The record is withdrawn. Its certificate now shows as withdrawn.", "success")
    return redirect(url_for("reporting.learner", user_id=person.id))
