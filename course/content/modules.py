"""Reading one module folder: module.md and its section files."""

from __future__ import annotations

from pathlib import Path

from course.content.conversations import load_conversations
from course.content.fields import Fields, Problems, unique
from course.content.markdown import plain, render, split_blocks
from course.content.schema import (
    AUDIENCES,
    REGIONS,
    Block,
    Module,
    Objective,
    Response,
    Scenario,
    Section,
    Source,
)
from course.content.yamlfile import ContentError, read_front_matter

MODULE_KEYS = {
    "id",
    "title",
    "version",
    "order",
    "minutes",
    "audiences",
    "summary",
    "last_reviewed",
    "objectives",
    "sources",
    "key_points",
}
SECTION_KEYS = {"id", "title"}
SECTION_OPTIONAL = {"audiences", "org_contacts", "scenarios"}
SCENARIO_KEYS = {"id", "title", "situation", "question", "responses"}


def load_module(folder: Path, problems: Problems) -> Module | None:
    path = folder / "module.md"
    if not path.is_file():
        problems.add(folder, 1, "a module folder needs a module.md file")
        return None
    try:
        page = read_front_matter(path)
    except ContentError as error:
        problems.append(error)
        return None
    fields = Fields(path, page.meta, problems, "the module")
    fields.keys(MODULE_KEYS)
    objectives = tuple(_objective(fields.child(m, "an objective")) for m in fields.items("objectives"))
    if "objectives" in page.meta and not objectives:
        fields.report("objectives", "a module needs at least one learning objective")
    unique(
        problems,
        path,
        [(o.id, m.line) for o, m in zip(objectives, fields.items("objectives"), strict=True)],
        "objective",
    )
    sources = tuple(_source(fields.child(m, "a source")) for m in fields.items("sources"))
    if "sources" in page.meta and not sources:
        fields.report("sources", "list at least one source with its title and url")
    audiences = fields.choices("audiences", AUDIENCES)
    sections = tuple(
        section
        for file in sorted(folder.glob("*.md"))
        if file.name != "module.md" and (section := _load_section(file, audiences, problems))
    )
    if not sections:
        problems.add(path, 1, "the module has no sections: add at least one NN-name.md file beside module.md")
    unique(problems, folder, [(s.id, 1) for s in sections], "section")
    scenario_ids = [(sc.id, 1) for s in sections for sc in s.scenarios]
    unique(problems, folder, scenario_ids, "scenario")
    intro = render(page.body)
    conversations = load_conversations(folder, audiences, problems)
    return Module(
        id=fields.ident("id"),
        title=fields.text("title"),
        version=fields.integer("version", 1, 10_000, 1),
        order=fields.integer("order", 0, 1000, 0),
        minutes=fields.integer("minutes", 1, 240, 10),
        audiences=audiences,
        summary=fields.text("summary"),
        last_reviewed=fields.day("last_reviewed"),
        objectives=objectives,
        sources=sources,
        key_points=fields.strings("key_points"),
        intro_html=intro,
        sections=sections,
        plain_text=" ".join([plain(intro), *(s.plain_text for s in sections)]),
        conversations=conversations,
    )


def _objective(fields: Fields) -> Objective:
    fields.keys({"id", "text"}, {"competence"})
    return Objective(id=fields.ident("id"), text=fields.text("text"), competence=fields.text("competence"))


def _source(fields: Fields) -> Source:
    fields.keys({"title", "url"})
    url = fields.text("url")
    if url and not url.startswith("https://"):
        fields.report("url", "a source url must start with https://")
    return Source(title=fields.text("title"), url=url)


def _load_section(path: Path, module_audiences: tuple[str, ...], problems: Problems) -> Section | None:
    try:
        page = read_front_matter(path)
    except ContentError as error:
        problems.append(error)
        return None
    fields = Fields(path, page.meta, problems, "the section")
    fields.keys(SECTION_KEYS, SECTION_OPTIONAL)
    audiences = fields.choices("audiences", module_audiences)
    raw = split_blocks(path, page.body, page.body_line, problems)
    blocks = tuple(Block(html=render(b.text), audience=b.audience, region=b.region) for b in raw)
    scenarios = tuple(_scenario(fields.child(m, "a scenario"), audiences) for m in fields.items("scenarios"))
    if not blocks and not scenarios:
        problems.add(path, page.body_line, "the section is empty: write its text below the front matter")
    words = [plain(b.html) for b in blocks]
    words += [
        f"{s.situation} {s.question} " + " ".join(f"{r.text} {r.feedback}" for r in s.responses)
        for s in scenarios
    ]
    return Section(
        id=fields.ident("id"),
        title=fields.text("title"),
        blocks=blocks,
        audiences=audiences,
        org_contacts=fields.boolean("org_contacts"),
        scenarios=scenarios,
        plain_text=" ".join(words),
    )


def _scenario(fields: Fields, section_audiences: tuple[str, ...]) -> Scenario:
    fields.keys(SCENARIO_KEYS, {"audiences", "regions"})
    responses = fields.items("responses")
    built = tuple(_response(fields.child(m, "a response")) for m in responses)
    if not 3 <= len(built) <= 4:
        fields.report("responses", "a scenario needs 3 or 4 responses")
    if sum(r.best for r in built) != 1:
        fields.report("responses", "mark exactly one response 'best: true'")
    unique(
        fields.problems,
        fields.path,
        [(r.id, m.line) for r, m in zip(built, responses, strict=True)],
        "response",
    )
    return Scenario(
        id=fields.ident("id"),
        title=fields.text("title"),
        situation=fields.text("situation"),
        question=fields.text("question"),
        responses=built,
        audiences=fields.choices("audiences", section_audiences),
        regions=fields.choices("regions", REGIONS),
    )


def _response(fields: Fields) -> Response:
    fields.keys({"id", "text", "feedback"}, {"best"})
    return Response(
        id=fields.ident("id"),
        text=fields.text("text"),
        feedback=fields.text("feedback"),
        best=fields.boolean("best"),
    )
