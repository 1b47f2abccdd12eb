"""Load and validate the whole course: modules/, quizzes/ and the helplines, into one Course."""

from __future__ import annotations

from pathlib import Path

from course.content.banks import check_bank, load_bank
from course.content.fields import Fields, Problems, read_mapping, unique
from course.content.modules import load_module
from course.content.schema import REGIONS, Course, Helpline, Module, QuestionBank
from course.content.yamlfile import ContentError, Mapping


class ContentProblems(Exception):
    """The content has problems; each one names its file and line."""

    def __init__(self, problems: list[ContentError]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line))
        super().__init__("\n".join(str(p) for p in self.problems))


def load_course(root: Path) -> Course:
    problems = Problems()
    modules_dir, quizzes_dir = root / "modules", root / "quizzes"
    course_info = _load_mapping(modules_dir / "course.yaml", problems)
    course_fields = Fields(modules_dir / "course.yaml", course_info or Mapping(), problems, "course.yaml")
    if course_info is not None:
        course_fields.keys({"title", "version"})
    folders = sorted(p for p in modules_dir.iterdir() if p.is_dir())
    loaded = [load_module(folder, problems) for folder in folders]
    modules = sorted((m for m in loaded if m is not None), key=lambda m: m.order)
    unique(problems, modules_dir, [(m.id, 1) for m in modules], "module")
    unique(problems, modules_dir, [(c.id, 1) for m in modules for c in m.conversations], "conversation")
    unique(
        problems, modules_dir, [(o, 1) for m in modules for o in {o.id for o in m.objectives}], "objective"
    )
    # A bank whose module could not be read is not reported again as naming no module.
    banks = _load_banks(
        quizzes_dir, {m.id: m for m in modules}, problems, all_modules_read=None not in loaded
    )
    helplines = _load_helplines(modules_dir / "helplines.yaml", problems)
    if problems:
        raise ContentProblems(problems)
    return Course(
        title=course_fields.text("title"),
        version=str(course_info.get("version", "")) if course_info else "",
        modules=tuple(modules),
        banks=banks,
        helplines=helplines,
    )


def _load_mapping(path: Path, problems: Problems) -> Mapping | None:
    if not path.is_file():
        problems.add(path, 1, "this file is missing")
        return None
    return read_mapping(path, problems, "this file")


def _load_banks(
    folder: Path, modules: dict[str, Module], problems: Problems, *, all_modules_read: bool
) -> dict[str, QuestionBank]:
    banks: dict[str, QuestionBank] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        loaded = load_bank(path, problems)
        if loaded is None:
            continue
        bank, lines = loaded
        module = modules.get(bank.module_id)
        if module is None:
            if all_modules_read:
                problems.add(path, 1, f"'module: {bank.module_id}' names no module in modules/")
            continue
        if bank.module_id in banks:
            problems.add(path, 1, f"module '{bank.module_id}' already has a question bank")
            continue
        check_bank(path, bank, lines, module, problems)
        banks[bank.module_id] = bank
    unique(
        problems, folder, [(q, 1) for b in banks.values() for q in {q.id for q in b.questions}], "question"
    )
    return banks


def _load_helplines(path: Path, problems: Problems) -> dict[str, tuple[Helpline, ...]]:
    data = _load_mapping(path, problems)
    if data is None:
        return {}
    fields = Fields(path, data, problems, "helplines.yaml")
    fields.keys(set(REGIONS))
    result: dict[str, tuple[Helpline, ...]] = {}
    for region in REGIONS:
        lines = []
        for entry in fields.items(region):
            item = fields.child(entry, "a helpline")
            item.keys({"name", "contact", "description", "source"}, {"emergency", "last_verified"})
            lines.append(
                Helpline(
                    name=item.text("name"),
                    contact=item.text("contact"),
                    description=item.text("description"),
                    source=item.text("source"),
                    last_verified=item.day("last_verified") if "last_verified" in entry else None,
                    emergency=item.boolean("emergency"),
                )
            )
        result[region] = tuple(lines)
    return result
