"""Single sign-on rules: pure functions of the provider's claims and the organisation's choices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from course.models import JobRole, Role


def email_is_verified(claims: Mapping[str, Any], claim: str = "email_verified") -> bool:
    """Only a provider that says so has checked the address: true, or the text "true" some send."""
    value = claims.get(claim)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def job_role_from(value: Any) -> JobRole:
    """The job role a claim names ("nurse", "Teaching assistant", "school-nurse"), or Other."""
    if not isinstance(value, str):
        return JobRole.OTHER
    wanted = value.strip().lower().replace("-", " ").replace("_", " ")
    for role in JobRole:
        if wanted in {role.value.replace("_", " "), role.label.lower()}:
            return role
    return JobRole.OTHER


def unit_from(value: Any, units: Iterable[tuple[int, str]]) -> int | None:
    """The id of the unit whose name the claim gives (ignoring case and outer spaces), if any."""
    if not isinstance(value, str) or not value.strip():
        return None
    wanted = value.strip().casefold()
    matches = [unit_id for unit_id, name in units if name.strip().casefold() == wanted]
    return matches[0] if len(matches) == 1 else None  # two units of that name: too unclear to choose


def display_name(claims: Mapping[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    given, family = claims.get("given_name"), claims.get("family_name")
    parts = [part.strip() for part in (given, family) if isinstance(part, str) and part.strip()]
    return " ".join(parts)[:200] or email.split("@", 1)[0]


def password_sign_in_allowed(*, role: str, linked: bool, linked_password_sign_in: bool) -> bool:
    """Administrators always keep their password (break-glass when the provider is down)."""
    return role == Role.ADMIN or not linked or linked_password_sign_in


@dataclass(frozen=True)
class Problem:
    """Why a single sign-on did not go ahead, in plain words, with what the person can do."""

    title: str
    what: str
    todo: str
    status: int = 400


TRY_AGAIN = "Go back to the sign-in page and choose the button again."
ASK = "If it happens again, tell your training lead the time it happened."

PROBLEMS: dict[str, Problem] = {
    "state": Problem(
        "This sign-in could not be checked",
        "The answer from your organisation's sign-in service did not match a sign-in started here. "
        "That happens when a sign-in page was left open too long, used twice, or opened from a link.",
        TRY_AGAIN,
    ),
    "nonce": Problem(
        "This sign-in could not be checked",
        "The sign-in service's answer belonged to a different or earlier sign-in.",
        TRY_AGAIN,
    ),
    "expired": Problem(
        "This sign-in has expired",
        "The proof of sign-in from your organisation's service had already expired when it "
        "arrived. The clock of the service or of this site may be wrong.",
        f"{TRY_AGAIN} {ASK}",
    ),
    "signature": Problem(
        "This sign-in could not be trusted",
        "The proof of sign-in was not signed by your organisation's sign-in service.",
        f"{TRY_AGAIN} {ASK}",
    ),
    "audience": Problem(
        "This sign-in was meant for another service",
        "Your organisation's sign-in service sent proof of sign-in that was issued to a different "
        "application, so this site cannot accept it.",
        f"{TRY_AGAIN} {ASK}",
    ),
    "issuer": Problem(
        "This sign-in came from an unexpected service",
        "The proof of sign-in was not issued by your organisation's sign-in service.",
        f"{TRY_AGAIN} {ASK}",
    ),
    "claims": Problem(
        "This sign-in was incomplete",
        "Your organisation's sign-in service did not send everything this site needs.",
        ASK,
    ),
    "refused": Problem(
        "The sign-in service did not complete the sign-in",
        "Your organisation's sign-in service stopped the sign-in or did not accept this site's request.",
        f"{TRY_AGAIN} {ASK}",
    ),
    "unreachable": Problem(
        "The sign-in service cannot be reached",
        "This site could not reach your organisation's sign-in service just now.",
        "Try again in a few minutes. If you also have a password for this site, you can use it.",
        503,
    ),
    "unverified": Problem(
        "Your e-mail address is not confirmed",
        "Your organisation's sign-in service has not confirmed the e-mail address on your account, "
        "so this site cannot tell which training account is yours.",
        "Ask your IT service desk to confirm your e-mail address, or ask your training lead for "
        "an invitation link to this site.",
        403,
    ),
    "no_account": Problem(
        "Ask your training lead to add you",
        "You signed in with your organisation's account, but there is no training account for "
        "your e-mail address here yet.",
        "Ask your training lead to add you to the training. Once they have, choose the button on the "
        "sign-in page again.",
        403,
    ),
    "deactivated": Problem(
        "Your training account is not active",
        "Your training account has been closed, so you cannot sign in.",
        "If you still need the training, ask your training lead to reopen your account.",
        403,
    ),
    "linked_elsewhere": Problem(
        "This e-mail address is linked to another sign-in",
        "The training account for your e-mail address is already linked to a different account at "
        "your organisation's sign-in service.",
        "Ask your training lead to remove the old link, then sign in again.",
        403,
    ),
}
