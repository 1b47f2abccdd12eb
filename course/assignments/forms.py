"""The form for assigning the course."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from course import org
from course.auth.services import find_user_by_email
from course.models import JobRole


class AssignmentForm(FlaskForm):
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
    due_on = DateField("Due date", validators=[Optional()])
    within_days = IntegerField(
        "Or: due within this many days of each person's start date",
        validators=[Optional(), NumberRange(1, 3650, "Enter a number of days from 1 to 3650.")],
    )
    submit = SubmitField("Assign the course")

    def validate_due_on(self, field: DateField) -> None:
        if field.data is None and self.within_days.data is None:
            raise ValidationError(
                "Enter the due date, for example 31/01/2027, or the number of days from starting."
            )
        if field.data is not None and self.within_days.data is not None:
            raise ValidationError("Enter a due date or a number of days from starting, not both.")
        if field.data and field.data < org.today():
            raise ValidationError("The due date is in the past. Choose today or a later date.")

    def validate_email(self, field: EmailField) -> None:
        if self.target.data == "person":
            if not field.data:
                raise ValidationError("Enter the email address of the person.")
            if find_user_by_email(field.data) is None:
                raise ValidationError("No account has that email address. Add the person first.")
