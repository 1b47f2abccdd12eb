"""Organisation units as choices for forms, indented to show the tree."""

from __future__ import annotations

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from course.admin.status import Scope
from course.extensions import db
from course.models import OrgUnit


def unit_choices(scope: Scope | None = None) -> list[SelectChoice]:
    query = select(OrgUnit).order_by(OrgUnit.path)
    if scope is not None and scope.unit_path is not None:
        query = query.where(OrgUnit.path.startswith(scope.unit_path))
    units = db.session.scalars(query).all()
    return [SelectChoice(u.id, "— " * (u.path.count("/") - 2) + u.name) for u in units]
