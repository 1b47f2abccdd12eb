"""The reports dashboard for managers (their unit) and administrators (everyone)."""

from __future__ import annotations

from flask import render_template

from course.admin import bp, reports
from course.admin.common import STAFF, report_context
from course.records.rules import add_months
from course.security import roles_required


@bp.get("/")
@roles_required(*STAFF)
def dashboard() -> str:
    ctx = report_context()
    since = add_months(ctx.today.replace(day=1), -11)
    return render_template(
        "admin/dashboard.html",
        overview=reports.overview(ctx.scope, ctx.today, ctx.window_days),
        units=reports.by_unit(ctx.scope, ctx.today, ctx.window_days),
        roles=reports.by_job_role(ctx.scope, ctx.today, ctx.window_days),
        months=reports.completions_per_month(ctx.scope, since),
        window_days=ctx.window_days,
    )
