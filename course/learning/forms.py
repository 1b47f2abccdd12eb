"""The learner's forms: acknowledging the content note, and choosing a response to a scenario."""

from __future__ import annotations

from wtforms import RadioField

from course.validation import CourseForm


class ContentNoteForm(CourseForm):
    """Only the CSRF token: reading the note and continuing is the whole answer."""


class ScenarioForm(CourseForm):
    # The scenario's own responses are checked by the view (their ids come from the content).
    response = RadioField("Your response", validate_choice=False)
