"""Does an item's wording give its answer away? Figures for each bank, audience and region.

A learner who reads nothing can still guess from the wording: pick the longest option, avoid options
with absolute words, answer every true/false statement "False". These figures measure how far such
cues go, over the real draw and the bank's pass mark, so that authors can write them out.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from course.content.schema import REGIONS, Course, Question, QuestionBank, Scenario
from course.quizzes.rules import Drawn, draw, grade

ABSOLUTE_WORDS = ("always", "never", "must", "only", "all", "none", "every")
_ABSOLUTE = re.compile(r"\b(" + "|".join(ABSOLUTE_WORDS) + r")\b", re.IGNORECASE)
SINGLE_ANSWER = ("single", "scenario")  # one key among several worded options

# The limits the content test holds every bank to.
MAX_LONGEST_SHARE = 0.30  # the key is strictly the longest option in at most 30 % of single-answer items
TRUE_SHARE = (0.40, 0.60)  # true/false keys "True"
MAX_CUE_PASS_RATE = 0.05  # a cue strategy passes at most 5 % of simulated attempts
SIMULATED_ATTEMPTS = 2000


@cache  # the simulations ask about the same few hundred texts millions of times
def has_absolute(text: str) -> bool:
    return _ABSOLUTE.search(text) is not None


def strictly_longest(texts: Sequence[str], index: int) -> bool:
    """True when texts[index] is longer than every other text."""
    return all(len(texts[index]) > len(t) for n, t in enumerate(texts) if n != index)


def key_is_longest(question: Question) -> bool:
    texts = [o.text for o in question.options]
    return any(o.correct and strictly_longest(texts, n) for n, o in enumerate(question.options))


def absolutes_only_in_distractors(question: Question) -> bool:
    """A distractor uses an absolute word and no key does: avoiding such words finds the key."""
    keys = any(has_absolute(o.text) for o in question.options if o.correct)
    distractors = any(has_absolute(o.text) for o in question.options if not o.correct)
    return distractors and not keys


def scenario_absolutes_only_in_distractors(scenario: Scenario) -> bool:
    """The practice version of absolutes_only_in_distractors."""
    best = any(has_absolute(r.text) for r in scenario.responses if r.best)
    others = any(has_absolute(r.text) for r in scenario.responses if not r.best)
    return others and not best


def scenario_best_is_longest(scenario: Scenario) -> bool:
    texts = [r.text for r in scenario.responses]
    return any(r.best and strictly_longest(texts, n) for n, r in enumerate(scenario.responses))


# A strategy answers one drawn question from its wording alone: (question, options as shown, rng).
Strategy = Callable[[Question, tuple[str, ...], random.Random], frozenset[str]]


def _guess(question: Question, shown: tuple[str, ...], rng: random.Random) -> frozenset[str]:
    return frozenset({rng.choice(shown)})


def _longest(question: Question, shown: tuple[str, ...], rng: random.Random) -> frozenset[str]:
    """The longest option (the first shown of equals); on a multiple question every option at least
    as long as the average. Nothing to measure on true/false: a guess."""
    if question.type == "truefalse":
        return _guess(question, shown, rng)
    length = {o.id: len(o.text) for o in question.options}
    if question.type == "multiple":
        average = sum(length.values()) / len(length)
        return frozenset(i for i in shown if length[i] >= average)
    return frozenset({max(shown, key=lambda i: length[i])})


def _no_absolutes(question: Question, shown: tuple[str, ...], rng: random.Random) -> frozenset[str]:
    """Never an option with an absolute word; a statement with one is "False", any other "True"."""
    if question.type == "truefalse":
        return frozenset({"false" if has_absolute(question.prompt) else "true"})
    text = {o.id: o.text for o in question.options}
    plain = [i for i in shown if not has_absolute(text[i])] or list(shown)
    if question.type == "multiple":
        return frozenset(plain)
    return frozenset({rng.choice(plain)})


def _always_false(question: Question, shown: tuple[str, ...], rng: random.Random) -> frozenset[str]:
    """Every true/false statement "False"; a guess on the others."""
    return frozenset({"false"}) if question.type == "truefalse" else _guess(question, shown, rng)


STRATEGIES: dict[str, Strategy] = {
    "always longest": _longest,
    "avoid absolute words": _no_absolutes,
    'always "False"': _always_false,
}


@dataclass(frozen=True)
class CueFigures:
    """The cue figures for what a learner of one audience in one region can be drawn."""

    module_id: str
    audience: str
    region: str
    items: int
    single_answer: int
    longest_keys: int  # single-answer items whose key is strictly the longest option
    truefalse: int
    true_keys: int
    absolutes_in_distractors: int  # items where only distractors use an absolute word
    pass_rates: dict[str, float]  # strategy -> share of simulated attempts passed
    guess_pass_rate: float  # answering at random, for comparison

    @property
    def longest_share(self) -> float:
        return self.longest_keys / self.single_answer if self.single_answer else 0.0

    @property
    def true_share(self) -> float | None:
        return self.true_keys / self.truefalse if self.truefalse else None

    @property
    def worst_strategy(self) -> tuple[str, float]:
        return max(self.pass_rates.items(), key=lambda item: item[1])


def simulate(
    bank: QuestionBank, audience: str, region: str, strategy: Strategy, attempts: int = SIMULATED_ATTEMPTS
) -> float:
    """The share of `attempts` seeded draws that `strategy` passes at the bank's pass mark."""
    passed = 0
    for seed, (drawn, questions) in enumerate(_seeded_draws(bank, audience, region, attempts)):
        choose = random.Random(-1 - seed)  # noqa: S311 (seeded, repeatable)
        answers = {
            d.question_id: strategy(q, d.option_ids, choose) for d, q in zip(drawn, questions, strict=True)
        }
        passed += grade(questions, answers, bank.pass_mark).passed
    return passed / attempts if attempts else 0.0


@cache
def _seeded_draws(
    bank: QuestionBank, audience: str, region: str, attempts: int
) -> tuple[tuple[tuple[Drawn, ...], tuple[Question, ...]], ...]:
    """The draws of seeds 0 to attempts - 1 with their questions: the same for every strategy, so they
    are drawn once."""
    draws = []
    for seed in range(attempts):
        drawn = draw(bank, audience, region, random.Random(seed))  # noqa: S311 (seeded, repeatable)
        draws.append((drawn, tuple(q for d in drawn if (q := bank.question(d.question_id)) is not None)))
    return tuple(draws)


@cache
def _pool_figures(bank: QuestionBank, audience: str, region: str, attempts: int) -> CueFigures:
    pool = bank.questions_for(audience, region)
    single = [q for q in pool if q.type in SINGLE_ANSWER]
    truefalse = [q for q in pool if q.type == "truefalse"]
    return CueFigures(
        module_id=bank.module_id,
        audience=audience,
        region=region,
        items=len(pool),
        single_answer=len(single),
        longest_keys=sum(key_is_longest(q) for q in single),
        truefalse=len(truefalse),
        true_keys=sum(q.correct_ids == {"true"} for q in truefalse),
        absolutes_in_distractors=sum(absolutes_only_in_distractors(q) for q in pool),
        pass_rates={name: simulate(bank, audience, region, s, attempts) for name, s in STRATEGIES.items()},
        guess_pass_rate=simulate(bank, audience, region, _guess, attempts),
    )


def slice_figures(
    bank: QuestionBank, audience: str, region: str, attempts: int = SIMULATED_ATTEMPTS
) -> CueFigures:
    """The figures of one bank for one audience and region (with attempts=0, the wording figures alone,
    without simulated learners). Regions that see the same items get the same figures, worked out once:
    the draw depends only on the pool."""
    first = next(
        r for r in REGIONS if bank.questions_for(audience, r) == bank.questions_for(audience, region)
    )
    return replace(_pool_figures(bank, audience, first, attempts), region=region)


def cue_figures(course: Course, attempts: int = SIMULATED_ATTEMPTS) -> list[CueFigures]:
    """Figures for every bank, audience of its module, and region."""
    return [
        slice_figures(bank, audience, region, attempts)
        for module in course.modules
        if (bank := course.banks.get(module.id)) is not None
        for audience in module.audiences
        for region in REGIONS
    ]


def bank_true_share(bank: QuestionBank) -> float | None:
    """The share of the bank's true/false keys that are "True"; None without true/false items."""
    keys = [q.correct_ids == {"true"} for q in bank.questions if q.type == "truefalse"]
    return sum(keys) / len(keys) if keys else None


def table(figures: Sequence[CueFigures]) -> str:
    """The figures as a plain-text table, one row per bank, audience and region."""
    names = list(STRATEGIES)
    header = [
        "bank",
        "audience",
        "region",
        "items",
        "key longest",
        "T/F True",
        "abs. in distr.",
        *names,
        "guess",
    ]
    rows = [
        [
            f.module_id,
            f.audience,
            f.region,
            str(f.items),
            f"{f.longest_keys}/{f.single_answer} {f.longest_share:.0%}",
            f"{f.true_keys}/{f.truefalse}" + (f" {f.true_share:.0%}" if f.true_share is not None else ""),
            str(f.absolutes_in_distractors),
            *(f"{f.pass_rates[n]:.1%}" for n in names),
            f"{f.guess_pass_rate:.1%}",
        ]
        for f in figures
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    ]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])
