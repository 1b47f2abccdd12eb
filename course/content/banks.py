"""Reading a question bank (quizzes/<module-id>.yaml) and checking it against its module."""

from __future__ import annotations

from pathlib import Path

from course.content.fields import Fields, Problems, read_mapping, unique
from course.content.schema import (
    AUDIENCES,
    QUESTION_TYPES,
    REGIONS,
    Module,
    Option,
    Question,
    QuestionBank,
)

BANK_KEYS = {"module", "version", "draw", "questions"}
QUESTION_KEYS = {"id", "type", "objective", "audiences", "prompt", "options", "explanation"}
MIN_SCENARIO_SHARE = 0.6
MIN_PER_OBJECTIVE = 2
BANK_DRAWS = 3  # a learner of each audience and region can be drawn at least 3 x `draw` questions


def load_bank(path: Path, problems: Problems) -> tuple[QuestionBank, dict[str, int]] | None:
    """The bank and the line of each question id (for cross-checks that need a line)."""
    data = read_mapping(path, problems, "a question bank")
    if data is None:
        return None
    fields = Fields(path, data, problems, "the question bank")
    fields.keys(BANK_KEYS, {"pass_mark"})
    entries = fields.items("questions")
    questions = tuple(_question(fields.child(m, "a question")) for m in entries)
    lines = {q.id: m.line for q, m in zip(questions, entries, strict=True)}
    unique(problems, path, [(q.id, m.line) for q, m in zip(questions, entries, strict=True)], "question")
    bank = QuestionBank(
        module_id=fields.ident("module"),
        version=fields.integer("version", 1, 10_000, 1),
        pass_mark=fields.integer("pass_mark", 1, 100, 80),
        draw=fields.integer("draw", 1, 100, 5),
        questions=questions,
    )
    return bank, lines


def _option_id(value: object) -> str:
    # YAML reads a bare true/false as a boolean; true/false questions use those words as ids.
    return str(value).lower() if isinstance(value, bool) else str(value or "")


def _question(fields: Fields) -> Question:
    fields.keys(QUESTION_KEYS, {"situation", "regions"})
    kind = fields.text("type")
    if kind and kind not in QUESTION_TYPES:
        fields.report("type", f"unknown question type '{kind}' (use {', '.join(QUESTION_TYPES)})")
    entries = fields.items("options")
    options = tuple(_option(fields.child(m, "an option")) for m in entries)
    unique(
        fields.problems,
        fields.path,
        [(o.id, m.line) for o, m in zip(options, entries, strict=True)],
        "option",
    )
    correct = sum(o.correct for o in options)
    if len(options) < 2:
        fields.report("options", "a question needs at least two options")
    if kind in ("single", "scenario", "truefalse") and correct != 1:
        fields.report("options", f"a {kind} question needs exactly one option marked 'correct: true'")
    if kind == "multiple" and correct < 1:
        fields.report("options", "a multiple question needs at least one correct option")
    if kind == "truefalse" and sorted(o.id for o in options) != ["false", "true"]:
        fields.report("options", "a truefalse question has two options with ids 'true' and 'false'")
    situation = fields.text("situation")
    if kind == "scenario" and not situation:
        fields.report(None, "a scenario question needs a 'situation'")
    return Question(
        id=fields.ident("id"),
        type=kind,
        objective=str(fields.mapping.get("objective", "")),
        audiences=fields.choices("audiences", AUDIENCES),
        prompt=fields.text("prompt"),
        options=options,
        explanation=fields.text("explanation"),
        situation=situation,
        regions=fields.choices("regions", REGIONS),
    )


def _option(fields: Fields) -> Option:
    fields.keys({"id", "text", "feedback"}, {"correct"})
    return Option(
        id=_option_id(fields.mapping.get("id")),
        text=fields.text("text"),
        feedback=fields.text("feedback"),
        correct=fields.boolean("correct"),
    )


def check_bank(
    path: Path, bank: QuestionBank, lines: dict[str, int], module: Module, problems: Problems
) -> None:
    """The rules that tie a bank to its module: objectives, scenario share, and coverage for each
    audience and region."""
    objective_ids = {o.id for o in module.objectives}
    for question in bank.questions:
        if question.objective not in objective_ids:
            problems.add(
                path,
                lines.get(question.id, 1),
                f"question '{question.id}' names objective '{question.objective}', "
                f"which module '{module.id}' does not have",
            )
    if bank.questions:
        share = sum(q.type == "scenario" for q in bank.questions) / len(bank.questions)
        if share < MIN_SCENARIO_SHARE:
            problems.add(
                path,
                1,
                f"only {share:.0%} of the questions are scenarios; at least {MIN_SCENARIO_SHARE:.0%} must be",
            )
    for audience in module.audiences:
        # One line for the regions that share a problem (most items are for every region).
        regions_with: dict[str, list[str]] = {}
        for region in REGIONS:
            for problem in _coverage_problems(bank, module, audience, region):
                regions_with.setdefault(problem, []).append(region)
        for problem, regions in regions_with.items():
            where = "every region" if len(regions) == len(REGIONS) else ", ".join(regions)
            problems.add(path, 1, problem.format(who=f"{audience}s in {where}"))


def _coverage_problems(bank: QuestionBank, module: Module, audience: str, region: str) -> list[str]:
    """Too few questions, or objectives left out, for the learners of one audience in one region."""
    usable = bank.questions_for(audience, region)
    found = []
    if len(usable) < BANK_DRAWS * bank.draw:
        found.append(
            f"{len(usable)} questions suit {{who}} but draw is {bank.draw}: "
            f"the bank needs at least {BANK_DRAWS * bank.draw}"
        )
    for objective in module.objectives:
        count = sum(q.objective == objective.id for q in usable)
        if count < MIN_PER_OBJECTIVE:
            found.append(
                f"objective '{objective.id}' has {count} question(s) for {{who}}; "
                f"it needs at least {MIN_PER_OBJECTIVE}"
            )
    return found
