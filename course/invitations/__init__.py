"""Invitations and password resets by e-mail: invite everyone not yet invited, re-send, see who has
accepted; and the self-service "Forgotten your password?" page. The e-mails go through the outbox."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from course.invitations import routes  # noqa: E402,F401  (registers the views on bp)
