"""The pure SCORM rules: the signed launch, the resume place, and what a package reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from course.scorm import rules

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KEY, SECRET = "key-1", "s" * 64


def _args(issued: datetime = NOW, **changes: str) -> dict[str, str]:
    args = {
        "learner": "L-1",
        "name": "Doe, Jane",
        "origins": "https://lms.example.org",
        "issued": str(int(issued.timestamp() * 1000)),
    }
    args.update(changes)
    message = rules.launch_message(KEY, args["learner"], args["name"], args["origins"], args["issued"])
    args.setdefault("signature", rules.signature(SECRET, message))
    return args


def test_a_signed_launch_reads_the_learner_and_their_lms():
    launch = rules.read_launch(KEY, SECRET, _args(), NOW)
    assert launch == rules.Launch("L-1", "Jane Doe", ("https://lms.example.org",), "")


@pytest.mark.parametrize("age", [rules.LAUNCH_VALIDITY, -rules.LAUNCH_VALIDITY])
def test_the_validity_boundary_is_inclusive(age):
    assert rules.read_launch(KEY, SECRET, _args(NOW - age), NOW).learner_id == "L-1"


@pytest.mark.parametrize(
    "age", [rules.LAUNCH_VALIDITY + timedelta(seconds=1), -rules.LAUNCH_VALIDITY - timedelta(seconds=1)]
)
def test_a_launch_outside_its_validity_is_refused(age):
    with pytest.raises(rules.LaunchProblem):
        rules.read_launch(KEY, SECRET, _args(NOW - age), NOW)


def test_another_packages_secret_does_not_verify():
    with pytest.raises(rules.LaunchProblem, match="not signed"):
        rules.read_launch(KEY, "t" * 64, _args(), NOW)


@pytest.mark.parametrize(
    "origins",
    ["", "https://lms.example.org/path", "ftp://lms.example.org", " ".join(["https://a.example"] * 9)],
)
def test_origins_must_read_as_origins(origins):
    assert rules.claimed_origins(origins) == ()
    with pytest.raises(rules.LaunchProblem):
        rules.read_launch(KEY, SECRET, _args(origins=origins), NOW)


def test_eight_origins_are_enough_and_allowed():
    origins = " ".join(f"https://lms{n}.example.org:8443" for n in range(8))
    assert len(rules.claimed_origins(origins)) == 8


@pytest.mark.parametrize(
    ("given", "shown"),
    [("Doe, Jane", "Jane Doe"), ("Jane Doe", "Jane Doe"), ("a, b, c", "a, b, c"), ("Doe,", "Doe")],
)
def test_scorm_names_read_first_name_first(given, shown):
    assert rules.display_name(given) == shown


@pytest.mark.parametrize(
    ("place", "kept"),
    [
        ("/modules/m/section", True),
        ("/modules/m", True),
        ("/modules/other/section", False),
        ("//evil.example/modules/m", False),
        ("/modules/m/x?next=//evil", False),
        ("/modules/m/\\evil", False),
        ("/modules/m/" + "x" * 300, False),
    ],
)
def test_resume_only_inside_the_package(place, kept):
    assert (rules.resume_place(place, "/modules/m") == place) is kept


def test_a_module_report_passes_with_the_best_score_and_fails_with_the_latest():
    assert rules.module_report(True, 90, 40) == rules.Report("completed", "passed", 90)
    assert rules.module_report(False, 90, None) == rules.Report("incomplete", "passed", 90)
    assert rules.module_report(False, None, 40) == rules.Report("incomplete", "failed", 40)
    assert rules.module_report(False, None, None) == rules.Report("incomplete", "unknown", None)


def test_a_course_report_completes_with_the_mean_score():
    assert rules.course_report(False, {"a": 100}) == rules.Report("incomplete", "unknown", None)
    assert rules.course_report(True, {"a": 100, "b": 81}) == rules.Report("completed", "passed", 90)
    assert rules.course_report(True, {}).score is None


def test_zip_names():
    assert rules.zip_name("1.2", None) == "course-scorm12.zip"
    assert rules.zip_name("2004", "understanding") == "course-scorm2004-understanding.zip"
