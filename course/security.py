"""Who may do what: the signed-in user, role checks, protective headers, refusing input no database holds."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_login import current_user
from sqlalchemy import bindparam, select
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from course.extensions import db, login_manager
from course.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# The largest number an INTEGER column holds (PostgreSQL's are 32-bit). A larger id cannot exist.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: a number too large for the database is "not found", not a server error."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def bounded_int(value: Any) -> int:
    """int(value) for a number from a request, refused (ValueError) when the database could not hold it."""
    number = int(value)
    if abs(number) > LARGEST_ID:
        raise ValueError(f"{value} is too large")
    return number


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its routes
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Behind a reverse proxy: take the client's address (for throttling) and the scheme (for secure
        # cookies, HSTS and links) from the proxy's X-Forwarded headers, trusting only that many hops.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    @app.before_request
    def _refuse_nul() -> None:
        # No text here ever holds a NUL character, and PostgreSQL refuses to compare or store one.
        sent = [request.path]
        for fields in (request.args, request.form):
            sent += [value for _name, value in fields.items(multi=True)]
        if any("\x00" in value for value in sent):
            abort(400, "What you sent contains an invisible NUL character. Remove it and try again.")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        # Every answer but the style sheets may be personal (pages, CSV exports, certificate PDFs, JSON):
        # no browser, proxy or shared computer keeps a copy.
        if request.endpoint != "static" and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
        return response


_USER = select(User).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.execute(_USER, {"user_id": int(user_id)}).scalar_one_or_none()
    if user is None or user.session_version != int(version):
        return None
    return user


STAFF = (Role.MANAGER, Role.ADMIN)  # managers (for their units) and administrators


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Let signed-in users with one of `roles` through; others get 403 (anonymous: sign-in page)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def next_or(default: str) -> str:
    """The `next` address of this request when it stays on this site, otherwise `default`."""
    target = request.args.get("next")
    return target if target is not None and is_safe_next(target) else default


def is_safe_next(target: str | None) -> bool:
    """Only paths on this site: no scheme, no host, no protocol-relative or backslash tricks, and no
    control characters (a browser drops tabs and newlines; a newline cannot go in a header at all)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(character) < 32 or ord(character) == 127 for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
