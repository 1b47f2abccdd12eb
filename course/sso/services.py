"""Single sign-on: talk to the provider (Authlib), decide who gets in, keep the links. Owns commits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Flask, current_app, session
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from course.accounts.services import find_user_by_email, normalise_email
from course.audit import record
from course.config import ConfigError
from course.database import utcnow
from course.extensions import db
from course.models import OrgUnit, Role, SsoLink, SsoSettings, User
from course.people import services as people
from course.security import allow_form_target
from course.sso import rules

EXTENSION = "course_sso"
# The ID token, kept in the session for the provider's sign-out (id_token_hint); a key name, no secret.
ID_TOKEN = "sso_id_token"  # noqa: S105


class SsoFailure(Exception):
    """A sign-in through the provider did not go ahead; `reason` is a key of rules.PROBLEMS."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def init_app(app: Flask) -> None:
    issuer = app.config["OIDC_ISSUER"]
    app.add_template_global(enabled, "sso_enabled")
    app.add_template_global(link_for, "sso_link_for")
    if not issuer:
        return
    if not app.config["OIDC_CLIENT_ID"] or not app.config["OIDC_CLIENT_SECRET"]:
        raise ConfigError("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
    scopes = app.config["OIDC_SCOPES"].split()
    if "openid" not in scopes:
        raise ConfigError("OIDC_SCOPES must include openid.")
    oauth = OAuth(app)
    oauth.register(
        "oidc",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": " ".join(scopes),
            "code_challenge_method": "S256",
            "default_timeout": app.config["OIDC_TIMEOUT"],
        },
    )
    app.extensions[EXTENSION] = oauth
    parts = urlsplit(issuer)
    allow_form_target(app, f"{parts.scheme}://{parts.netloc}")


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def _client() -> FlaskOAuth2App:
    return cast(FlaskOAuth2App, current_app.extensions[EXTENSION].oidc)


@contextmanager
def explained() -> Iterator[None]:
    """Turn what Authlib, the token library and the network raise into a SsoFailure with its reason."""
    try:
        yield
    except OAuthError as error:  # the provider answered with an OAuth error (e.g. invalid_grant)
        raise SsoFailure(
            "refused", error=str(error.error or ""), description=str(error.description or "")
        ) from error
    except ExpiredTokenError as error:
        raise SsoFailure("expired") from error
    except ClaimError as error:
        reason = {"aud": "audience", "azp": "audience", "iss": "issuer", "nonce": "nonce"}.get(error.claim)
        raise SsoFailure(reason or "claims", claim=error.claim) from error
    except JoseError as error:  # a bad signature, an unknown key, a token that does not decode
        raise SsoFailure("signature", error=type(error).__name__) from error
    except (requests.RequestException, ValueError) as error:
        raise SsoFailure("unreachable", error=type(error).__name__) from error


def begin(redirect_uri: str) -> Response:
    """Send the browser to the provider, with a fresh state, nonce and PKCE verifier in the session."""
    with explained():
        return cast(Response, _client().authorize_redirect(redirect_uri))


def finish(answer: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """Check the provider's answer (the callback's query) to this session's sign-in; return the
    person's claims and the ID token.

    The state must be one this session started, and is used once; the code is swapped for tokens with
    the PKCE verifier; the ID token must carry this sign-in's nonce (see check_id_token).
    """
    client = _client()
    state = answer.get("state") or ""
    started = client.framework.get_state_data(session, state) if state else None
    if state:
        client.framework.clear_state_data(session, state)
    if answer.get("error"):  # e.g. the person cancelled at the provider
        raise SsoFailure("refused", error=answer["error"], description=answer.get("error_description", ""))
    if not started or "nonce" not in started:
        raise SsoFailure("state")
    if answer.get("iss") not in (None, issuer()):  # RFC 9207: the answer came from another provider
        raise SsoFailure("issuer", claim="iss")
    with explained():
        token = client.fetch_access_token(
            code=answer.get("code"),
            redirect_uri=started["redirect_uri"],
            code_verifier=started.get("code_verifier"),
        )
    claims = check_id_token(token, nonce=started["nonce"])
    if "email" not in claims or current_app.config["OIDC_EMAIL_VERIFIED_CLAIM"] not in claims:
        claims = {**_userinfo(client, token, claims["sub"]), **claims}
    return claims, str(token["id_token"])


def check_id_token(token: Mapping[str, Any], *, nonce: str) -> dict[str, Any]:
    """The ID token's claims, once its signature (the provider's key set), issuer, audience (our
    client id), expiry (with OIDC_CLOCK_LEEWAY) and nonce are checked."""
    if "id_token" not in token:
        raise SsoFailure("claims", claim="id_token")
    with explained():
        claims = _client().parse_id_token(token, nonce=nonce, leeway=current_app.config["OIDC_CLOCK_LEEWAY"])
    return dict(claims)


def _userinfo(client: FlaskOAuth2App, token: Mapping[str, Any], subject: str) -> dict[str, Any]:
    """The provider's userinfo, for the claims its ID tokens leave out; it must be the same person."""
    with explained():
        found = dict(client.userinfo(token=token))
    if found.get("sub") != subject:
        raise SsoFailure("claims", claim="sub")
    return found


def issuer() -> str:
    """The provider's issuer, as its metadata gives it (fetched once, then kept)."""
    with explained():
        return str(_client().load_server_metadata()["issuer"])


def sign_in(claims: dict[str, Any], *, retry: bool = True) -> User:
    """The account this person signs in to: linked before, or matched (or made) by verified e-mail."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SsoFailure("claims", claim="sub")
    link = db.session.scalar(select(SsoLink).where(SsoLink.issuer == issuer(), SsoLink.subject == subject))
    if link is None:
        try:
            link = _first_link(claims, subject)
        except IntegrityError:
            db.session.rollback()
            if not retry:
                raise
            return sign_in(claims, retry=False)  # their sign-in in another tab linked them a moment ago
    user = link.user
    if not user.active:
        db.session.rollback()
        raise SsoFailure("deactivated", user_id=user.id)
    now = utcnow()
    link.last_used_at = now
    user.last_login_at = now
    record("sso.signed_in", subject=f"user:{user.id}", actor=user)
    db.session.commit()
    return user


def _first_link(claims: dict[str, Any], subject: str) -> SsoLink:
    email = claims.get("email")
    if (
        not isinstance(email, str)
        or not email.strip()
        or not rules.email_is_verified(claims, current_app.config["OIDC_EMAIL_VERIFIED_CLAIM"])
    ):
        raise SsoFailure("unverified", email=str(email or ""))
    user = find_user_by_email(email)
    if user is None:
        if not current_app.config["OIDC_CREATE_ACCOUNTS"]:
            raise SsoFailure("no_account", email=normalise_email(email))
        user = _new_learner(claims, email)
    elif not user.active:
        raise SsoFailure("deactivated", user_id=user.id)
    elif link_for(user) is not None:
        raise SsoFailure("linked_elsewhere", user_id=user.id)
    link = SsoLink(user_id=user.id, issuer=issuer(), subject=subject)
    db.session.add(link)
    db.session.flush()
    link.user = user
    record("sso.linked", subject=f"user:{user.id}", actor=user, issuer=link.issuer, sso_subject=subject)
    return link


def _new_learner(claims: dict[str, Any], email: str) -> User:
    config = current_app.config
    units = [(row.id, row.name) for row in db.session.execute(select(OrgUnit.id, OrgUnit.name))]
    unit_id = (
        rules.unit_from(claims.get(config["OIDC_UNIT_CLAIM"]), units) if config["OIDC_UNIT_CLAIM"] else None
    )
    if unit_id is None:
        unit_id = settings().default_unit_id
    job_role = rules.job_role_from(
        claims.get(config["OIDC_JOB_ROLE_CLAIM"]) if config["OIDC_JOB_ROLE_CLAIM"] else None
    )
    user = people.create_user(
        email=email,
        name=rules.display_name(claims, email),
        role=Role.LEARNER,
        job_role=job_role,
        unit=db.session.get(OrgUnit, unit_id) if unit_id is not None else None,
        password=None,
    )
    db.session.flush()
    record(
        "person.created", subject=f"user:{user.id}", actor=user, email=user.email, role=user.role, via="sso"
    )
    return user


def record_failure(failure: SsoFailure) -> None:
    """An audit event for a sign-in that did not go ahead; nothing else is written."""
    db.session.rollback()
    user_id = failure.details.get("user_id")
    record(f"sso.{failure.reason}", subject=f"user:{user_id}" if user_id else "", **failure.details)
    db.session.commit()


def link_for(user: User) -> SsoLink | None:
    return db.session.scalar(select(SsoLink).where(SsoLink.user_id == user.id))


def unlink(user: User) -> bool:
    """Remove the person's link (they are linked again by verified e-mail at their next sign-in)."""
    link = link_for(user)
    if link is None:
        return False
    record("sso.unlinked", subject=f"user:{user.id}", issuer=link.issuer, sso_subject=link.subject)
    db.session.delete(link)
    db.session.commit()
    return True


def settings() -> SsoSettings:
    return db.session.get(SsoSettings, 1) or SsoSettings(id=1, linked_password_sign_in=True)


def save_settings(*, linked_password_sign_in: bool, default_unit_id: int | None) -> bool:
    current = settings()
    new = {"linked_password_sign_in": linked_password_sign_in, "default_unit_id": default_unit_id}
    changes = {k: {"from": getattr(current, k), "to": v} for k, v in new.items() if getattr(current, k) != v}
    for key, value in new.items():
        setattr(current, key, value)
    db.session.add(current)
    record("sso.settings_changed", subject="settings", changes=changes)
    db.session.commit()
    return bool(changes)


def password_sign_in_allowed(user: User) -> bool:
    """False for a linked learner or manager when the organisation turned password sign-in off.

    While single sign-on is not configured everyone keeps their password: there is no button to use.
    """
    return not enabled() or rules.password_sign_in_allowed(
        role=user.role,
        linked=link_for(user) is not None,
        linked_password_sign_in=settings().linked_password_sign_in,
    )


def provider_sign_out_url(id_token: str | None, return_to: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), when it has one and we signed in there."""
    if not id_token or not enabled():
        return None
    client = _client()
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        # No state: nothing comes back to check; the provider returns the person to return_to.
        return str(
            client.create_logout_url(post_logout_redirect_uri=return_to, id_token_hint=id_token)["url"]
        )
    except (requests.RequestException, ValueError):
        return None  # the provider is down: signing out here still happened


def remember_id_token(id_token: str) -> None:
    session[ID_TOKEN] = id_token
