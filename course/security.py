"""Who may do what: the signed-in user, role checks, protective headers, refusing input no database holds."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
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


def login_limit() -> str:
    """The sign-in throttle (LOGIN_RATE_LIMIT), for every way in: passwords, links, single sign-on."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def allow_form_target(app: Flask, origin: str) -> None:
    """Let forms lead to `origin` too: Chromium applies form-action to the redirect after a POST,
    such as signing out here and then at the organisation's sign-in provider."""
    current = app.config.get("CSP", CSP)
    app.config["CSP"] = current.replace("form-action 'self'", f"form-action 'self' {origin}", 1)


# The sites that may show this session's pages in a frame: set only by a checked LTI launch from a
# registered platform or a signed SCORM package launch. Such a session's cookie is made for a third-party
# frame; every other session keeps the strict policy.
FRAMED_BY = "framed_by"


def allow_framing_by(origins: tuple[str, ...]) -> None:
    """Let these origins, and only for this session, show its pages in a frame. Every other session
    keeps frame-ancestors 'none'."""
    session[FRAMED_BY] = list(origins)


def policy_framed_by(origins: list[str] | tuple[str, ...]) -> str:
    """The site's content security policy, with these origins allowed to frame the page."""
    policy = str(current_app.config.get("CSP", CSP))
    return (
        policy.replace("frame-ancestors 'none'", f"frame-ancestors {' '.join(origins)}", 1)
        if origins
        else policy
    )


def framed_by() -> list[str]:
    origins = session.get(FRAMED_BY)
    return [str(o) for o in origins] if isinstance(origins, list) else []


class FramedSessionInterface(SecureCookieSessionInterface):
    """The session cookie of a framed session must reach the site in a third-party frame: SameSite=None,
    Secure and Partitioned (its own cookie jar per LMS site). Over plain HTTP no browser sends such a
    cookie; there the frame can only be same-site, and the usual cookie serves."""

    def _third_party(self) -> bool:
        return request.is_secure and bool(framed_by())

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if self._third_party() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if self._third_party() else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if self._third_party() else super().get_cookie_partitioned(app)


def init_app(app: Flask) -> None:
    app.session_interface = FramedSessionInterface()
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
        framing = framed_by() if response.mimetype == "text/html" else []
        response.headers.setdefault("Content-Security-Policy", policy_framed_by(framing))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
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
