"""The second factor's pure rules: who must have one, reading what was typed, the time-step window and
replays, the otpauth address, recovery codes and the pending sign-in's five minutes."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.models import Role
from course.twofactor import rules

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2026, 12, 1, 12, 0, 15, tzinfo=UTC)  # 15 s into its 30-second step


@pytest.mark.parametrize(
    ("role", "everyone", "expected"),
    [
        (Role.ADMIN, False, True),
        (Role.MANAGER, False, True),
        (Role.LEARNER, False, False),
        (Role.LEARNER, True, True),
        (Role.ADMIN, True, True),
    ],
)
def test_managers_and_admins_always_need_a_second_factor_learners_when_the_setting_says(
    role, everyone, expected
):
    assert rules.required(role, everyone=everyone) is expected


@pytest.mark.parametrize(
    ("typed", "code", "problem"),
    [
        ("123456", "123456", None),
        (" 123 456 ", "123456", None),
        ("123-456", "123456", None),
        ("", None, rules.CODE_REQUIRED),
        ("   ", None, rules.CODE_REQUIRED),
        ("12345", None, rules.CODE_DIGITS),
        ("1234567", None, rules.CODE_DIGITS),
        ("12345a", None, rules.CODE_DIGITS),
        ("１２３４５６", None, rules.CODE_DIGITS),  # full-width digits are digits, but not ASCII
        ("١٢٣٤٥٦", None, rules.CODE_DIGITS),  # Arabic-Indic digits
        ("12\x0034", None, rules.CODE_DIGITS),
        ("DROP TABLE", None, rules.CODE_DIGITS),
    ],
)
def test_a_typed_code_is_read_or_told_what_to_fix(typed, code, problem):
    assert rules.read_code(typed) == (code, problem)


@given(st.text(max_size=50))
def test_reading_any_text_gives_a_code_of_six_ascii_digits_or_a_message(typed):
    code, problem = rules.read_code(typed)
    assert (code is None) != (problem is None)
    if code is not None:
        assert len(code) == 6 and code.isascii() and code.isdigit()


def test_the_code_matches_pyotps_own():
    assert rules.code_at_step(SECRET, rules.step_at(NOW)) == pyotp.TOTP(SECRET).at(NOW)


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted_two_steps_are_not(offset, accepted):
    step = rules.step_at(NOW) + offset
    code = rules.code_at_step(SECRET, step)
    assert rules.accepted_step(SECRET, code, now=NOW, last_step=0) == (step if accepted else None)


@pytest.mark.parametrize("seconds", [0, 29])
def test_the_window_is_counted_in_whole_steps_at_either_end_of_one(seconds):
    start = NOW.replace(second=0)
    when = start + timedelta(seconds=seconds)
    before, after = rules.step_at(start) - 1, rules.step_at(start) + 1
    assert rules.accepted_step(SECRET, rules.code_at_step(SECRET, before), now=when, last_step=0) == before
    assert rules.accepted_step(SECRET, rules.code_at_step(SECRET, after), now=when, last_step=0) == after
    assert rules.accepted_step(SECRET, rules.code_at_step(SECRET, before - 1), now=when, last_step=0) is None


def test_a_code_already_used_or_older_than_the_last_one_used_is_refused():
    step = rules.step_at(NOW)
    code = rules.code_at_step(SECRET, step)
    assert rules.accepted_step(SECRET, code, now=NOW, last_step=step - 1) == step
    assert rules.accepted_step(SECRET, code, now=NOW, last_step=step) is None  # the same code again
    earlier = rules.code_at_step(SECRET, step - 1)
    assert rules.accepted_step(SECRET, earlier, now=NOW, last_step=step) is None  # an older one after it
    later = rules.code_at_step(SECRET, step + 1)
    assert rules.accepted_step(SECRET, later, now=NOW, last_step=step) == step + 1  # the next is fine


def test_a_wrong_code_is_refused():
    right = rules.code_at_step(SECRET, rules.step_at(NOW))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert rules.accepted_step(SECRET, wrong, now=NOW, last_step=0) is None


def test_the_secret_is_shown_in_groups_of_four():
    assert rules.grouped(SECRET) == "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"


def test_the_otpauth_address_names_the_organisation_as_issuer_and_an_app_reads_it_back():
    uri = rules.provisioning_uri(SECRET, account="ana@example.org", issuer="Northfield & District NHS")
    parts = urlsplit(uri)
    assert parts.scheme == "otpauth" and parts.netloc == "totp"
    assert unquote(parts.path) == "/Northfield & District NHS:ana@example.org"
    query = parse_qs(parts.query)
    assert query["issuer"] == ["Northfield & District NHS"] and query["secret"] == [SECRET]
    assert query["digits"] == ["6"] and query["period"] == ["30"]
    parsed = pyotp.parse_uri(uri)
    assert parsed.issuer == "Northfield & District NHS" and parsed.name == "ana@example.org"
    assert parsed.now() == pyotp.TOTP(SECRET).now()


def test_an_organisation_without_a_name_yet_gets_the_courses_name_as_issuer():
    uri = rules.provisioning_uri(SECRET, account="a@example.org", issuer="  ")
    assert pyotp.parse_uri(uri).issuer == "Self-harm awareness training"


@pytest.mark.parametrize(
    ("typed", "code", "problem"),
    [
        ("abcde-23456", "abcde23456", None),
        ("ABCDE 23456", "abcde23456", None),
        ("", None, rules.RECOVERY_REQUIRED),
        ("abcde", None, rules.RECOVERY_SHAPE),
        ("abcde-2345!", None, rules.RECOVERY_SHAPE),
        ("abcdé-23456", None, rules.RECOVERY_SHAPE),
    ],
)
def test_a_typed_recovery_code_is_read_in_any_case_or_told_what_to_fix(typed, code, problem):
    assert rules.read_recovery_code(typed) == (code, problem)


def test_recovery_codes_are_shown_in_two_groups_and_stored_as_a_salted_digest():
    assert rules.shown_recovery_code("abcde23456") == "abcde-23456"
    stored = rules.recovery_digest("abcde23456", "0123456789fedcb0")
    salt, _, digest = stored.partition("$")
    assert salt == "0123456789fedcb0" and len(digest) == 64 and "abcde" not in stored
    assert rules.recovery_matches(stored, rules.read_recovery_code("ABCDE-23456")[0])
    assert not rules.recovery_matches(stored, "abcde23457")
    assert rules.recovery_digest("abcde23456", "fedcba9876543210") != stored  # each salt its own digest


def test_a_replay_is_told_apart_from_a_wrong_code():
    step = rules.step_at(NOW)
    used = rules.code_at_step(SECRET, step)
    assert rules.replayed(SECRET, used, now=NOW, last_step=step)
    assert rules.replayed(SECRET, rules.code_at_step(SECRET, step - 1), now=NOW, last_step=step)
    assert not rules.replayed(SECRET, rules.code_at_step(SECRET, step + 1), now=NOW, last_step=step)
    assert not rules.replayed(SECRET, used, now=NOW, last_step=step - 1)


@pytest.mark.parametrize(
    ("after", "over"),
    [
        (timedelta(0), False),
        (timedelta(minutes=4, seconds=59), False),
        (timedelta(minutes=5), True),
        (timedelta(minutes=5, seconds=1), True),
        (timedelta(days=1), True),
    ],
)
def test_a_pending_sign_in_lasts_five_minutes(after, over):
    assert rules.pending_over(NOW, NOW + after) is over
