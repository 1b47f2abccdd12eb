"""The audit log's filters: a search form that reads, never writes."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import Optional

from course.formfields import HtmlDateField
from course.validation import CourseForm


class AuditFilters(CourseForm):
    class Meta:
        csrf = False  # a search form: it reads, never writes

    action = StringField("Action contains", validators=[Optional()])
    actor = StringField("Done by (email)", validators=[Optional()])
    since = HtmlDateField("From", validators=[Optional()])
    until = HtmlDateField("To", validators=[Optional()])
