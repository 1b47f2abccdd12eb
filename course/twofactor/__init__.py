"""Two-step verification: a second factor (an authenticator app's one-time codes, RFC 6238 TOTP, and
single-use recovery codes) after the password, for the people who must have one."""

from flask import Blueprint

bp = Blueprint("twofactor", __name__)

from course.twofactor import routes  # noqa: E402,F401  (registers the views on bp)
