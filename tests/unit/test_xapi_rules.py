"""The pure xAPI rules: IRIs from content ids, the actor, statements, scores and the LRS's answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from course.xapi import rules

AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_iris_are_built_from_the_content_ids():
    iris = rules.Iris("https://training.example.org/")
    assert iris.course("C").iri == "https://training.example.org/xapi/activities/course"
    assert (
        iris.section("m", "s", "S").iri == "https://training.example.org/xapi/activities/modules/m/sections/s"
    )
    assert (
        iris.question("m", "q", "Q").iri
        == "https://training.example.org/xapi/activities/modules/m/quiz/questions/q"
    )


def test_the_actor_is_an_mbox_or_an_account():
    assert (
        rules.actor(name="A", email="a@example.org", user_id=7, kind="mbox", home_page="h")["mbox"]
        == "mailto:a@example.org"
    )
    account = rules.actor(name="A", email="a@example.org", user_id=7, kind="account", home_page="https://h")
    assert account["account"] == {"homePage": "https://h", "name": "7"} and "mbox" not in account


def test_each_statement_has_its_own_id_and_the_context():
    iris = rules.Iris("https://t.example")
    who = rules.actor(name="A", email="a@example.org", user_id=1, kind="mbox", home_page="")
    one, two = (
        rules.statement(
            who=who,
            verb="passed",
            activity=iris.quiz("m", "M"),
            at=AT,
            parents=(iris.module("m", "M"),),
            grouping=iris.course("C"),
        )
        for _ in range(2)
    )
    assert one["id"] != two["id"] and uuid.UUID(one["id"])
    assert one["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert one["context"]["contextActivities"]["parent"] == [
        {"objectType": "Activity", "id": "https://t.example/xapi/activities/modules/m"}
    ]
    assert one["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"


def test_quiz_scores_are_scaled_between_zero_and_one():
    assert rules.quiz_result(correct=4, total=5, passed=True)["score"] == {
        "scaled": 0.8,
        "raw": 4,
        "min": 0,
        "max": 5,
    }
    assert rules.quiz_result(correct=0, total=0, passed=False)["score"]["scaled"] == 0.0


@pytest.mark.parametrize(
    ("status", "sent", "refused"),
    [
        (200, True, False),
        (204, True, False),
        (409, True, False),
        (400, False, True),
        (422, False, True),
        (401, False, False),
        (500, False, False),
        (503, False, False),
    ],
)
def test_the_lrs_answers(status, sent, refused):
    assert rules.accepted(status) is sent and rules.refused_for_good(status) is refused
