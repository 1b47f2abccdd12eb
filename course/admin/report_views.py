"""The completion report as a streamed CSV file, and reminders sent from the web."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from course.admin import bp
from course.admin.common import STAFF, report_context
from course.admin.export import completion_rows, csv_lines
from course.admin.reminders import ReminderError, send_reminders
from course.security import roles_required


@bp.get("/completions.csv")
@roles_required(*STAFF)
def export_completions() -> Response:
    ctx = report_context()
    lines = csv_lines(completion_rows(ctx.scope, ctx.today, ctx.window_days))
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="completion-report-{ctx.today.isoformat()}.csv"'
        },
    )


@bp.get("/reminders")
@roles_required(*STAFF)
def reminders() -> str:
    ctx = report_context()
    preview = send_reminders(scope=ctx.scope, today=ctx.today, dry_run=True, sender=current_user)
    return render_template("admin/reminders.html", preview=preview)


@bp.post("/reminders")
@roles_required(*STAFF)
def send() -> BaseResponse:
    ctx = report_context()
    try:
        report = send_reminders(scope=ctx.scope, today=ctx.today, dry_run=False, sender=current_user)
    except ReminderError as error:
        flash(str(error), "error")
    else:
        flash(f"{len(report.sent)} reminder{'' if len(report.sent) == 1 else 's'} sent.", "success")
    return redirect(url_for("admin.reminders"))
