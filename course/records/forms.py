"""Forms for completion records."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from course.validation import CourseForm

REASON = "Give a reason (up to 500 characters) for withdrawing the record."


class WithdrawForm(CourseForm):
    reason = StringField(
        "Reason to withdraw this record", validators=[DataRequired(REASON), Length(max=500, message=REASON)]
    )
