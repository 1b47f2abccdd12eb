"""The audit log: every admin action and record change, filterable and exportable."""

from __future__ import annotations

from flask import Response, render_template, request
from sqlalchemy import Select

from course.admin import bp, services
from course.admin.forms import AuditFilters
from course.models import AuditEvent, Role
from course.paging import paginate
from course.security import roles_required
from course.spreadsheet import csv_download, csv_lines

PAGE_SIZE = 100


def _filtered() -> tuple[AuditFilters, Select[AuditEvent, str]]:
    form = AuditFilters(request.args)
    form.validate()
    query = services.events(form.action.data or "", form.actor.data or "", form.since.data, form.until.data)
    return form, query


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit() -> str:
    form, query = _filtered()
    return render_template("admin/audit.html", form=form, page=paginate(query, PAGE_SIZE))


@bp.get("/audit.csv")
@roles_required(Role.ADMIN)
def audit_csv() -> Response:
    _, query = _filtered()
    return csv_download(csv_lines(services.CSV_HEADER, services.csv_rows(query)), "audit-log.csv")
