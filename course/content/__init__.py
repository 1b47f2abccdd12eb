"""Course content: loaded and validated once at start-up; broken content stops the app."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from course.content.loader import ContentProblems, load_course
from course.content.schema import Course

# Content files change only with a deploy, which starts new processes; apps made in one process
# (tests, several app instances) share the immutable result.
_load_once = functools.cache(load_course)


def init_content(app: Flask) -> None:
    try:
        app.extensions["course"] = _load_once(Path(app.config["CONTENT_DIR"]))
    except ContentProblems as problems:
        raise SystemExit(
            "The course content has problems, so the app will not start:\n"
            f"{problems}\nFix them, then run: flask --app course content check"
        ) from None

    @app.context_processor
    def _content() -> dict[str, Course]:
        return {"course": app.extensions["course"]}


def current_course() -> Course:
    course: Course = current_app.extensions["course"]
    return course


@click.group("content", cls=AppGroup)
def content_cli() -> None:
    """Check the course content."""


@content_cli.command("check")
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
def check(root: Path | None) -> None:
    """Validate modules/, quizzes/ and helplines; print file:line for each problem."""
    from course.config import PROJECT_ROOT
    from course.content import report

    try:
        course = load_course(root or PROJECT_ROOT)
    except ContentProblems as problems:
        for problem in problems.problems:
            click.echo(str(problem))
        click.echo(f"{len(problems.problems)} problem(s) found.")
        raise SystemExit(1) from None
    questions = sum(len(b.questions) for b in course.banks.values())
    scenarios = sum(len(s.scenarios) for m in course.modules for s in m.sections)
    click.echo(
        f"Content OK: {len(course.modules)} modules, {scenarios} scenarios, "
        f"{len(course.banks)} question banks, {questions} questions."
    )
    click.echo("\n" + report.items_table(course))
    click.echo("\n" + report.cue_summary(course))
    warnings = report.warnings(course)
    for warning in warnings:
        click.echo(f"Warning: {warning}")
    click.echo(f"\n{len(warnings)} warning(s).")
