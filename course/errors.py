"""Error pages in the site's style, for people; JSON is not needed by any client yet."""

from __future__ import annotations

import contextlib

from flask import Flask, g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from course.extensions import db, login_manager

MESSAGES = {
    400: ("Something in that request was not right", "Please go back, check the form and try again."),
    403: ("You do not have access to this page", "If you think you should, ask your training lead."),
    404: ("Page not found", "The address may be mistyped, or the page has moved."),
    405: ("That action is not allowed here", "Please go back and use the buttons on the page."),
    413: ("That file is too large", "Upload a smaller file. The size limit is shown on the form."),
    429: (
        "Too many attempts",
        "For your security we have paused this for a short while. Please wait a minute and try again.",
    ),
    500: ("Something went wrong on our side", "Nothing you did caused this. Your progress is saved."),
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            code=400,
            title="This form has expired",
            message="For your security the form timed out or was sent from elsewhere. "
            "Go back, reload the page and send it again.",
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        title, message = MESSAGES.get(code, (error.name, error.description or ""))
        if code == 400 and error.description and not error.description.startswith("The browser"):
            message = error.description
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: DBAPIError) -> tuple[str, int, dict[str, str]]:
        # The database cannot be reached (a restart, a dropped connection, a lost file): say so with a
        # 503, which tells load balancers and people to come back. The broken connection is thrown away
        # and the next request opens a new one, so the course recovers by itself.
        app.logger.warning("database unavailable: %s", error.orig)
        with contextlib.suppress(DBAPIError):
            db.session.rollback()
        db.session.remove()
        g._login_user = login_manager.anonymous_user()  # drawn as for a visitor: no query for the user
        return render_template("errors/unavailable.html"), 503, {"Retry-After": "30"}

    # Unhandled exceptions reach this as a 500 (Flask logs them); under test they propagate instead.
    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        db.session.rollback()
        title, message = MESSAGES[500]
        return render_template("errors/error.html", code=500, title=title, message=message), 500
