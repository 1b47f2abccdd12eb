"""Pure rules of the second factor: who must have one, reading a typed code, which time step a code
belongs to (one step either side, never one already used), recovery codes, the pending sign-in's life."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pyotp

from course.models import Role

STAFF_ROLES = frozenset({Role.ADMIN, Role.MANAGER})
DIGITS = 6
STEP_SECONDS = 30
WINDOW = 1  # time steps accepted either side of now: a clock a little out, a code typed as it changed
RECOVERY_CODES = 10
RECOVERY_LENGTH = 10  # characters of a recovery code, shown in two groups of five
# Letters and digits that cannot be mistaken for one another when read off paper (no 0/o, 1/l/i).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PENDING = timedelta(minutes=5)  # between the right password and the second factor

CODE_REQUIRED = "Enter the 6-digit code from your authenticator app."
CODE_DIGITS = "The code has 6 digits, such as 123456. Enter only the digits."
CODE_WRONG = "That code is not right or has already been used; wait for the next one and enter it."
RECOVERY_REQUIRED = "Enter one of your recovery codes."
RECOVERY_SHAPE = "A recovery code has 10 letters and digits, such as abcde-23456."
RECOVERY_WRONG = "That recovery code is not right or has already been used. Check it, or use another."

_SEPARATORS = re.compile("[ \u00a0-]+")  # spaces (also no-break) and hyphens people type or paste


def required(role: str, *, everyone: bool) -> bool:
    """Whether a person who signs in with a password must also give a second factor: managers and
    administrators always, everyone when the organisation's setting says so."""
    return role in STAFF_ROLES or everyone


def read_code(typed: str) -> tuple[str | None, str | None]:
    """(the code, None) from what was typed (spaces and hyphens dropped), or (None, what to fix)."""
    code = _SEPARATORS.sub("", typed or "")
    if not code:
        return None, CODE_REQUIRED
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None, CODE_DIGITS
    return code, None


def read_recovery_code(typed: str) -> tuple[str | None, str | None]:
    """(the recovery code as stored, None) from what was typed (any case, spaces and hyphens dropped)."""
    code = _SEPARATORS.sub("", typed or "").lower()
    if not code:
        return None, RECOVERY_REQUIRED
    if len(code) != RECOVERY_LENGTH or not code.isascii() or not code.isalnum():
        return None, RECOVERY_SHAPE
    return code, None


def step_at(when: datetime) -> int:
    """The 30-second time step (RFC 6238's counter) that `when` falls in."""
    return int(when.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def accepted_step(secret: str, code: str, *, now: datetime, last_step: int) -> int | None:
    """The time step whose code `code` is, when it is within one step of now and later than the last
    step accepted (a code used once, or an earlier one, is refused: no replay); otherwise None. Every
    step of the window is compared, in constant time, so the answer's timing says nothing."""
    current = step_at(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(code_at_step(secret, step), code) and step > last_step and found is None:
            found = step
    return found


def grouped(secret: str) -> str:
    """The secret for typing in by hand: groups of four characters."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code (its label: issuer and e-mail)."""
    issuer = issuer.strip() or "Self-harm awareness training"
    label = quote(f"{issuer}:{account}", safe="@:")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer, safe='')}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )


def shown_recovery_code(code: str) -> str:
    """A recovery code as shown: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def recovery_digest(code: str, salt: str) -> str:
    """What is stored of a recovery code: "salt$digest", the SHA-256 digest of a random salt of its own
    (64 bits, hex) and the code. The codes are random (about 50 bits each), so a fast digest is enough; the
    salt makes each digest unique, so no table of digests computed in advance applies (ASVS 2.6.2)."""
    return f"{salt}${hashlib.sha256(f'{salt}{code}'.encode()).hexdigest()}"


def recovery_matches(stored: str, code: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(recovery_digest(code, salt), stored)


def replayed(secret: str, code: str, *, now: datetime, last_step: int) -> bool:
    """Whether `code` is the code of a step in the window that was already used (or is older than the
    one used): a code seen before, sent again."""
    current = step_at(now)
    return any(
        hmac.compare_digest(code_at_step(secret, step), code)
        for step in range(current - WINDOW, current + WINDOW + 1)
        if step <= last_step
    )


def pending_over(started: datetime, now: datetime, *, lasts: timedelta = PENDING) -> bool:
    """Whether a sign-in waiting for its second factor has run out of time (at `lasts` exactly, it has)."""
    return now - started >= lasts or now < started - timedelta(minutes=1)
