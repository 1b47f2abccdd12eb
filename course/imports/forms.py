"""Forms for importing a file: the upload, and the confirmation after the preview."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice

from course.validation import CourseForm

KINDS = [
    SelectChoice("people", "People (email, name, job_role, unit_path, role)"),
    SelectChoice("completions", "Earlier completions (email, completed_on, expires_on, course_version)"),
]


class UploadForm(CourseForm):
    kind = RadioField("What the file holds", choices=KINDS, default="people")
    file = FileField(
        "CSV file (saved as CSV UTF-8)", validators=[FileRequired("Choose a CSV file to upload.")]
    )


class ConfirmForm(CourseForm):
    kind = HiddenField()
    content = HiddenField()
