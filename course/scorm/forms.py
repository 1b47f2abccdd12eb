"""The form that exports a SCORM package."""

from __future__ import annotations

from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from course.validation import CourseForm

WHOLE_COURSE = ""


class PackageForm(CourseForm):
    version = RadioField(
        "SCORM version",
        choices=[
            SelectChoice("1.2", "SCORM 1.2: plays in every LMS, NHS ESR included"),
            SelectChoice("2004", "SCORM 2004 4th edition: keeps completion and pass apart"),
        ],
        default="1.2",
    )
    module = SelectField("What the package opens", description="One module, or the whole course.")
    unit = SelectField(
        "Unit for its learners",
        coerce=int,
        description="Accounts made when someone first opens the package from their LMS go in this unit.",
    )
    submit = SubmitField("Create the package")


class RevokeForm(CourseForm):
    submit = SubmitField("Revoke")
