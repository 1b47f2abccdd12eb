"""LTI 1.3 tool: the course launched from an organisation's LMS, with completion sent back to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("lti", __name__, url_prefix="/lti")

from course.lti import routes  # noqa: E402,F401  (registers the views on bp)
