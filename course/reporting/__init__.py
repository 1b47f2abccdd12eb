"""Reports for managers (their units) and administrators: the dashboard, learners, exports, analyses."""

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/admin")

from course.reporting import routes  # noqa: E402,F401  (registers the views on bp)
