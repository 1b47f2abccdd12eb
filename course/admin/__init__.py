from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Importing the view modules registers their routes on bp.
from course.admin import (  # noqa: E402,F401
    analysis_views,
    assignments,
    audit_views,
    dashboard,
    import_views,
    learners,
    people,
    record_admin,
    report_views,
    settings,
)
