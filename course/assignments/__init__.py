"""Assigning the course, with a due date, to units, job roles or people."""

from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/admin")

from course.assignments import routes  # noqa: E402,F401  (registers the views on bp)
