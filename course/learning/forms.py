"""The learner's forms: acknowledging the content note, and choosing a response to a scenario."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField


class ContentNoteForm(FlaskForm):
    """Only the CSRF token: reading the note and continuing is the whole answer."""


class ScenarioForm(FlaskForm):
    # The scenario's own responses are checked by the view (their ids come from the content).
    response = RadioField("Your response", validate_choice=False)
