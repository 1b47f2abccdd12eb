"""Pure xAPI 1.0.3 rules: activity IRIs built from the content ids, verbs, the actor, and the
statements. No database, no Flask."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

VERSION = "1.0.3"
LANGUAGE = "en-GB"
VERBS = {
    name: f"http://adlnet.gov/expapi/verbs/{name}"
    for name in ("initialized", "experienced", "answered", "passed", "failed", "completed")
}
TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "module": "http://adlnet.gov/expapi/activities/module",
    "section": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
}
Statement = dict[str, Any]


@dataclass(frozen=True)
class Activity:
    iri: str
    kind: str  # a key of TYPES
    name: str

    def as_object(self) -> dict[str, Any]:
        return {
            "objectType": "Activity",
            "id": self.iri,
            "definition": {"name": {LANGUAGE: self.name}, "type": TYPES[self.kind]},
        }


class Iris:
    """The activities of the course, each named for good by its content ids under the site's address."""

    def __init__(self, base_url: str) -> None:
        self.root = base_url.rstrip("/") + "/xapi/activities"

    def course(self, title: str) -> Activity:
        return Activity(f"{self.root}/course", "course", title)

    def module(self, module_id: str, title: str) -> Activity:
        return Activity(f"{self.root}/modules/{module_id}", "module", title)

    def section(self, module_id: str, section_id: str, title: str) -> Activity:
        return Activity(f"{self.root}/modules/{module_id}/sections/{section_id}", "section", title)

    def quiz(self, module_id: str, title: str) -> Activity:
        return Activity(f"{self.root}/modules/{module_id}/quiz", "quiz", f"Quiz: {title}")

    def question(self, module_id: str, question_id: str, text: str) -> Activity:
        return Activity(
            f"{self.root}/modules/{module_id}/quiz/questions/{question_id}", "question", text[:200]
        )


def actor(*, name: str, email: str, user_id: int, kind: str, home_page: str) -> dict[str, Any]:
    """The learner as an e-mail address (mbox), or as an account on `home_page` (kind "account")."""
    if kind == "account":
        return {"objectType": "Agent", "name": name, "account": {"homePage": home_page, "name": str(user_id)}}
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{email}"}


def statement(
    *,
    who: dict[str, Any],
    verb: str,
    activity: Activity,
    at: datetime,
    parents: tuple[Activity, ...] = (),
    grouping: Activity | None = None,
    result: dict[str, Any] | None = None,
) -> Statement:
    """One statement with a fresh id: the id is made when the statement is written, so a retried
    delivery sends the same id and the LRS can tell it already has it."""
    context: dict[str, Any] = {"language": LANGUAGE}
    activities: dict[str, Any] = {}
    if parents:
        activities["parent"] = [{"objectType": "Activity", "id": p.iri} for p in parents]
    if grouping is not None:
        activities["grouping"] = [{"objectType": "Activity", "id": grouping.iri}]
    if activities:
        context["contextActivities"] = activities
    made: Statement = {
        "id": str(uuid.uuid4()),
        "actor": who,
        "verb": {"id": VERBS[verb], "display": {LANGUAGE: verb}},
        "object": activity.as_object(),
        "context": context,
        "timestamp": at.isoformat(),
    }
    if result is not None:
        made["result"] = result
    return made


def quiz_result(*, correct: int, total: int, passed: bool) -> dict[str, Any]:
    """The score of a marked quiz: raw is the questions right, scaled the share of them (0 to 1)."""
    scaled = round(correct / total, 4) if total else 0.0
    return {
        "score": {"scaled": scaled, "raw": correct, "min": 0, "max": total},
        "success": passed,
        "completion": True,
    }


def answer_result(*, selected: frozenset[str], correct: bool) -> dict[str, Any]:
    return {"response": "[,]".join(sorted(selected)), "success": correct}


def accepted(status: int) -> bool:
    """Stored (200, 204), or stored before (409: a statement with this id is there already)."""
    return status in (200, 204, 409)


def refused_for_good(status: int) -> bool:
    """The LRS says the statement itself is wrong: sending it again cannot help."""
    return status in (400, 413, 422)
