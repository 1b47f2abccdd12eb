"""Reminder e-mails to people whose training is overdue or expiring, copied to their managers."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/admin")

from course.reminders import routes  # noqa: E402,F401  (registers the views on bp)
