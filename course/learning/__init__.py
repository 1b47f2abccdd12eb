from flask import Blueprint

bp = Blueprint("learning", __name__)

from course.learning import routes  # noqa: E402,F401  (registers the views on bp)
