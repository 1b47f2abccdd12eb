"""Quiz forms: the answers to an attempt's drawn questions, and a confidence rating."""

from __future__ import annotations

from typing import TypeVar

from flask import request
from wtforms import HiddenField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from course.quizzes.rules import Drawn
from course.validation import CourseForm

F = TypeVar("F", bound="AnswersForm")
RATINGS = [SelectChoice(str(n), str(n)) for n in range(1, 6)]


class AnswersForm(CourseForm):
    """One field for each drawn question, named q-<question id>; the options are checked by
    course.quizzes.rules.read_answers, which knows the attempt's draw."""

    def answers(self) -> dict[str, list[str]]:
        """Every submitted answer, including any that names a question this attempt did not draw (so
        that read_answers can refuse a tampered form)."""
        given = {field.name: list(field.data or ()) for field in self if field.name.startswith("q-")}
        for name in request.form:
            if name.startswith("q-") and name not in given:
                given[name] = request.form.getlist(name)
        return given

    def chosen(self) -> dict[str, list[str]]:
        """The options chosen for each question id, to show the form again as it was sent."""
        return {name.removeprefix("q-"): options for name, options in self.answers().items()}


def answers_form(drawn: tuple[Drawn, ...], base: type[F]) -> F:
    """A form of `base` with one answer field for each drawn question."""
    fields = {f"q-{item.question_id}": SelectMultipleField(validate_choice=False) for item in drawn}
    form: F = type(f"Drawn{base.__name__}", (base,), fields)()
    return form


class ConfidenceForm(CourseForm):
    rating = RadioField(
        "How confident are you?",
        choices=RATINGS,
        validators=[InputRequired("Choose a number from 1 to 5, or skip this question.")],
    )
    back = HiddenField()
