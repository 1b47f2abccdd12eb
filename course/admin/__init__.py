from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from course.admin import people  # noqa: E402,F401  (registers the views on bp)
