"""Practice conversations that branch, and the follow-up check some months after completing."""

from flask import Blueprint

bp = Blueprint("conversations", __name__)

from course.conversations import routes  # noqa: E402,F401  (registers the views on bp)
