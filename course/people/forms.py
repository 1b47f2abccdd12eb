"""Administration forms for people."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, ValidationError

from course.models import JobRole, Role, UnitKind, User
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
    staff_number = StringField(
        "Staff number",
        validators=[Length(max=40, message="Shorten the staff number to 40 characters or fewer.")],
        description="The HR system's number for the person, if any: imports find people by it.",
    )
    active = BooleanField(
        "Account active", description="A deactivated person cannot sign in. Their records are kept."
    )
    submit = SubmitField("Save changes")

    @classmethod
    def for_person(cls, person: User) -> EditPersonForm:
        """The form filled from the person's columns. Built from `obj=person`, the field `unit` would
        take the related OrgUnit object, which matches no choice, so no unit was selected and saving
        moved the person to the first unit of the list."""
        return cls(
            data={
                "name": person.name,
                "email": person.email,
                "job_role": person.job_role,
                "role": person.role,
                "unit": person.unit_id,
                "staff_number": person.staff_number or "",
                "active": person.active,
            }
        )

    def changes(self) -> dict[str, object]:
        """The fields an edit may change, as the person's attributes."""
        return {
            "name": self.name.data or "",
            "email": self.email.data or "",
            "job_role": self.job_role.data,
            "role": self.role.data,
            "unit_id": self.unit.data,
            "staff_number": (self.staff_number.data or "").strip() or None,
            "active": bool(self.active.data),
        }


KINDS = [SelectChoice(kind.value, kind.value.capitalize()) for kind in UnitKind]


class UnitForm(CourseForm):
    """Adding a unit, or renaming and moving one: its name, kind and the unit it sits in."""

    name = StringField("Unit name", validators=[DataRequired("Enter the unit's name."), Length(max=200)])
    kind = SelectField("Kind", choices=KINDS, default=UnitKind.DEPARTMENT.value)
    parent = SelectField(
        "Inside", coerce=int, description="The unit it belongs to; “Top of the organisation” for none."
    )
    submit = SubmitField("Save the unit")

    def validate_name(self, field: StringField) -> None:
        if field.data and "/" in field.data:
            raise ValidationError("A unit name cannot contain “/”: imports use it to separate the names.")
