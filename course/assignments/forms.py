"""The form for assigning the course."""

from __future__ import annotations

from wtforms import DateField, EmailField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from course import org
from course.auth.services import find_user_by_email
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
    due_on = DateField("Due date", validators=[DataRequired("Enter the due date, for example 31/01/2027.")])
    submit = SubmitField("Assign the course")

    def validate_due_on(self, field: DateField) -> None:
        if field.data and field.data < org.today():
            raise ValidationError("The due date is in the past. Choose today or a later date.")

    def validate_email(self, field: EmailField) -> None:
        if self.target.data == "person":
            if not field.data:
                raise ValidationError("Enter the email address of the person.")
            if find_user_by_email(field.data) is None:
                raise ValidationError("No account has that email address. Add the person first.")
