"""The audit log: every admin action and record change, filterable and exportable."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from flask import Response, render_template, request, stream_with_context
from flask_wtf import FlaskForm
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased
from wtforms import StringField
from wtforms.validators import Optional

from course.admin import bp
from course.admin.export import inert
from course.admin.paging import paginate
from course.extensions import db
from course.formfields import HtmlDateField
from course.models import AuditEvent, Role, User
from course.security import roles_required

PAGE_SIZE = 100
Actor = aliased(User)


class AuditFilters(FlaskForm):
    class Meta:
        csrf = False  # a search form: it reads, never writes

    action = StringField("Action contains", validators=[Optional()])
    actor = StringField("Done by (email)", validators=[Optional()])
    since = HtmlDateField("From", validators=[Optional()])
    until = HtmlDateField("To", validators=[Optional()])


def _query(form: AuditFilters) -> Select[AuditEvent, str]:
    query = select(AuditEvent, Actor.email).outerjoin(Actor, Actor.id == AuditEvent.actor_id)
    if form.action.data:
        query = query.where(AuditEvent.action.contains(form.action.data.strip()))
    if form.actor.data:
        query = query.where(Actor.email == form.actor.data.strip().lower())
    if form.since.data:
        query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time(), UTC))
    if form.until.data and form.until.data < date.max:  # up to the last day there is: no limit
        query = query.where(
            AuditEvent.at < datetime.combine(form.until.data + timedelta(days=1), time(), UTC)
        )
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


@bp.get("/audit")
@roles_required(Role.ADMIN)
def audit() -> str:
    form = AuditFilters(request.args)
    form.validate()
    return render_template("admin/audit.html", form=form, page=paginate(_query(form), PAGE_SIZE))


@bp.get("/audit.csv")
@roles_required(Role.ADMIN)
def audit_csv() -> Response:
    form = AuditFilters(request.args)
    form.validate()
    query = _query(form).execution_options(yield_per=1000)

    def lines() -> Iterator[str]:
        yield "\ufeff"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["when (UTC)", "who", "action", "subject", "details", "from address"])
        for event, email in db.session.execute(query):
            writer.writerow(
                [
                    inert(str(v))
                    for v in (
                        event.at.isoformat(),
                        email or "",
                        event.action,
                        event.subject,
                        json.dumps(event.details),
                        event.ip,
                    )
                ]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
