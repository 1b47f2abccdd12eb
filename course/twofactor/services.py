"""The second factor's records: enrolling an authenticator app, checking its codes (counted and slowed
like wrong passwords), recovery codes, turning it off, an administrator's reset. Services own commits."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import CursorResult

from course import org
from course.accounts import services as accounts
from course.accounts.services import FailurePolicy
from course.audit import record
from course.database import utcnow
from course.extensions import db
from course.mail import queue_mail
from course.models import RecoveryCode, SecondFactor, User
from course.twofactor import rules

WHAT = "second_factor"  # the audit events' prefix: second_factor.failed, .enrolled, ...


def _tell(user: User, subject: str, news: str) -> None:
    """E-mail the person about a change to how they sign in (through the outbox, in the caller's
    transaction), so a change they did not make does not go unnoticed (ASVS 2.2.3)."""
    queue_mail(
        to=user.email, subject=subject, body=f"Hello {user.name},\n\nOn your training account, {news}\n"
    )


def new_secret() -> str:
    """A new authenticator secret: 160 random bits (RFC 4226's recommended length), in base32."""
    return pyotp.random_base32(length=32)


def factor_for(user: User) -> SecondFactor | None:
    """The person's confirmed authenticator, if they have one."""
    return db.session.scalar(
        select(SecondFactor).where(SecondFactor.user_id == user.id, SecondFactor.confirmed_at.is_not(None))
    )


def enrolled(user: User) -> bool:
    return factor_for(user) is not None


def required(user: User) -> bool:
    """Whether this person, signing in with a password, must give a second factor."""
    return user.password_hash is not None and rules.required(
        user.role, everyone=bool(org.settings().second_factor_everyone)
    )


def asked_for(user: User) -> bool:
    """Whether a second factor follows this person's password: required of them, or set up by choice."""
    return required(user) or enrolled(user)


def remaining_codes(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        )
        or 0
    )


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODES new ones (the caller commits); returns
    them as shown, the only time they exist outside the person's hands."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(rules.RECOVERY_ALPHABET) for _ in range(rules.RECOVERY_LENGTH))
        for _ in range(rules.RECOVERY_CODES)
    ]
    db.session.execute(
        insert(RecoveryCode),
        [
            {"user_id": user.id, "code_hash": rules.recovery_digest(code, secrets.token_hex(8))}
            for code in codes
        ],
    )
    return [rules.shown_recovery_code(code) for code in codes]


def enrol(user: User, secret: str, typed: str, *, now: datetime | None = None) -> list[str] | str:
    """Confirm a new authenticator with one of its codes: the person's factor becomes this one (an
    earlier one is replaced) with ten new recovery codes, returned. Or, when the code does not fit, what
    to fix (nothing is saved: the person has the secret in front of them, there is nothing to guess)."""
    code, problem = rules.read_code(typed)
    if code is None:
        return problem or rules.CODE_DIGITS
    now = now or utcnow()
    step = rules.accepted_step(secret, code, now=now, last_step=0)
    if step is None:
        return rules.CODE_WRONG
    replaced = db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    db.session.add(
        SecondFactor(user_id=user.id, secret=secret, confirmed_at=now, last_step=step, last_used_at=now)
    )
    codes = _new_recovery_codes(user)
    record(f"{WHAT}.enrolled", subject=f"user:{user.id}", actor=user, replaced=bool(replaced))
    _tell(
        user,
        "Two-step verification set up on your training account",
        f"{'a new' if replaced else 'an'} authenticator app was set up for two-step verification, with "
        "new recovery codes. If this was not you, tell your training lead at once.",
    )
    db.session.commit()
    return codes


def _address_waiting(user: User, address: str, now: datetime) -> str | None:
    """What to tell an address that must wait after wrong tries (audited), or None when it need not."""
    waiting = accounts.wait_problem(user, address, now)
    if waiting is not None:
        record(f"{WHAT}.failed", subject=f"user:{user.id}", actor=user, reason="address waiting")
        db.session.commit()
    return waiting


def check_code(
    user: User, typed: str, *, address: str, policy: FailurePolicy, now: datetime | None = None
) -> str | None:
    """Check a code from the person's authenticator at sign-in: None when it is right, else what to do.
    A wrong code counts like a wrong password (the address waits after a few); a right code is taken
    once, with a conditional update, so the same code sent twice at once still signs in only once."""
    now = now or utcnow()
    code, problem = rules.read_code(typed)
    if code is None:
        return problem
    if (waiting := _address_waiting(user, address, now)) is not None:
        return waiting
    factor = factor_for(user)
    step = (
        rules.accepted_step(factor.secret, code, now=now, last_step=factor.last_step)
        if factor is not None
        else None
    )
    if factor is not None and step is not None:
        claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            update(SecondFactor)
            .where(SecondFactor.id == factor.id, SecondFactor.last_step < step)
            .values(last_step=step, last_used_at=now)
        )
        if claimed.rowcount == 1:
            accounts.clear_failures(user, address)
            db.session.commit()
            return None
    replay = factor is not None and rules.replayed(factor.secret, code, now=now, last_step=factor.last_step)
    accounts.count_failure(user, address, policy, now, what=WHAT, method="authenticator app", replayed=replay)
    if replay:  # someone may have seen the code as it was typed (ASVS 2.8.5): the owner is told
        _tell(
            user,
            "A sign-in code was used twice on your training account",
            "a code from your authenticator app that had already been used was entered again, from the "
            f"address {address or 'unknown'}. It was refused.\n\nIf this was you, there is nothing to do. "
            "If it was not, someone may know your password and have seen a code: change your password "
            "and tell your training lead.",
        )
    db.session.commit()
    return rules.CODE_WRONG


def use_recovery_code(
    user: User, typed: str, *, address: str, policy: FailurePolicy, now: datetime | None = None
) -> str | None:
    """Sign in with a recovery code instead of the app: each works once. None when it was right."""
    now = now or utcnow()
    code, problem = rules.read_recovery_code(typed)
    if code is None:
        return problem
    if (waiting := _address_waiting(user, address, now)) is not None:
        return waiting
    unused = db.session.execute(
        select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).all()
    matching = [row.id for row in unused if rules.recovery_matches(row.code_hash, code)]  # all compared
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(RecoveryCode)
        .where(RecoveryCode.id.in_(matching[:1]), RecoveryCode.used_at.is_(None))
        .values(used_at=now)
    )
    if matching and claimed.rowcount == 1 and factor_for(user) is not None:
        accounts.clear_failures(user, address)
        record(
            f"{WHAT}.recovery_code_used", subject=f"user:{user.id}", actor=user, left=remaining_codes(user)
        )
        db.session.commit()
        return None
    db.session.rollback()
    accounts.count_failure(user, address, policy, now, what=WHAT, method="recovery code")
    db.session.commit()
    return rules.RECOVERY_WRONG


def signed_in(user: User, *, method: str) -> None:
    """The second step is done and the session starts: audited as the sign-in's success."""
    record("sign_in.succeeded", subject=f"user:{user.id}", actor=user, second_factor=method)
    db.session.commit()


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Audited."""
    codes = _new_recovery_codes(user)
    record(f"{WHAT}.recovery_codes_replaced", subject=f"user:{user.id}", actor=user)
    db.session.commit()
    return codes


def _forget(user: User) -> bool:
    removed = db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id)).rowcount  # type: ignore[attr-defined]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    return bool(removed)


def turn_off(user: User) -> None:
    """The person turns their own second factor off (only offered when it is not required of them)."""
    _forget(user)
    record(f"{WHAT}.removed", subject=f"user:{user.id}", actor=user)
    _tell(
        user,
        "Two-step verification turned off on your training account",
        "two-step verification was turned off. If this was not you, change your password and tell your "
        "training lead.",
    )
    db.session.commit()


def reset(person: User, actor: User | None) -> bool:
    """An administrator removes another person's authenticator and recovery codes: that person's
    sessions end everywhere, and they set up a new one at their next sign-in. Audited (no actor: from
    the command line)."""
    had = _forget(person)
    accounts.end_sessions(person)
    record(f"{WHAT}.reset", subject=f"user:{person.id}", actor=actor, person=person.id, had_factor=had)
    _tell(
        person,
        "Two-step verification reset on your training account",
        "an administrator reset your two-step verification and signed you out. The next time you sign in "
        "you will set up an authenticator app again. If you did not ask for this, tell your training lead.",
    )
    db.session.commit()
    return had
