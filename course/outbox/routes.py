"""What is waiting in the outbox and what failed, for administrators; and "try again now"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from course.audit import record
from course.extensions import db
from course.models import OutboxMessage, Role
from course.outbox import bp, services
from course.security import roles_required


@bp.get("/outbox")
@roles_required(Role.ADMIN)
def outbox() -> str:
    return render_template(
        "outbox/outbox.html", overview=services.overview(), messages=services.undelivered()
    )


@bp.post("/outbox/<int:message_id>/retry")
@roles_required(Role.ADMIN)
def retry(message_id: int) -> Response:
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if message.delivered_at is None:
        record("outbox.retry", subject=f"outbox:{message.id}", topic=message.topic)
        services.retry_now(message)
        flash("It will be sent on the next delivery run.", "success")
    return redirect(url_for("outbox.outbox"))
