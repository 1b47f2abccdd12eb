"""The tests' authenticator app: it knows each test person's secret (tests.factories gives managers and
administrators an authenticator with one of their own) and answers the code prompt as a person would.

A code is accepted once: when the current time step's code was already used for the person (they signed
in moments ago), the next step's code is given, which the one-step window accepts."""

from __future__ import annotations

import base64
import hashlib
import re
import time
from typing import Any

from sqlalchemy import select

from course.models import SecondFactor, User
from course.twofactor import rules

SECRET_ON_PAGE = re.compile(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>')


def secret_for(email: str) -> str:
    """The known secret of a test person's authenticator: base32 of a digest of their e-mail address."""
    return base64.b32encode(hashlib.sha256(email.strip().lower().encode()).digest()[:20]).decode()


def code_after(secret: str, last_step: int) -> tuple[str, int]:
    """A code the server will accept now: the current step's, or the next one's when the current one is
    used (waiting for a step to pass when even that one is, so as never to be refused)."""
    while True:
        now = int(time.time()) // rules.STEP_SECONDS
        step = max(now, last_step + 1)
        if step <= now + rules.WINDOW:
            return rules.code_at_step(secret, step), step
        time.sleep(rules.STEP_SECONDS - time.time() % rules.STEP_SECONDS + 0.05)


def code_for(session: Any, email: str) -> str:
    """A code for the person's enrolled authenticator, read from the database (`session`: a SQLAlchemy
    session, or a connection, of the app's database)."""
    factor = session.execute(
        select(SecondFactor.secret, SecondFactor.last_step)
        .join(User, User.id == SecondFactor.user_id)
        .where(User.email == email.strip().lower(), SecondFactor.confirmed_at.is_not(None))
    ).first()
    assert factor is not None, f"{email} has no authenticator set up"
    return code_after(factor.secret, factor.last_step)[0]


def secret_on_page(html: str) -> str:
    """The secret the set-up page shows for typing in by hand (its groups of four joined)."""
    match = SECRET_ON_PAGE.search(html)
    assert match, "the page shows no secret to set up"
    return match.group(1).replace(" ", "")


def first_code(secret: str) -> str:
    return code_after(secret, 0)[0]
