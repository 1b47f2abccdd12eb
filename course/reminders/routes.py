"""Reminders sent from the web: a preview of who would be reminded, and sending them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course.reminders import bp
from course.reminders.services import send_reminders
from course.reporting.services import viewer_context
from course.security import STAFF, roles_required


@bp.get("/reminders")
@roles_required(*STAFF)
def reminders() -> str:
    ctx = viewer_context()
    preview = send_reminders(scope=ctx.scope, today=ctx.today, dry_run=True, sender=current_user)
    return render_template("admin/reminders.html", preview=preview)


@bp.post("/reminders")
@roles_required(*STAFF)
def send() -> Response:
    ctx = viewer_context()
    report = send_reminders(scope=ctx.scope, today=ctx.today, dry_run=False, sender=current_user)
    count = len(report.sent)
    flash(f"{count} reminder{'' if count == 1 else 's'} queued to send.", "success")
    return redirect(url_for("reminders.reminders"))
