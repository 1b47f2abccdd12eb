"""Privacy: the notice, a person's download of everything held about them, erasing a person, and the
retention of IP addresses in the audit trail."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from course.privacy import routes  # noqa: E402,F401  (registers the views on bp)
