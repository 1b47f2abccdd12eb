"""Report filters: search forms that read, never write."""

from __future__ import annotations

from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from course.formfields import HtmlDateField
from course.models import JobRole
from course.progress.status import Status
from course.reporting.services import LearnerQuery
from course.security import bounded_int
from course.validation import CourseForm


class LearnerFilters(CourseForm):
    class Meta:
        csrf = False  # a search form: it reads, never writes

    q = SearchField("Name, email or staff number", validators=[Optional()])
    unit = SelectField("Unit (and units within it)", coerce=bounded_int, validators=[Optional()])
    # Every choice field has a default that is one of its choices: a first visit, or a link that sets
    # only some filters (the dashboard's tiles), shows no error; only a wrong value does.
    job_role = SelectField(
        "Job role",
        default="",
        choices=[SelectChoice("", "Any"), *(SelectChoice(j.value, j.label) for j in JobRole)],
    )
    status = SelectField(
        "Status",
        default="",
        choices=[SelectChoice("", "Any"), *(SelectChoice(s.value, s.value) for s in Status)],
    )
    due_before = HtmlDateField("Due on or before", validators=[Optional()])
    sort = SelectField(
        "Sort by",
        default="name",
        choices=[
            SelectChoice("name", "Name"),
            SelectChoice("unit", "Unit"),
            SelectChoice("status", "Status"),
            SelectChoice("due", "Due date"),
        ],
    )

    def query(self) -> LearnerQuery:
        return LearnerQuery(
            search=(self.q.data or "").strip(),
            unit_id=self.unit.data or None,
            job_role=self.job_role.data or "",
            status=self.status.data or "",
            due_before=self.due_before.data,
            sort=self.sort.data or "name",
        )
