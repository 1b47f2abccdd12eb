"""Forms for the conversation steps and the follow-up check. Every form carries a CSRF token."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from course.conversations.rules import ACTIONS, USED
from course.quizzes.forms import AnswersForm
from course.validation import CourseForm


class ChoiceForm(CourseForm):
    """A choice at one turn; the view fills in the turn's choices."""

    turn = HiddenField(validators=[DataRequired()])
    choice = RadioField("What do you say?", choices=[], validators=[DataRequired("Choose what to say.")])


class StepForm(CourseForm):
    """Going back a step or starting again: nothing but the CSRF token."""


class FollowUpForm(AnswersForm):
    """The five check questions (fields added for the drawn questions by answers_form, read as a
    quiz's are), and the two questions about using the training."""

    used = RadioField(
        "Since the course, have you responded to someone who self-harms or may?",
        choices=[SelectChoice(key, label) for key, label in USED.items()],
        validators=[Optional()],
    )
    actions = SelectMultipleField(
        "What did you do?",
        choices=[SelectChoice(key, label) for key, label in ACTIONS.items()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
    )
    note = TextAreaField(
        "Anything else you would like to tell us? (optional)",
        validators=[Optional(), Length(max=2000, message="Keep it under 2,000 characters.")],
        description=(
            "Please do not name anyone. Administrators see notes only all together, never with your name."
        ),
    )
