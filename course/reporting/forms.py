"""Report filters: search forms that read, never write."""

from __future__ import annotations

from wtforms import DateField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from course.models import JobRole
from course.progress.status import Status
from course.reporting.services import LearnerQuery
from course.security import bounded_int
from course.validation import CourseForm


class LearnerFilters(CourseForm):
    class Meta:
        csrf = False  # a search form: it reads, never writes

    q = SearchField("Name or email", validators=[Optional()])
    unit = SelectField("Unit (and units within it)", coerce=bounded_int, validators=[Optional()])
    job_role = SelectField(
        "Job role", choices=[SelectChoice("", "Any"), *(SelectChoice(j.value, j.label) for j in JobRole)]
    )
    status = SelectField(
        "Status", choices=[SelectChoice("", "Any"), *(SelectChoice(s.value, s.value) for s in Status)]
    )
    due_before = DateField("Due on or before", validators=[Optional()])
    sort = SelectField(
        "Sort by",
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
