"""Pure rules of invitations: where a person's invitation stands, and what the e-mails say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

INVITE = "invite"
RESET = "reset"

NOT_INVITED = "Not invited"
WAITING = "Invited"
EXPIRED = "Invitation expired"
ACCEPTED = "Accepted"
CAN_SIGN_IN = "Can sign in"


def invitation_state(
    *,
    has_password: bool,
    invited_at: datetime | None,
    used_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
) -> str:
    """Where a person's latest invitation stands. Someone with a password can sign in: they accepted
    an invitation (used_at set) or were given a password another way."""
    if has_password:
        return ACCEPTED if used_at is not None else CAN_SIGN_IN
    if invited_at is None:
        return NOT_INVITED
    if expires_at is not None and expires_at <= now:
        return EXPIRED
    return WAITING


@dataclass(frozen=True)
class AccountMail:
    subject: str
    text: str
    html: str


def account_mail(*, purpose: str, name: str, link: str, org_name: str, valid_until: str) -> AccountMail:
    """The invitation or reset e-mail, in plain text and HTML: calm, short, and saying what to do.

    `valid_until` is the link's expiry as the reader should see it ("8 December 2026")."""
    greeting = f"Dear {name or 'colleague'},"
    if purpose == INVITE:
        subject = f"Your account for {org_name} staff training"
        lines = [
            f"{org_name} has set up an account for you on its staff training course, an awareness course "
            "for staff about self-harm. You can take it at your own pace and pause at any point.",
            "To start, choose a password using this link:",
        ]
        after = [
            f"The link works once, until {valid_until}. If it has expired, ask your training lead for a "
            "new one.",
            "If you were not expecting this e-mail, you can ignore it.",
        ]
    else:
        subject = f"Reset your password for {org_name} staff training"
        lines = [
            "We were asked to reset the password of your account on the staff training course.",
            "To choose a new password, use this link:",
        ]
        after = [
            f"The link works once, until {valid_until}.",
            "If you did not ask for this, you can ignore this e-mail: your password stays as it is.",
        ]
    closing = f"With thanks,\n{org_name}"
    text = "\n\n".join([greeting, *lines[:1], f"{lines[1]}\n{link}", *after, closing]) + "\n"
    body = _paragraphs([greeting, *lines])
    body += Markup('<p><a href="{0}">Choose your password</a></p>\n').format(link)
    body += Markup("<p>Or copy this address into your browser: {}</p>\n").format(link)
    body += _paragraphs(after) + Markup("<p>With thanks,<br>{}</p>\n").format(org_name)
    html = Markup(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{}</title></head>\n'
        "<body>\n{}</body></html>\n"
    ).format(subject, body)
    return AccountMail(subject=subject, text=text, html=str(html))


def _paragraphs(texts: list[str]) -> Markup:
    """Each text as an HTML paragraph, escaped."""
    return Markup("").join(Markup("<p>{}</p>\n").format(text) for text in texts)
