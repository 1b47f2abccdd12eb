"""Quiz forms: the answers to an attempt's drawn questions, and a confidence rating."""

from __future__ import annotations

from flask import request
from wtforms import HiddenField, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from course.quizzes.rules import Drawn
from course.validation import CourseForm

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


def answers_form(drawn: tuple[Drawn, ...]) -> AnswersForm:
    fields = {f"q-{item.question_id}": SelectMultipleField(validate_choice=False) for item in drawn}
    form_class = type("AttemptAnswersForm", (AnswersForm,), fields)
    form: AnswersForm = form_class()
    return form


class ConfidenceForm(CourseForm):
    rating = RadioField(
        "How confident are you?",
        choices=RATINGS,
        validators=[InputRequired("Choose a number from 1 to 5, or skip this question.")],
    )
    back = HiddenField()
