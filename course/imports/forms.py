"""Forms for importing a file: the upload with its options, and the confirmation after the preview."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from course.imports.services import PeopleOptions
from course.validation import CourseForm

KINDS = [
    SelectChoice("people", "People (email, name, job_role, unit_path; role, staff_number, start_date)"),
    SelectChoice("completions", "Earlier completions (email, completed_on, expires_on, course_version)"),
]


class UploadForm(CourseForm):
    kind = RadioField("What the file holds", choices=KINDS, default="people")
    file = FileField(
        "File (CSV or Excel workbook)", validators=[FileRequired("Choose a CSV or Excel file to upload.")]
    )
    create_units = BooleanField(
        "Create missing units",
        description="Units named in unit_path that do not exist yet are created; the preview lists them.",
    )
    sync = BooleanField(
        "Deactivate people who are not in the file",
        description="For a complete staff list from HR: leavers can no longer sign in; their records "
        "are kept. The preview lists them first.",
    )
    update_roles = BooleanField(
        "Update roles",
        description="Let the role column change the access of people already in the course. "
        "Without it, only new people take the role from the file.",
    )

    def options(self) -> PeopleOptions:
        return PeopleOptions(
            create_units=bool(self.create_units.data),
            sync=bool(self.sync.data),
            update_roles=bool(self.update_roles.data),
        )


class ConfirmForm(CourseForm):
    upload = HiddenField(validators=[DataRequired()])
