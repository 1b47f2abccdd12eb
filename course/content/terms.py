"""Words that belong to one region's system: a learner in the other region must not meet them.

The one list of such terms, used by `content check` and by the tests of what UK and US learners read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from course.content.markdown import plain
from course.content.schema import Course, Module, Question, Scenario

UK_ONLY = (
    "designated safeguarding lead",
    "DSL",
    "NICE",
    "GP",
    "children's social care",
    "KCSIE",
    "NHS",
)
US_ONLY = (
    "988",
    "CPS",
    "child protective services",
    "mandated reporter",
    "mandated reporting",
    "school counselor",
)
# The terms a learner in each region must not read.
FOREIGN_TERMS = {"UK": US_ONLY, "US": UK_ONLY}


def _pattern(term: str) -> re.Pattern[str]:
    # Acronyms and numbers match as written ("NICE", not "nice"); words in any case; a plural too.
    flags = 0 if term.isupper() or term.isdigit() else re.IGNORECASE
    return re.compile(rf"(?<!\w){re.escape(term)}s?(?!\w)", flags)


_PATTERNS = {term: _pattern(term) for term in (*UK_ONLY, *US_ONLY)}


def terms_in(text: str, terms: tuple[str, ...]) -> list[str]:
    """The terms that occur in `text` (curly apostrophes read as straight ones)."""
    text = text.replace("\u2019", "'")
    return [term for term in terms if _PATTERNS[term].search(text)]


@dataclass(frozen=True)
class Leak:
    region: str
    audience: str
    where: str
    term: str

    def __str__(self) -> str:
        return f"{self.where}: '{self.term}' is shown to {self.audience}s in {self.region}"


def _question_text(question: Question) -> str:
    options = " ".join(f"{o.text} {o.feedback}" for o in question.options)
    return f"{question.situation} {question.prompt} {options} {question.explanation}"


def _scenario_text(scenario: Scenario) -> str:
    responses = " ".join(f"{r.text} {r.feedback}" for r in scenario.responses)
    return f"{scenario.title} {scenario.situation} {scenario.question} {responses}"


def learner_texts(course: Course, module: Module, audience: str, region: str) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a learner of this audience and region reads in a module and can be
    drawn in its quiz. Source titles are citations, so they are left out."""
    objectives = " ".join(o.text for o in module.objectives)
    key_points = " ".join(module.key_points)
    yield (
        f"module {module.id}",
        f"{module.title} {module.summary} {plain(module.intro_html)} {objectives} {key_points}",
    )
    for section in module.sections_for(audience):
        blocks = " ".join(plain(b.html) for b in section.blocks_for(audience, region))
        yield f"module {module.id}, section {section.id}", f"{section.title} {blocks}"
        for scenario in section.scenarios_for(audience, region):
            yield f"module {module.id}, scenario {scenario.id}", _scenario_text(scenario)
    bank = course.banks.get(module.id)
    for question in bank.questions_for(audience, region) if bank else ():
        yield f"quizzes/{module.id}.yaml, question {question.id}", _question_text(question)


def region_leaks(course: Course) -> list[Leak]:
    """Every place where a UK learner reads a US-only term, or a US learner a UK-only one."""
    leaks = []
    for region, terms in FOREIGN_TERMS.items():
        for module in course.modules:
            for audience in module.audiences:
                for where, text in learner_texts(course, module, audience, region):
                    leaks += [Leak(region, audience, where, term) for term in terms_in(text, terms)]
    return leaks
