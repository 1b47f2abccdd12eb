"""The organisation's settings, kept in the database and edited by administrators."""

from flask import Blueprint

bp = Blueprint("organisation", __name__, url_prefix="/admin")

from course.organisation import routes  # noqa: E402,F401  (registers the views on bp)
