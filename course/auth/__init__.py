from flask import Blueprint

bp = Blueprint("auth", __name__)

from course.auth import routes, sessions  # noqa: E402,F401  (register the views and hooks on bp)
