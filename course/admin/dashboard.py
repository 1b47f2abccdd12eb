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
    summary = reports.summary(ctx.scope, ctx.today, ctx.window_days)
    return render_template(
        "admin/dashboard.html",
        overview=summary.overview,
        units=summary.units,
        roles=summary.roles,
        months=reports.completions_per_month(ctx.scope, since, ctx.today),
        window_days=ctx.window_days,
    )
