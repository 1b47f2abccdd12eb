"""`flask --app course content check`: validate the course content and review its quizzes."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from course.config import PROJECT_ROOT
from course.content.loader import ContentProblems, load_course
from course.review import services


@click.group("content", cls=AppGroup)
def content_cli() -> None:
    """Check the course content."""


@content_cli.command("check")
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
def check(root: Path | None) -> None:
    """Validate modules/, quizzes/ and helplines; print file:line for each problem."""
    try:
        course = load_course(root or PROJECT_ROOT)
    except ContentProblems as problems:
        for problem in problems.problems:
            click.echo(str(problem))
        click.echo(f"{len(problems.problems)} problem(s) found.")
        raise SystemExit(1) from None
    questions = sum(len(b.questions) for b in course.banks.values())
    scenarios = sum(len(s.scenarios) for m in course.modules for s in m.sections)
    conversations = sum(len(m.conversations) for m in course.modules)
    click.echo(
        f"Content OK: {len(course.modules)} modules, {scenarios} scenarios, "
        f"{conversations} practice conversations, "
        f"{len(course.banks)} question banks, {questions} questions."
    )
    click.echo("\n" + services.items_table(course))
    click.echo("\n" + services.cue_summary(course))
    warnings = services.warnings(course)
    for warning in warnings:
        click.echo(f"Warning: {warning}")
    click.echo(f"\n{len(warnings)} warning(s).")


COMMANDS = (content_cli,)
