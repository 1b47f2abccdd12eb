"""Settings: safe defaults for trying the course, overridden from the environment in production."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict[str, Any]:
    """Build the settings from environment variables, with defaults for an embedded trial."""
    production = os.environ.get("COURSE_ENV", "development") == "production"
    secret = os.environ.get("SECRET_KEY")
    if production and not secret:
        raise ConfigError(
            "SECRET_KEY must be set when COURSE_ENV=production. "
            'Generate one with: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    default_db = f"sqlite:///{Path(instance_path) / 'course.db'}"
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": secret or "dev-only-not-secret",
        "DATABASE_URL": os.environ.get("DATABASE_URL", default_db),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 2 * 1024 * 1024)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        # "Remember me on this device", only when ticked: Flask-Login's own signed cookie, which names the
        # session version, so signing out everywhere (or a password change) revokes it.
        "REMEMBER_DAYS": int(os.environ.get("REMEMBER_DAYS", 30)),
        "REMEMBER_COOKIE_NAME": "remember_device",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE", production),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Wrong passwords for one account from one address: free tries, then a wait that doubles.
        "SIGN_IN_FREE_FAILURES": int(os.environ.get("SIGN_IN_FREE_FAILURES", 5)),
        "SIGN_IN_DELAY_SECONDS": int(os.environ.get("SIGN_IN_DELAY_SECONDS", 30)),
        "SIGN_IN_DELAY_MAX_MINUTES": int(os.environ.get("SIGN_IN_DELAY_MAX_MINUTES", 15)),
        "SIGN_IN_NOTIFY_AFTER": int(os.environ.get("SIGN_IN_NOTIFY_AFTER", 10)),
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 60)),
        "SESSION_IDLE_MINUTES_STAFF": int(os.environ.get("SESSION_IDLE_MINUTES_STAFF", 30)),
        "SESSION_MAX_HOURS": int(os.environ.get("SESSION_MAX_HOURS", 12)),
        "AUDIT_IP_RETENTION_DAYS": int(os.environ.get("AUDIT_IP_RETENTION_DAYS", 90)),
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", 7)),
        "RESET_HOURS": int(os.environ.get("RESET_HOURS", 24)),
        # "Forgotten your password?": requests about one address, wherever they come from.
        "RESET_EMAIL_RATE_LIMIT": os.environ.get("RESET_EMAIL_RATE_LIMIT", "5 per hour"),
        "QUIZ_ATTEMPT_HOURS": int(os.environ.get("QUIZ_ATTEMPT_HOURS", 24)),
        "QUIZ_DAILY_ATTEMPT_LIMIT": int(os.environ.get("QUIZ_DAILY_ATTEMPT_LIMIT", 0)),
        "ORG_TIMEZONE": os.environ.get("ORG_TIMEZONE", "Europe/London"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", 25)),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "training@localhost"),
        "FOLLOW_UP_ENABLED": _flag("FOLLOW_UP_ENABLED", True),
        "FOLLOW_UP_DAYS": int(os.environ.get("FOLLOW_UP_DAYS", 90)),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # Single sign-on with the organisation's OpenID provider (off while OIDC_ISSUER is empty).
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", ""),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", ""),
        "OIDC_CLIENT_SECRET": os.environ.get("OIDC_CLIENT_SECRET", ""),
        "OIDC_BUTTON_LABEL": os.environ.get("OIDC_BUTTON_LABEL", "Sign in with your organisation account"),
        "OIDC_SCOPES": os.environ.get("OIDC_SCOPES", "openid email profile"),
        "OIDC_CREATE_ACCOUNTS": _flag("OIDC_CREATE_ACCOUNTS", False),
        "OIDC_EMAIL_VERIFIED_CLAIM": os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified"),
        "OIDC_UNIT_CLAIM": os.environ.get("OIDC_UNIT_CLAIM", ""),
        "OIDC_JOB_ROLE_CLAIM": os.environ.get("OIDC_JOB_ROLE_CLAIM", ""),
        "OIDC_CLOCK_LEEWAY": int(os.environ.get("OIDC_CLOCK_LEEWAY", 60)),
        "OIDC_TIMEOUT": int(os.environ.get("OIDC_TIMEOUT", 10)),
        # xAPI statements to the organisation's learning record store (off while any of the three is empty).
        "XAPI_ENDPOINT": os.environ.get("XAPI_ENDPOINT", ""),
        "XAPI_USERNAME": os.environ.get("XAPI_USERNAME", ""),
        "XAPI_PASSWORD": os.environ.get("XAPI_PASSWORD", ""),
        "XAPI_ACTOR": os.environ.get("XAPI_ACTOR", "mbox"),  # mbox | account
        "XAPI_ACCOUNT_HOMEPAGE": os.environ.get("XAPI_ACCOUNT_HOMEPAGE", ""),
        "XAPI_TIMEOUT": float(os.environ.get("XAPI_TIMEOUT", 5)),
    }
