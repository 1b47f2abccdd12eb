"""Course content as immutable objects, built once at start-up from the files in modules/ and quizzes/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

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


OUTCOMES = ("good", "poor")
CHOICE_KINDS = ("helps", "harms")


@dataclass(frozen=True)
class Choice:
    """What the learner may say at a turn, how the person replies, and how that changes their openness."""

    id: str
    says: str
    kind: str  # helps | harms
    reply: str
    openness: str
    next_turn: str = ""  # the turn that follows, or
    ending: str = ""  # the ending it leads to


@dataclass(frozen=True)
class Turn:
    id: str
    choices: tuple[Choice, ...]
    prompt: str = ""

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Ending:
    """Where a path ends: the outcome, and a debrief naming what helped, what harmed and better words."""

    id: str
    outcome: str  # good | poor
    title: str
    helped: tuple[Block, ...]
    harmed: tuple[Block, ...]
    better: tuple[Block, ...]


@dataclass(frozen=True)
class Conversation:
    """A practice conversation that branches: each choice changes what the person says next."""

    id: str
    title: str
    person: str  # who they are, e.g. "Maya, 14, a pupil in Year 9"
    about: str  # the situation, in a sentence or two
    opening: str  # what the person says first
    start: str
    turns: tuple[Turn, ...]
    endings: tuple[Ending, ...]
    audiences: tuple[str, ...] = AUDIENCES
    regions: tuple[str, ...] = REGIONS
    plain_text: str = ""

    def shown_to(self, audience: str, region: str) -> bool:
        return audience in self.audiences and region in self.regions

    def turn(self, turn_id: str) -> Turn | None:
        return next((t for t in self.turns if t.id == turn_id), None)

    def ending(self, ending_id: str) -> Ending | None:
        return next((e for e in self.endings if e.id == ending_id), None)


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
    conversations: tuple[Conversation, ...] = ()

    def conversations_for(self, audience: str, region: str) -> tuple[Conversation, ...]:
        return tuple(c for c in self.conversations if c.shown_to(audience, region))

    def conversation(self, conversation_id: str) -> Conversation | None:
        return next((c for c in self.conversations if c.id == conversation_id), None)

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

    @cached_property  # asked for every answer graded; a frozen question's keys never change
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
