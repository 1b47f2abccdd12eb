"""The LTI rules: claim checks at their boundaries, key publishing, scores, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.lti import rules
from course.lti.rules import DL, LTI, ClaimProblem, check_claims

NOW = 1_800_000_000.0


def claims(**changes):
    base = {
        "iss": "https://lms.example.org",
        "aud": "tool",
        "sub": "s-1",
        "exp": NOW + 300,
        "iat": NOW,
        "nonce": "n-1",
        LTI + "deployment_id": "d-1",
        LTI + "version": "1.3.0",
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "resource_link": {"id": "r-1"},
        LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def check(**changes):
    return check_claims(
        claims(**changes),
        issuer="https://lms.example.org",
        client_id="tool",
        nonce="n-1",
        deployments=["d-1", "d-2"],
        now=NOW,
    )


def reason(**changes):
    with pytest.raises(ClaimProblem) as problem:
        check(**changes)
    return problem.value.reason


def test_a_good_launch_passes():
    launch = check(**{LTI + "custom": {"job_role": "nurse", "module": " warning-signs "}})
    assert (launch.subject, launch.deployment_id, launch.resource_link_id) == ("s-1", "d-1", "r-1")
    assert launch.job_role == "nurse" and launch.module_id == "warning-signs"
    assert not launch.teaches and launch.lineitem_url is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"iss": "https://other.example.org"}, "issuer"),
        ({"aud": "other"}, "audience"),
        ({"aud": ["other", "tool"]}, "audience"),  # several audiences: azp must name us
        ({"nonce": "n-2"}, "replayed"),
        ({LTI + "deployment_id": "d-9"}, "deployment"),
        ({LTI + "version": "1.1"}, "claims"),
        ({LTI + "message_type": "LtiSubmissionReviewRequest"}, "claims"),
        ({"sub": ""}, "claims"),
        ({"exp": None}, "claims"),
        ({LTI + "resource_link": None}, "claims"),
    ],
)
def test_each_claim_is_checked(changes, expected):
    assert reason(**changes) == expected


def test_several_audiences_pass_when_azp_names_us():
    assert check(aud=["other", "tool"], azp="tool").subject == "s-1"


def test_expiry_has_a_minute_of_leeway_and_no_more():
    assert check(exp=NOW - rules.CLOCK_LEEWAY).subject == "s-1"
    assert reason(exp=NOW - rules.CLOCK_LEEWAY - 1) == "expired"
    assert check(iat=NOW + rules.CLOCK_LEEWAY).subject == "s-1"
    assert reason(iat=NOW + rules.CLOCK_LEEWAY + 1) == "expired"


def test_the_line_item_counts_only_with_the_score_scope():
    ags = {"lineitem": "https://lms.example.org/li/1", "scope": [rules.SCORE_SCOPE]}
    assert check(**{rules.AGS: ags}).lineitem_url == "https://lms.example.org/li/1"
    assert check(**{rules.AGS: {**ags, "scope": []}}).lineitem_url is None


def test_a_deep_linking_request_needs_its_return_address():
    deep = {LTI + "message_type": "LtiDeepLinkingRequest", LTI + "resource_link": None}
    assert reason(**deep) == "claims"
    launch = check(
        **deep, **{DL + "deep_linking_settings": {"deep_link_return_url": "https://lms/r", "data": "x"}}
    )
    assert (launch.deep_link_return_url, launch.deep_link_data) == ("https://lms/r", "x")


def test_teachers_are_known_by_their_role_but_get_nothing_for_it():
    launch = check(**{LTI + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]})
    assert launch.teaches


def test_frame_origins_come_from_the_platform_and_its_signed_return_page():
    origins = rules.frame_origins(
        issuer="https://canvas.instructure.com",
        auth_login_url="https://sso.canvaslms.com/api/lti/authorize_redirect",
        return_url="https://school.instructure.com/courses/1/external_content/success",
    )
    assert origins == [
        "https://canvas.instructure.com",
        "https://school.instructure.com",
        "https://sso.canvaslms.com",
    ]
    assert rules.frame_origins(issuer="x", auth_login_url="javascript:alert(1)", return_url=None) == []


def test_scores_url_keeps_the_query():
    assert rules.scores_url("https://lms/li/7?type=a") == "https://lms/li/7/scores?type=a"
    assert rules.scores_url("https://lms/li/7/") == "https://lms/li/7/scores"


def test_retired_keys_stay_published_for_the_grace_period_only():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    keys = [
        ("new", None),
        ("recent", now - rules.KEY_GRACE + timedelta(seconds=1)),
        ("old", now - rules.KEY_GRACE),
    ]
    assert rules.published(keys, now) == ["new", "recent"]


def test_the_score_is_completed_fully_graded_and_bounded():
    body = rules.score_body(subject="s", score=130, timestamp="t")
    assert (body["scoreGiven"], body["scoreMaximum"]) == (100, 100)
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")
    assert rules.score_body(subject="s", score=-5, timestamp="t")["scoreGiven"] == 0


@pytest.mark.parametrize(
    ("status", "retry"),
    [(500, True), (503, True), (429, True), (401, True), (400, False), (403, False), (404, False)],
)
def test_which_answers_are_retried(status, retry):
    assert rules.should_retry(status) is retry


def test_names_and_placeholder_addresses():
    assert rules.display_name({"given_name": " Ana ", "family_name": "Li"}) == "Ana Li"
    assert rules.display_name({}) == "LMS learner"
    assert rules.placeholder_email(3, "ab" * 20).endswith("@lms.invalid")


def test_a_deep_linking_return_address_must_be_a_web_address():
    deep = {LTI + "message_type": "LtiDeepLinkingRequest", LTI + "resource_link": None}
    settings = {"deep_link_return_url": "javascript:alert(1)"}
    assert reason(**deep, **{DL + "deep_linking_settings": settings}) == "claims"
