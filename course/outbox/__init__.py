"""Durable delivery to other systems: e-mail, LMS scores, learning-record statements.

A feature writes a message with `enqueue` in the same transaction as the fact it reports, so the two
are saved together or not at all; `deliver` (run by `flask --app course outbox send`, from cron or a
timer) hands each due message to its topic's handler and retries with a growing delay until the partner
takes it or refuses it for good. Nothing is lost while a partner is down. Administrators see what is
waiting and what failed at /admin/outbox.
"""

from flask import Blueprint

bp = Blueprint("outbox", __name__, url_prefix="/admin")

from course.outbox import routes  # noqa: E402,F401  (registers the views on bp)
