"""Withdrawing a completion record: a new fact beside the record, which itself is never changed."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course.admin import bp
from course.admin.common import person_in_scope
from course.audit import record
from course.extensions import db
from course.models import CourseCompletion, Revocation, Role
from course.security import roles_required


@bp.post("/records/<int:completion_id>/revoke")
@roles_required(Role.ADMIN)
def revoke(completion_id: int) -> Response:
    completion = db.session.get(CourseCompletion, completion_id) or abort(404)
    person = person_in_scope(completion.user_id)
    back = url_for("admin.learner", user_id=person.id)
    reason = request.form.get("reason", "").strip()
    if not reason or len(reason) > 500:
        flash("Give a reason (up to 500 characters) for withdrawing the record.", "error")
        return redirect(back)
    if completion.revocation is None:
        db.session.add(Revocation(completion_id=completion.id, revoked_by_id=current_user.id, reason=reason))
        record("record.revoked", subject=f"user:{person.id}", code=completion.certificate_code, reason=reason)
        db.session.commit()
        flash("The record is withdrawn. Its certificate now shows as withdrawn.", "success")
    return redirect(back)
