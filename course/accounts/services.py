"""Account rules: signing in with lockout, single-use links, setting passwords. Services own commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import CursorResult

from course.accounts.passwords import hash_password, needs_rehash, verify_password
from course.audit import record, record_many
from course.database import utcnow
from course.extensions import db
from course.models import AccountToken, User

INVITE = "invite"
RESET = "reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def authenticate(email: str, password: str, *, threshold: int, lockout: timedelta) -> User | None:
    """Check the credentials; count failures and lock the account for a while after `threshold`."""
    now = utcnow()
    user = find_user_by_email(email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is not None and is_locked(user, now):
        return None
    if user is None or not user.active or not password_ok:
        if user is not None:
            # Counted in the database, so that simultaneous wrong guesses cannot overwrite each other's count.
            this_user = User.id == user.id
            failures = db.session.scalar(
                update(User)
                .where(this_user)
                .values(failed_logins=User.failed_logins + 1)
                .returning(User.failed_logins)
            )
            if (failures or 0) >= threshold:
                db.session.execute(
                    update(User).where(this_user).values(locked_until=now + lockout, failed_logins=0)
                )
                record("account.locked", subject=f"user:{user.id}")
            db.session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if user.password_hash is not None and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie names the old version."""
    user.session_version += 1


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, purpose: str, valid_for: timedelta, issued_by: User | None) -> str:
    """Create a single-use link token and commit; only its hash is stored, so a database leak reveals
    no link. A new link replaces any unused one of the same purpose."""
    retire_unused([user.id], purpose)
    token = add_token(user.id, purpose, valid_for, issued_by)
    db.session.commit()
    return token


def retire_unused(user_ids: list[int], purpose: str) -> None:
    """End the unused links of `purpose` of these people, in one statement (the caller commits)."""
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.user_id.in_(user_ids),
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
    )


def add_token(user_id: int, purpose: str, valid_for: timedelta, issued_by: User | None) -> str:
    """Add a new link token, and its audit event, to the caller's transaction; returns the token."""
    return add_tokens([user_id], purpose, valid_for, issued_by)[0]


def add_tokens(user_ids: list[int], purpose: str, valid_for: timedelta, issued_by: User | None) -> list[str]:
    """add_token for many people, in two statements however many there are; the tokens in order."""
    tokens = [secrets.token_urlsafe(32) for _ in user_ids]
    if user_ids:
        expires_at = utcnow() + valid_for
        db.session.execute(
            insert(AccountToken),
            [
                {
                    "user_id": user_id,
                    "purpose": purpose,
                    "token_hash": _digest(token),
                    "expires_at": expires_at,
                    "created_by_id": issued_by.id if issued_by else None,
                }
                for user_id, token in zip(user_ids, tokens, strict=True)
            ],
        )
        record_many(f"account.{purpose}_issued", [f"user:{user_id}" for user_id in user_ids], actor=issued_by)
    return tokens


class TokenProblem(Exception):
    """The link cannot be used; the message says why in plain words."""


def usable_token(token: str, purpose: str) -> AccountToken:
    found = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == _digest(token), AccountToken.purpose == purpose)
    )
    if found is None:
        raise TokenProblem("This link is not valid. Check you copied all of it, or ask for a new one.")
    if found.used_at is not None:
        raise TokenProblem(
            "This link has already been used. Sign in, or ask your training lead for a new link."
        )
    if found.expires_at <= utcnow():
        raise TokenProblem("This link has expired. Ask your training lead for a new one.")
    if not found.user.active:
        raise TokenProblem("This account is not active. Ask your training lead.")
    return found


def redeem_token(token: AccountToken, new_password: str) -> User:
    """Set the password from a link, once: the row is claimed with a conditional update."""
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise TokenProblem(
            "This link has already been used. Sign in, or ask your training lead for a new one."
        )
    user = token.user
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)
    record(f"account.{token.purpose}_redeemed", subject=f"user:{user.id}", actor=user)
    db.session.commit()
    return user


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    record("account.password_changed", subject=f"user:{user.id}", actor=user)
    db.session.commit()
