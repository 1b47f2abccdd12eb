from flask import Blueprint

bp = Blueprint("records", __name__)

from course.records import routes  # noqa: E402,F401  (registers the views on bp)
