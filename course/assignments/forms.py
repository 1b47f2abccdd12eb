"""The form for assigning the course."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, IntegerField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from course import org
from course.accounts.services import find_user_by_email
from course.formfields import HtmlDateField
from course.models import JobRole
from course.validation import CourseForm


class AssignmentForm(CourseForm):
    target = RadioField(
        "Assign to",
        choices=[
            SelectChoice("unit", "A unit and the units within it"),
            SelectChoice("job_role", "A job role"),
            SelectChoice("person", "One person"),
        ],
        default="unit",
        validators=[DataRequired("Choose who the course is assigned to.")],
    )
    unit = SelectField("Unit", coerce=int)
    job_role = SelectField("Job role", choices=[SelectChoice(j.value, j.label) for j in JobRole])
    email = EmailField("Person's email address")
    due_on = HtmlDateField("Due date", validators=[Optional()])
    within_days = IntegerField(
        "Or: due within this many days of each person's start date",
        validators=[Optional(), NumberRange(1, 3650, "Enter a number of days from 1 to 3650.")],
    )
    submit = SubmitField("Assign the course")

    def validate(self, extra_validators: Any = None) -> bool:
        """One of the due date and the days from starting, not both (an empty field skips its own
        validators, so this is checked for the form as a whole)."""
        valid = super().validate(extra_validators)
        if self.due_on.errors or self.within_days.errors:
            return False
        if self.due_on.data is None and self.within_days.data is None:
            self.due_on.errors = [
                "Enter the due date, for example 31/01/2027, or the number of days from starting."
            ]
        elif self.due_on.data is not None and self.within_days.data is not None:
            self.due_on.errors = ["Enter a due date or a number of days from starting, not both."]
        elif self.due_on.data is not None and self.due_on.data < org.today():
            self.due_on.errors = ["The due date is in the past. Choose today or a later date."]
        else:
            return valid
        return False

    def validate_email(self, field: EmailField) -> None:
        if self.target.data == "person":
            if not field.data:
                raise ValidationError("Enter the email address of the person.")
            if find_user_by_email(field.data) is None:
                raise ValidationError("No account has that email address. Add the person first.")
