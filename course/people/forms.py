"""Administration forms for people."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from course.models import JobRole, Role
from course.validation import CourseForm

ACCESS = [
    SelectChoice(Role.LEARNER.value, "Learner"),
    SelectChoice(Role.MANAGER.value, "Manager"),
    SelectChoice(Role.ADMIN.value, "Administrator"),
]


class PersonForm(CourseForm):
    name = StringField(
        "Full name", validators=[DataRequired("Enter the person's full name."), Length(max=200)]
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address."),
            Email("Enter an email address in the right format, like name@example.org."),
            Length(max=254),
        ],
    )
    job_role = SelectField("Job role", choices=[SelectChoice(j.value, j.label) for j in JobRole])
    role = SelectField(
        "Access",
        choices=ACCESS,
        description="Managers see their unit's reports; administrators manage everything.",
    )
    unit = SelectField("Unit", coerce=int)
    submit = SubmitField("Add and create invitation link")


class EditPersonForm(PersonForm):
    active = BooleanField(
        "Account active", description="A deactivated person cannot sign in. Their records are kept."
    )
    submit = SubmitField("Save changes")

    def changes(self) -> dict[str, object]:
        """The fields an edit may change, as the person's attributes."""
        return {
            "name": self.name.data or "",
            "email": self.email.data or "",
            "job_role": self.job_role.data,
            "role": self.role.data,
            "unit_id": self.unit.data,
            "active": bool(self.active.data),
        }
