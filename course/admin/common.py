"""What every report view needs: the viewer's scope, today's date and the renewal window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from course import org
from course.admin.status import Scope
from course.database import utcnow
from course.extensions import db
from course.models import Role, User

STAFF = (Role.MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class ReportContext:
    scope: Scope
    today: date
    window_days: int


def report_context() -> ReportContext:
    return ReportContext(Scope.for_viewer(current_user), utcnow().date(), org.settings().expiring_window_days)


def person_in_scope(user_id: int) -> User:
    """The person when the viewer may see them; 404 otherwise (no hint that they exist)."""
    user = db.session.get(User, user_id, options=[selectinload(User.unit)])
    if user is None or not Scope.for_viewer(current_user).covers(user.unit.path if user.unit else None):
        abort(404)
    return user
