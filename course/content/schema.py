"""Course content as immutable objects, built once at start-up from the files in modules/ and quizzes/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

AUDIENCES = ("teacher", "nurse")
REGIONS = ("UK", "US", "CA", "AU")
QUESTION_TYPES = ("single", "multiple", "truefalse", "scenario")
QUIZ_MINUTES_PER_QUESTION = 1  # reading a short situation and choosing; the stated time counts it


@dataclass(frozen=True)
class Objective:
    id: str
    text: str
    competence: str = ""


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Block:
    """A run of rendered text, for everyone or for one audience and/or region."""

    html: str
    audience: str | None = None
    region: str | None = None

    def shown_to(self, audience: str, region: str) -> bool:
        return self.audience in (None, audience) and self.region in (None, region)


@dataclass(frozen=True)
class Response:
    id: str
    text: str
    feedback: str
    best: bool = False


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    situation: str
    question: str
    responses: tuple[Response, ...]
    audiences: tuple[str, ...] = AUDIENCES
    regions: tuple[str, ...] = REGIONS

    def shown_to(self, audience: str, region: str) -> bool:
        return audience in self.audiences and region in self.regions

    def response(self, response_id: str) -> Response | None:
        return next((r for r in self.responses if r.id == response_id), None)

    @property
    def best(self) -> Response:
        return next(r for r in self.responses if r.best)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]
    audiences: tuple[str, ...] = AUDIENCES
    org_contacts: bool = False
    scenarios: tuple[Scenario, ...] = ()
    plain_text: str = ""  # the words a learner reads, for readability checks

    def blocks_for(self, audience: str, region: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.shown_to(audience, region))

    def scenarios_for(self, audience: str, region: str) -> tuple[Scenario, ...]:
        return tuple(s for s in self.scenarios if s.shown_to(audience, region))


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    version: int
    order: int
    minutes: int
    audiences: tuple[str, ...]
    summary: str
    last_reviewed: date
    objectives: tuple[Objective, ...]
    sources: tuple[Source, ...]
    key_points: tuple[str, ...]
    intro_html: str
    sections: tuple[Section, ...]
    plain_text: str = ""

    def sections_for(self, audience: str) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if audience in s.audiences)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def scenario(self, scenario_id: str) -> tuple[Section, Scenario] | None:
        for section in self.sections:
            for scenario in section.scenarios:
                if scenario.id == scenario_id:
                    return section, scenario
        return None


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    feedback: str
    correct: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    objective: str
    audiences: tuple[str, ...]
    prompt: str
    options: tuple[Option, ...]
    explanation: str
    situation: str = ""
    regions: tuple[str, ...] = REGIONS

    def shown_to(self, audience: str, region: str) -> bool:
        return audience in self.audiences and region in self.regions

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class QuestionBank:
    module_id: str
    version: int
    pass_mark: int
    draw: int
    questions: tuple[Question, ...]

    def questions_for(self, audience: str, region: str) -> tuple[Question, ...]:
        """The questions a learner of this audience, in an organisation of this region, may be drawn."""
        return tuple(q for q in self.questions if q.shown_to(audience, region))

    @property
    def minutes(self) -> int:
        """The time the quiz takes: a minute for each question drawn."""
        return self.draw * QUIZ_MINUTES_PER_QUESTION

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Helpline:
    name: str
    contact: str
    description: str
    source: str
    last_verified: date | None  # only when someone checked the number against its source
    emergency: bool = False


@dataclass(frozen=True)
class Course:
    title: str
    version: str
    modules: tuple[Module, ...]
    banks: dict[str, QuestionBank] = field(default_factory=dict)
    helplines: dict[str, tuple[Helpline, ...]] = field(default_factory=dict)

    def modules_for(self, audience: str) -> tuple[Module, ...]:
        return tuple(m for m in self.modules if audience in m.audiences)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def quiz_minutes(self, module: Module) -> int:
        bank = self.banks.get(module.id)
        return bank.minutes if bank is not None else 0

    def minutes(self, module: Module) -> int:
        """A module's stated time: reading and practice, and its quiz."""
        return module.minutes + self.quiz_minutes(module)

    def minutes_for(self, audience: str) -> int:
        """The course's stated time for an audience: every module of its pathway, quizzes included."""
        return sum(self.minutes(m) for m in self.modules_for(audience))

    def unchecked_helplines(self) -> dict[str, tuple[Helpline, ...]]:
        """By region, the numbers nobody has yet checked against their source."""
        return {
            region: unchecked
            for region, lines in self.helplines.items()
            if (unchecked := tuple(h for h in lines if h.last_verified is None))
        }
