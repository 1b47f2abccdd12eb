"""The audit log's filters: a search form that reads, never writes."""

from __future__ import annotations

from wtforms import DateField, StringField
from wtforms.validators import Optional

from course.validation import CourseForm


class AuditFilters(CourseForm):
    class Meta:
        csrf = False  # a search form: it reads, never writes

    action = StringField("Action contains", validators=[Optional()])
    actor = StringField("Done by (email)", validators=[Optional()])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
