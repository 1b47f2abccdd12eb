"""The administration area's own pages: the audit log. The other admin pages belong to their features
(people, imports, assignments, reporting, reminders, organisation), under the same /admin address."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from course.admin import routes  # noqa: E402,F401  (registers the views on bp)
