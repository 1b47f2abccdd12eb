"""People: adding, editing and deactivating them, and their invitation and reset links."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/admin")

from course.people import routes  # noqa: E402,F401  (registers the views on bp)
