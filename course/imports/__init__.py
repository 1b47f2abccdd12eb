"""Importing people and earlier completions from a file: read, check every row, preview, write."""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/admin")

from course.imports import routes  # noqa: E402,F401  (registers the views on bp)
