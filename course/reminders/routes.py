"""Reminders sent from the web: a preview of who would be reminded, and sending them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from course.reminders import bp
from course.reminders.services import ReminderError, send_reminders
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
    try:
        report = send_reminders(scope=ctx.scope, today=ctx.today, dry_run=False, sender=current_user)
    except ReminderError as error:
        flash(str(error), "error")
    else:
        flash(f"{len(report.sent)} reminder{'' if len(report.sent) == 1 else 's'} sent.", "success")
    return redirect(url_for("reminders.reminders"))
