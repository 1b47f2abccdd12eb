"""SCORM packages for any LMS: a thin package that runs the hosted course in a frame and reports the
learner's progress back to the LMS (SCORM 1.2 and 2004 4th edition)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_login import current_user

bp = Blueprint("scorm", __name__, url_prefix="/scorm")


@bp.app_context_processor
def _relay() -> dict[str, Any]:
    """On every page of a launch from a package: the progress our page tells the package's page."""
    from course.scorm import services

    if not current_user.is_authenticated:
        return {}
    return {"scorm_relay": services.relay(current_user, request.path)}


from course.scorm import routes  # noqa: E402,F401  (registers the views on bp)
