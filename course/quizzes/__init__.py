from flask import Blueprint

bp = Blueprint("quizzes", __name__)

from course.quizzes import routes  # noqa: E402,F401  (registers the views on bp)
