"""LTI 1.3 rules: pure functions of the platform's claims, our keys and the clock."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
DEEP_LINKING_RESPONSE = "LtiDeepLinkingResponse"
VERSION = "1.3.0"

LOGIN_LIFETIME = timedelta(minutes=10)  # from login initiation to launch
CLOCK_LEEWAY = 60  # seconds: the platform's clock and ours may differ this much
KEY_GRACE = timedelta(days=3)  # a rotated key stays published this long
KEYSET_MAX_AGE = 300  # seconds a platform's key set is kept before it is fetched again
TEACHER_ROLES = ("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant")


class ClaimProblem(Exception):
    """The ID token's claims do not make a launch we accept; `reason` is a key of PROBLEMS."""

    def __init__(self, reason: str, claim: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.claim = claim


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, the form `frame-ancestors` and `form-action` take."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def scores_url(lineitem_url: str) -> str:
    """The line item's scores service: its path with /scores added, the query kept (AGS 3.4)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def audience_ok(aud: Any, azp: Any, client_id: str) -> bool:
    """Our client id is the audience (or among several, when azp names us)."""
    if isinstance(aud, str):
        return aud == client_id
    if isinstance(aud, list) and client_id in aud:
        return len(aud) == 1 or azp == client_id
    return False


@dataclass(frozen=True)
class Launch:
    """What a checked launch tells us."""

    message_type: str
    subject: str
    deployment_id: str
    email: str | None
    name: str
    roles: tuple[str, ...]
    custom: Mapping[str, Any]
    resource_link_id: str | None
    lineitem_url: str | None
    deep_link_return_url: str | None
    deep_link_data: Any
    return_url: str | None = None

    @property
    def job_role(self) -> Any:
        return self.custom.get("job_role")

    @property
    def module_id(self) -> str | None:
        value = self.custom.get("module")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def teaches(self) -> bool:
        """An LMS teacher (who may add the course to their course). It grants nothing here."""
        return any(role.endswith(TEACHER_ROLES) for role in self.roles)


def check_claims(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    deployments: Iterable[str],
    now: float,
) -> Launch:
    """Check the claims of a signature-checked ID token; the launch they describe, or ClaimProblem."""
    if claims.get("iss") != issuer:
        raise ClaimProblem("issuer", "iss")
    if not audience_ok(claims.get("aud"), claims.get("azp"), client_id):
        raise ClaimProblem("audience", "aud")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise ClaimProblem("claims", "exp")
    if exp < now - CLOCK_LEEWAY:
        raise ClaimProblem("expired", "exp")
    if iat > now + CLOCK_LEEWAY:
        raise ClaimProblem("expired", "iat")
    if claims.get("nonce") != nonce:
        raise ClaimProblem("replayed", "nonce")
    deployment = claims.get(LTI + "deployment_id")
    if not isinstance(deployment, str) or deployment not in set(deployments):
        raise ClaimProblem("deployment", "deployment_id")
    if claims.get(LTI + "version") != VERSION:
        raise ClaimProblem("claims", "version")
    message_type = claims.get(LTI + "message_type")
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise ClaimProblem("claims", "message_type")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise ClaimProblem("claims", "sub")
    roles = claims.get(LTI + "roles") or []
    custom = claims.get(LTI + "custom") or {}
    link = claims.get(LTI + "resource_link") or {}
    ags = claims.get(AGS) or {}
    settings = claims.get(DL + "deep_linking_settings") or {}
    if message_type == RESOURCE_LINK and not (isinstance(link, dict) and link.get("id")):
        raise ClaimProblem("claims", "resource_link")
    if message_type == DEEP_LINKING and not (
        isinstance(settings, dict) and _web_url(settings.get("deep_link_return_url"))
    ):
        raise ClaimProblem("claims", "deep_linking_settings")
    email = claims.get("email")
    scopes = ags.get("scope", []) if isinstance(ags, dict) else []
    return Launch(
        message_type=str(message_type),
        subject=subject,
        deployment_id=deployment,
        email=email.strip() if isinstance(email, str) and email.strip() else None,
        name=display_name(claims),
        roles=tuple(role for role in roles if isinstance(role, str)) if isinstance(roles, list) else (),
        custom=custom if isinstance(custom, dict) else {},
        resource_link_id=str(link["id"]) if isinstance(link, dict) and link.get("id") else None,
        lineitem_url=(
            str(ags["lineitem"])
            if isinstance(ags, dict) and ags.get("lineitem") and SCORE_SCOPE in scopes
            else None
        ),
        deep_link_return_url=str(settings["deep_link_return_url"])
        if isinstance(settings, dict) and settings.get("deep_link_return_url")
        else None,
        deep_link_data=settings.get("data") if isinstance(settings, dict) else None,
        return_url=_return_url(claims.get(LTI + "launch_presentation")),
    )


def _web_url(value: Any) -> str | None:
    """An http(s) address, or None: nothing else may become a link, a form's target or a frame origin."""
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def _return_url(presentation: Any) -> str | None:
    return _web_url(presentation.get("return_url")) if isinstance(presentation, dict) else None


def frame_origins(*, issuer: str, auth_login_url: str, return_url: str | None) -> list[str]:
    """The origins whose pages may frame a launched session: the platform's own addresses, and the
    page it returns to (signed in the launch: an LMS such as Canvas serves courses on the school's
    own host, not on its issuer's)."""
    urls = [issuer, auth_login_url, *([return_url] if return_url else [])]
    origins = [origin_of(url) for url in urls if url.startswith(("https://", "http://"))]
    return sorted(set(origins))


def display_name(claims: Mapping[str, Any]) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    parts = [claims.get(k) for k in ("given_name", "family_name")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return joined[:200] or "LMS learner"


def placeholder_email(registration_id: int, subject_digest: str) -> str:
    """The address of an account made for a platform that sent none: `.invalid` never receives mail."""
    return f"lti-{registration_id}-{subject_digest[:20]}@lms.invalid"


def published(created: Iterable[tuple[str, datetime | None]], now: datetime) -> list[str]:
    """The key ids to publish: the signing key and keys retired less than KEY_GRACE ago."""
    return [kid for kid, retired in created if retired is None or retired + KEY_GRACE > now]


def score_body(*, subject: str, score: int, timestamp: str) -> dict[str, Any]:
    """The AGS score a completion sends: completed and fully graded, out of 100."""
    return {
        "userId": subject,
        "scoreGiven": max(0, min(score, 100)),
        "scoreMaximum": 100,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": timestamp,
    }


def should_retry(status: int) -> bool:
    """A platform's answer worth trying again later: it is down, busy or its token expired."""
    return status >= 500 or status in (401, 408, 425, 429)


@dataclass(frozen=True)
class Problem:
    title: str
    what: str
    todo: str
    status: int = 403  # refused: the launch does not prove who is asking


BACK = "Go back to your LMS and open the course again."
ASK = "If it happens again, tell your LMS administrator the time it happened."

PROBLEMS: dict[str, Problem] = {
    "platform": Problem(
        "This LMS is not registered here",
        "The course was opened from a learning platform this site does not know, or whose link was "
        "switched off.",
        "Ask your LMS administrator to register the course (see the administrator's guide).",
        403,
    ),
    "state": Problem(
        "This launch could not be checked",
        "The launch from your LMS did not match one started here, or it took too long.",
        BACK,
    ),
    "replayed": Problem(
        "This launch was already used",
        "Each launch from your LMS can be used once. This one had been used before, or belonged to "
        "a different launch.",
        BACK,
    ),
    "expired": Problem(
        "This launch has expired",
        "The proof of launch from your LMS had expired when it arrived. The clock of the LMS or of "
        "this site may be wrong.",
        f"{BACK} {ASK}",
    ),
    "signature": Problem(
        "This launch could not be trusted",
        "The proof of launch was not signed by a key your LMS publishes.",
        f"{BACK} {ASK}",
    ),
    "audience": Problem(
        "This launch was meant for another tool",
        "Your LMS sent proof of launch issued to a different tool, so this site cannot accept it.",
        f"{BACK} {ASK}",
    ),
    "issuer": Problem(
        "This launch came from an unexpected platform",
        "The proof of launch was not issued by the platform that started it.",
        f"{BACK} {ASK}",
    ),
    "deployment": Problem(
        "This LMS deployment is not registered here",
        "The launch came from a deployment of your LMS that this site does not know.",
        "Ask your LMS administrator to register this deployment.",
        403,
    ),
    "claims": Problem(
        "This launch was incomplete",
        "Your LMS did not send everything this site needs to open the course.",
        ASK,
    ),
    "unreachable": Problem(
        "Your LMS cannot be reached",
        "This site could not fetch your LMS's signing keys to check the launch.",
        "Try again in a few minutes.",
        503,
    ),
    "deactivated": Problem(
        "Your training account is not active",
        "Your training account has been closed, so the course cannot open.",
        "If you still need the training, ask your training lead to reopen your account.",
        403,
    ),
    "staff_account": Problem(
        "Sign in to this site directly",
        "The e-mail address your LMS sent belongs to a training lead's account here, which an LMS "
        "launch cannot open.",
        "Sign in to this site with your own password or your organisation's sign-in.",
        403,
    ),
    "not_teacher": Problem(
        "Only LMS teachers can add the course",
        "Adding the course to an LMS course is for the people who teach it there.",
        "Ask your course's teacher to add it.",
        403,
    ),
    "handoff": Problem(
        "This link cannot open the course",
        "The link to open the course in a new window has been used, has expired, or is incomplete.",
        BACK,
    ),
}
