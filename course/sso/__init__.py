"""Single sign-on with the organisation's OpenID provider (OpenID Connect, Authlib's Flask client)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("sso", __name__, url_prefix="/sso")


def init_app(app: Flask) -> None:
    """Set up the provider's client when OIDC_ISSUER is configured; without it the feature is off."""
    from course.sso import services

    services.init_app(app)


from course.sso import routes  # noqa: E402,F401  (registers the views on bp)
