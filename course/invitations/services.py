"""Invitations and resets by e-mail: each link is issued and its e-mail queued in one transaction, so
an invitation is never recorded without its e-mail, nor sent without its record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, func, or_, select

from course import org
from course.accounts import services as accounts
from course.audit import record
from course.database import utcnow
from course.extensions import db
from course.formatting import local_date, local_datetime
from course.invitations.rules import INVITE, RESET, account_mail, invitation_state
from course.mail import mail, public_link, queue_mails
from course.models import AccountToken, OutboxMessage, User
from course.outbox.services import enqueue, handles

RESET_REQUESTED = "account.reset"  # an outbox topic: a "Forgotten your password?" request


@dataclass(frozen=True)
class InvitationRow:
    user_id: int
    name: str
    email: str
    state: str
    can_sign_in: bool  # has a password: a new link is a reset
    invited_at: datetime | None
    accepted_at: datetime | None
    expires_at: datetime | None


def latest_invites() -> Any:
    """Each person's latest invitation link: one row per person who was ever invited."""
    latest = (
        select(func.max(AccountToken.id).label("id"))
        .where(AccountToken.purpose == INVITE)
        .group_by(AccountToken.user_id)
        .subquery()
    )
    return (
        select(AccountToken.user_id, AccountToken.created_at, AccountToken.used_at, AccountToken.expires_at)
        .join(latest, latest.c.id == AccountToken.id)
        .subquery()
    )


def invitation_list(search: str = "") -> Select[Any]:
    """Every active person (whose name or email contains `search`) with their latest invitation, those
    who cannot sign in yet first."""
    invite = latest_invites()
    query = (
        select(
            User.id,
            User.name,
            User.email,
            User.password_hash.is_not(None).label("has_password"),
            invite.c.created_at,
            invite.c.used_at,
            invite.c.expires_at,
        )
        .outerjoin(invite, invite.c.user_id == User.id)
        .where(User.active.is_(True))
        .order_by(User.password_hash.is_not(None), User.name, User.email)
    )
    if search:
        needle = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(needle), User.email.like(needle)))
    return query


def as_rows(rows: Sequence[Any]) -> list[InvitationRow]:
    now = utcnow()
    return [
        InvitationRow(
            user_id=row.id,
            name=row.name,
            email=row.email,
            state=invitation_state(
                has_password=row.has_password,
                invited_at=row.created_at,
                used_at=row.used_at,
                expires_at=row.expires_at,
                now=now,
            ),
            can_sign_in=row.has_password,
            invited_at=row.created_at,
            accepted_at=row.used_at if row.has_password else None,
            expires_at=row.expires_at,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class Summary:
    not_invited: int
    expired: int
    waiting: int
    mail_waiting: int  # e-mails not delivered yet (still trying, or refused)
    mail_refused: int


def summary() -> Summary:
    """How many active people without a password were never invited, have an expired invitation, or
    have one waiting; and how much mail has not gone out. Two grouped queries."""
    invite = latest_invites()
    now = utcnow()
    expired = invite.c.expires_at <= now
    not_invited, lapsed, waiting = db.session.execute(
        select(
            func.count().filter(invite.c.user_id.is_(None)),
            func.count().filter(expired),
            func.count().filter(invite.c.user_id.is_not(None), ~expired),
        )
        .select_from(User)
        .outerjoin(invite, invite.c.user_id == User.id)
        .where(User.active.is_(True), User.password_hash.is_(None))
    ).one()
    pending, refused = db.session.execute(
        select(func.count(), func.count().filter(OutboxMessage.refused_at.is_not(None))).where(
            OutboxMessage.delivered_at.is_(None)
        )
    ).one()
    return Summary(not_invited or 0, lapsed or 0, waiting or 0, pending or 0, refused or 0)


def invite_pending(*, issued_by: User | None, resend_expired: bool = False) -> list[str]:
    """Invite every active person who cannot sign in and was never invited (and, with
    `resend_expired`, those whose invitation expired unused); commit. Returns their e-mail addresses."""
    invite = latest_invites()
    never = invite.c.user_id.is_(None)
    lapsed = and_(invite.c.expires_at <= utcnow(), invite.c.used_at.is_(None))
    people = db.session.scalars(
        select(User)
        .outerjoin(invite, invite.c.user_id == User.id)
        .where(
            User.active.is_(True),
            User.password_hash.is_(None),
            or_(never, lapsed) if resend_expired else never,
        )
        .order_by(User.name, User.email)
    ).all()
    _send_links(people, INVITE, issued_by)
    record("invitations.sent", actor=issued_by, count=len(people), resend_expired=resend_expired)
    db.session.commit()
    return [person.email for person in people]


def send_link(user: User, *, issued_by: User | None) -> str:
    """E-mail the person a new link (an invitation until they have a password, then a reset), ending any
    earlier unused one; commit. Returns the purpose."""
    purpose = INVITE if user.password_hash is None else RESET
    _send_links([user], purpose, issued_by)
    db.session.commit()
    return purpose


def request_reset(email: str) -> None:
    """ "Forgotten your password?": note the request in the outbox and commit; `outbox send` then
    e-mails a link if the address has an active account (see send_requested_link).

    The request does the same work whatever the address (one outbox row, one audit event, a commit,
    no lookup), and the caller answers the same, so neither the page nor its timing tells a stranger
    which addresses have accounts."""
    enqueue(RESET_REQUESTED, {"email": accounts.normalise_email(email)})
    record("account.reset_requested")
    db.session.commit()


@handles(RESET_REQUESTED)
def send_requested_link(payload: dict[str, Any]) -> None:
    """Deliver a reset request: a link (an invitation for someone without a password yet) to the
    active account with the address, if there is one; nothing otherwise. Added to the delivery's
    transaction; the e-mail goes out on the next delivery run."""
    user = accounts.find_user_by_email(str(payload.get("email", "")))
    if user is not None and user.active:
        _send_links([user], INVITE if user.password_hash is None else RESET, issued_by=None)


def _send_links(people: Sequence[User], purpose: str, issued_by: User | None) -> None:
    """Issue a link of `purpose` to each person and queue its e-mail, in the caller's transaction."""
    if not people:
        return
    config = current_app.config
    if purpose == INVITE:
        valid = timedelta(days=config["INVITATION_DAYS"])
    else:
        valid = timedelta(hours=config["RESET_HOURS"])
    org_name = org.settings().org_name
    expires = utcnow() + valid
    valid_until = local_date(expires) if purpose == INVITE else local_datetime(expires)
    accounts.retire_unused([person.id for person in people], purpose)
    tokens = accounts.add_tokens([person.id for person in people], purpose, valid, issued_by)
    mails = []
    for person, token in zip(people, tokens, strict=True):
        text = account_mail(
            purpose=purpose,
            name=person.name,
            link=link_for(purpose, token),
            org_name=org_name,
            valid_until=valid_until,
        )
        mails.append(mail(to=person.email, subject=text.subject, body=text.text, html=text.html))
    queue_mails(mails)


def link_for(purpose: str, token: str) -> str:
    endpoint = "auth.accept_invitation" if purpose == INVITE else "auth.reset_password"
    return public_link(endpoint, token=token)
