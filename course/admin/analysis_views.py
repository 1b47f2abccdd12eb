"""Quiz question analysis (administrators) and the learning-gain report (managers and administrators)."""

from __future__ import annotations

from flask import render_template, request

from course.admin import bp, reports
from course.admin.common import STAFF, report_context
from course.content import current_course
from course.models import Role
from course.quizzes.analysis import item_analysis as analyse
from course.quizzes.analysis import times_drawn
from course.security import roles_required


@bp.get("/quizzes")
@roles_required(Role.ADMIN)
def item_analysis() -> str:
    course = current_course()
    module_id = request.args.get("module", "")
    bank = course.banks.get(module_id) or next(iter(course.banks.values()))
    stats = {s.question_id: s for s in analyse(bank.module_id)}
    return render_template(
        "admin/item_analysis.html",
        bank=bank,
        module=course.module(bank.module_id),
        stats=stats,
        drawn=times_drawn(bank.module_id),
        banks=course.banks,
    )


@bp.get("/learning-gain")
@roles_required(*STAFF)
def learning_gain() -> str:
    return render_template("admin/learning_gain.html", rows=reports.learning_gain(report_context().scope))
