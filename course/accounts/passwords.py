"""Password hashing (argon2) and the NIST 800-63B rules: long enough, not common, no composition rules."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
# The installed zxcvbn refuses (raises on) a password longer than this, so it judges the first 72
# characters: a longer password is accepted when its first 72 are strong on their own.
STRENGTH_CHECKED = 72

# OWASP's recommended argon2id cost (19 MiB, 2 passes, 1 lane): about a quarter of the library's default
# CPU time per sign-in, so a whole staff signing in at once does not queue behind hashing.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """A hash made with other parameters than today's: replaced at the person's next sign-in."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """What is wrong with a new password, in words a person can act on; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters. A few unrelated words make a strong password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    squashed = re.sub(r"[^a-z0-9]", "", password.lower())
    for value in personal:
        own = re.sub(r"[^a-z0-9]", "", value.lower().split("@")[0])
        if len(own) >= 4 and own in squashed:
            return "Do not build your password from your name or email address."
    # zxcvbn checks the password against lists of common passwords, words and names, and patterns.
    words = [part for value in personal for part in (value, *re.split(r"[@._\-\s]+", value)) if part]
    result = zxcvbn(password[:STRENGTH_CHECKED], user_inputs=[word[:STRENGTH_CHECKED] for word in words])
    if result["score"] < 3:
        warning = result["feedback"].get("warning") or "It is too easy to guess."
        return f"Choose a less common password. {warning}".strip()
    return None
