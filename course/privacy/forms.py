"""The confirmation an administrator gives before erasing a person."""

from __future__ import annotations

from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from course.validation import CourseForm


class EraseForm(CourseForm):
    confirm = BooleanField(
        "I understand that this person's name and email address are removed for good",
        validators=[DataRequired("Tick the box to confirm. Erasing cannot be undone.")],
    )
    submit = SubmitField("Erase this person")
