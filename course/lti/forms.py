"""The LTI forms: a platform's registration, the learner's job role, the deep-linking choice."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length

from course.models import JobRole
from course.validation import CourseForm

NO_UNIT = 0


def _url(label: str, description: str) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(f"Enter the {label.lower()}."), URL(require_tld=False), Length(max=500)],
        description=description,
    )


class RegistrationForm(CourseForm):
    issuer = StringField(
        "Issuer",
        validators=[DataRequired("Enter the platform's issuer."), Length(max=300)],
        description="The platform ID your LMS shows, for example https://moodle.example.org.",
    )
    client_id = StringField(
        "Client ID",
        validators=[DataRequired("Enter the client ID."), Length(max=255)],
        description="The client ID your LMS gave this tool.",
    )
    deployment_id = StringField(
        "Deployment ID",
        validators=[DataRequired("Enter the deployment ID."), Length(max=255)],
        description="The deployment ID your LMS shows for this tool.",
    )
    auth_login_url = _url("Authentication request URL", "Where this site sends the login (OIDC auth).")
    auth_token_url = _url("Access token URL", "Where this site asks for a token to send scores.")
    keyset_url = _url("Public keyset URL", "Where your LMS publishes its signing keys (JWKS).")
    unit = SelectField(
        "Unit for new learners",
        coerce=int,
        description="Where a learner this LMS sends for the first time goes.",
    )
    submit = SubmitField("Register the platform")


class SwitchForm(CourseForm):
    submit = SubmitField("Switch")


class JobRoleForm(CourseForm):
    job_role = RadioField(
        "Your job role",
        choices=[SelectChoice(role.value, role.label) for role in JobRole],
        validators=[DataRequired("Choose your job role.")],
        description="The course shows the examples and steps for your role.",
    )
    submit = SubmitField("Continue to the course")


class DeepLinkForm(CourseForm):
    """Posted back from the LMS frame: the signed context stands in for the CSRF token (see routes)."""

    class Meta:
        csrf = False

    context = HiddenField(validators=[DataRequired()])
    choice = RadioField("What to add", validators=[DataRequired("Choose the course or one module.")])
    submit = SubmitField("Add to the LMS course")
