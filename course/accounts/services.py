"""Account rules: signing in (wrong passwords slow the address down), single-use links, passwords.
Services own commits."""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult

from course.accounts.passwords import hash_password, needs_rehash, verify_password
from course.accounts.rules import failure_delay
from course.audit import record, record_many
from course.database import utcnow
from course.extensions import db
from course.mail import queue_mail
from course.models import AccountToken, SignInFailure, User

INVITE = "invite"
RESET = "reset"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@dataclass(frozen=True)
class FailurePolicy:
    """How wrong passwords slow an address down for one account (settings SIGN_IN_*)."""

    free: int
    base: timedelta
    ceiling: timedelta
    notify_after: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FailurePolicy:
        return cls(
            free=config["SIGN_IN_FREE_FAILURES"],
            base=timedelta(seconds=config["SIGN_IN_DELAY_SECONDS"]),
            ceiling=timedelta(minutes=config["SIGN_IN_DELAY_MAX_MINUTES"]),
            notify_after=config["SIGN_IN_NOTIFY_AFTER"],
        )


def waiting_until(user: User, address: str, now: datetime) -> datetime | None:
    """Until when this address must wait before trying this account's password again (None: it need not)."""
    wait = db.session.scalar(
        select(SignInFailure.wait_until).where(
            SignInFailure.user_id == user.id, SignInFailure.address == address
        )
    )
    return wait if wait is not None and wait > now else None


def count_failure(
    user: User, address: str, policy: FailurePolicy, now: datetime, *, what: str, **details: Any
) -> None:
    """One more wrong password (or second-factor code) from `address`: counted in one statement
    (simultaneous guesses cannot overwrite each other's count), the address's wait set, and the owner
    told after repeated failures. The caller commits."""
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    failures = db.session.scalar(
        insert(SignInFailure)
        .values(user_id=user.id, address=address, failures=1, last_at=now)
        .on_conflict_do_update(
            index_elements=["user_id", "address"],
            set_={"failures": SignInFailure.failures + 1, "last_at": now},
        )
        .returning(SignInFailure.failures)
    )
    count = int(failures or 0)
    delay = failure_delay(count, free=policy.free, base=policy.base, ceiling=policy.ceiling)
    if delay:
        db.session.execute(
            update(SignInFailure)
            .where(SignInFailure.user_id == user.id, SignInFailure.address == address)
            .values(wait_until=now + delay)
        )
    record(
        f"{what}.failed",
        subject=f"user:{user.id}",
        actor=user,
        failures=count,
        delay_seconds=int(delay.total_seconds()),
        **details,
    )
    if count == policy.notify_after:
        queue_mail(
            to=user.email,
            subject="Unsuccessful sign-in attempts on your training account",
            body=(
                f"Hello {user.name},\n\n"
                f"Someone has entered a wrong {'code' if what == 'second_factor' else 'password'} for your "
                f"training account {count} times in a row "
                f"from the address {address or 'unknown'}. Further tries from there are being slowed down; "
                "you can still sign in as usual.\n\n"
                "If this was you, there is nothing to do. If it was not, tell your training lead, and "
                "consider changing your password.\n"
            ),
        )
        record("account.owner_warned", subject=f"user:{user.id}", actor=user, failures=count)


def clear_failures(user: User, address: str) -> None:
    """The address's wrong tries at this account are forgotten (the caller commits)."""
    db.session.execute(
        delete(SignInFailure).where(SignInFailure.user_id == user.id, SignInFailure.address == address)
    )


def authenticate(
    email: str,
    password: str,
    *,
    address: str,
    policy: FailurePolicy,
    second_step: Callable[[User], bool] = lambda _user: False,
) -> User | None:
    """Check the credentials. Wrong passwords slow down only the address they came from; every
    outcome is audited (never the password). When `second_step(user)` says a second factor follows,
    the address's wrong tries are kept until that step succeeds too, so that knowing the password does
    not buy fresh guesses at the code."""
    now = utcnow()
    user = find_user_by_email(email)
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        record("sign_in.failed", email=normalise_email(email)[:254], reason="unknown email")
    elif waiting_until(user, address, now) is not None:
        record("sign_in.failed", subject=f"user:{user.id}", actor=user, reason="address waiting")
    elif not user.active or not password_ok:
        count_failure(user, address, policy, now, what="sign_in")
    else:
        asked = second_step(user)
        if not asked:
            clear_failures(user, address)
        user.last_login_at = now
        if user.password_hash is not None and needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        # With a second factor to follow, the session starts (sign_in.succeeded) only after it.
        record(
            "sign_in.password_accepted" if asked else "sign_in.succeeded",
            subject=f"user:{user.id}",
            actor=user,
        )
        db.session.commit()
        return user
    db.session.commit()
    return None


def wait_problem(user: User, address: str, now: datetime) -> str | None:
    """ "Wait N minutes" while this address must wait before its next try at this account."""
    wait = waiting_until(user, address, now)
    if wait is None:
        return None
    minutes = max(1, math.ceil((wait - now).total_seconds() / 60))
    return f"Too many wrong tries. Wait {minutes} minute{'s' if minutes > 1 else ''} and try again."


def current_password_problem(user: User, password: str, *, address: str, policy: FailurePolicy) -> str | None:
    """The current-password check before a change: counted and slowed exactly like sign-in."""
    now = utcnow()
    problem = wait_problem(user, address, now)
    if problem is not None:
        return problem
    if verify_password(user.password_hash, password):
        clear_failures(user, address)
        db.session.commit()
        return None
    count_failure(user, address, policy, now, what="password_check")
    db.session.commit()
    return "Your current password is not right."


def failing_addresses(user: User) -> int:
    """How many addresses have wrong passwords counted against this account."""
    return (
        db.session.scalar(
            select(func.count()).select_from(SignInFailure).where(SignInFailure.user_id == user.id)
        )
        or 0
    )


def clear_sign_in_failures(user: User, actor: User) -> int:
    """An administrator lifts every wait on the account (audited); returns how many addresses waited."""
    cleared: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        delete(SignInFailure).where(SignInFailure.user_id == user.id)
    )
    record(
        "person.sign_in_failures_cleared", subject=f"user:{user.id}", actor=actor, addresses=cleared.rowcount
    )
    db.session.commit()
    return int(cleared.rowcount)


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie names the old version."""
    user.session_version += 1


def sign_out(user: User) -> None:
    end_sessions(user)
    record("sign_in.signed_out", subject=f"user:{user.id}", actor=user)
    db.session.commit()


def link_digest(token: str) -> str:
    """What is stored of a link's token (and held in the session while its page is open)."""
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
                    "token_hash": link_digest(token),
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
    return usable_link(link_digest(token), purpose)


def usable_link(digest: str, purpose: str) -> AccountToken:
    found = db.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == digest, AccountToken.purpose == purpose)
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
    db.session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id))
    end_sessions(user)
    record(f"account.{token.purpose}_redeemed", subject=f"user:{user.id}", actor=user)
    db.session.commit()
    return user


def change_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    record("account.password_changed", subject=f"user:{user.id}", actor=user)
    db.session.commit()
