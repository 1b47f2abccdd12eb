"""Where an invitation stands, and the invitation and reset e-mails."""

from datetime import UTC, datetime, timedelta

import pytest

from course.invitations.rules import (
    ACCEPTED,
    CAN_SIGN_IN,
    EXPIRED,
    NOT_INVITED,
    WAITING,
    account_mail,
    invitation_state,
)

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("has_password", "invited", "used", "expires", "state"),
    [
        (False, None, None, None, NOT_INVITED),
        (False, NOW, None, NOW + timedelta(seconds=1), WAITING),
        (False, NOW, None, NOW, EXPIRED),  # expiry is the first moment it no longer works
        (True, NOW, NOW, NOW + timedelta(days=1), ACCEPTED),
        (True, None, None, None, CAN_SIGN_IN),  # created with a password, never invited
    ],
)
def test_invitation_state(has_password, invited, used, expires, state):
    got = invitation_state(
        has_password=has_password, invited_at=invited, used_at=used, expires_at=expires, now=NOW
    )
    assert got == state


def test_the_invitation_is_calm_and_says_who_where_and_until_when():
    mail = account_mail(
        purpose="invite",
        name="Ana <b>",
        link="https://t.example/invitation/abc",
        org_name="Riverside & Co",
        valid_until="8 December 2026",
    )
    assert mail.subject == "Your account for Riverside & Co staff training"
    assert "https://t.example/invitation/abc\n" in mail.text and "until 8 December 2026" in mail.text
    assert mail.text.startswith("Dear Ana <b>,") and "Riverside & Co" in mail.text
    assert "Dear Ana &lt;b&gt;," in mail.html and "Riverside &amp; Co" in mail.html
    assert '<a href="https://t.example/invitation/abc">' in mail.html and "<b>" not in mail.html
    for word in ("urgent", "suicide", "warning", "immediately", "risk"):
        assert word not in (mail.subject + mail.text).lower()


def test_the_reset_says_it_can_be_ignored():
    mail = account_mail(
        purpose="reset",
        name="",
        link="https://t/reset/x",
        org_name="Org",
        valid_until="2 December 2026, 14:00",
    )
    assert mail.subject == "Reset your password for Org staff training"
    assert "Dear colleague," in mail.text and "you can ignore this e-mail" in mail.text
