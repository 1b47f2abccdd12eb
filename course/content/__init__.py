"""Course content: loaded and validated once at start-up; broken content stops the app."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import Flask, current_app

from course.content.loader import ContentProblems, load_course
from course.content.schema import Course

# Content files change only with a deploy, which starts new processes; apps made in one process
# (tests, several app instances) share the immutable result.
load_once = functools.cache(load_course)


def init_content(app: Flask) -> None:
    try:
        app.extensions["course"] = load_once(Path(app.config["CONTENT_DIR"]))
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
