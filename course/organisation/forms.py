"""The organisation's settings form."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from course.models import ORG_DEFAULTS
from course.org import format_stages, parse_stages
from course.records import rules
from course.validation import CourseForm

REGIONS = [
    SelectChoice("UK", "United Kingdom"),
    SelectChoice("US", "United States"),
    SelectChoice("CA", "Canada"),
    SelectChoice("AU", "Australia"),
]


def _whole(low: int, high: int, what: str) -> list[object]:
    return [NumberRange(low, high, f"Enter {what} from {low} to {high}.")]


class SettingsForm(CourseForm):
    org_name = StringField(
        "Organisation name", validators=[DataRequired("Enter the organisation's name."), Length(max=200)]
    )
    region = SelectField(
        "Region", choices=REGIONS, description="Sets the helplines and the regional guidance."
    )
    safeguarding_lead_name = StringField("Safeguarding lead's name", validators=[Length(max=200)])
    safeguarding_lead_role = StringField(
        "Their role", validators=[Length(max=200)], description="For example: Designated Safeguarding Lead."
    )
    safeguarding_lead_contact = StringField(
        "How to reach them",
        validators=[Length(max=300)],
        description="A room, a phone extension or an e-mail address.",
    )
    policy_url = URLField(
        "Link to your self-harm or safeguarding policy",
        validators=[Optional(), URL(message="Enter a full web address starting https://"), Length(max=500)],
    )
    wellbeing_contact = StringField(
        "Staff wellbeing contact",
        validators=[Length(max=300)],
        description="Shown in the support panel on every page.",
    )
    signatory_name = StringField(
        "Training lead's name",
        validators=[Length(max=200)],
        description="Signs the certificates. Leave blank for no signatory.",
    )
    signatory_role = StringField(
        "Training lead's role", validators=[Length(max=200)], description="For example: Head of training."
    )
    logo = FileField(
        "Logo for the certificates",
        description=f"A PNG or JPEG, up to {rules.LOGO_MAX_BYTES // 1024} KB and "
        f"{rules.LOGO_MAX_PIXELS} pixels on either side.",
    )
    remove_logo = BooleanField("Remove the current logo")
    certificate_months = IntegerField(
        "Certificate valid for (months)",
        validators=[InputRequired("Enter a number of months."), *_whole(1, 60, "a number of months")],
    )
    pass_mark = IntegerField(
        "Pass mark for every quiz (%)",
        validators=[Optional(), *_whole(50, 100, "a pass mark")],
        description="Leave blank to use each quiz's own pass mark (80%).",
    )
    expiring_window_days = IntegerField(
        "Renewal window (days before expiry)",
        validators=[InputRequired("Enter a number of days."), *_whole(7, 120, "a number of days")],
    )
    retake_review_after = IntegerField(
        "Failed quiz attempts in a row before a learner goes back over the module",
        validators=[InputRequired("Enter a number of attempts."), *_whole(0, 10, "a number of attempts")],
        description="Before the next attempt, the learner opens each section of the module again. "
        "Enter 0 to let learners retake a quiz straight away.",
    )
    reminder_interval_days = IntegerField(
        "Days between overdue reminders to the same person",
        validators=[InputRequired("Enter a number of days."), *_whole(7, 90, "a number of days")],
        description="At least 7: an overdue reminder goes at most once a week.",
    )
    reminder_stages = StringField(
        "Reminder days before a due date or expiry",
        validators=[Length(max=40)],
        description="Whole numbers of days, separated by commas; 0 is the day itself. Leave blank for "
        "30, 7, 0.",
    )
    second_factor_everyone = BooleanField(
        "Ask everyone who signs in with a password for a second factor",
        description="Managers and administrators always need one: a code from an authenticator app after "
        "their password. Tick this to ask learners too; each sets up their app at their next sign-in. "
        "People who sign in through single sign-on or an LMS are not asked.",
    )
    privacy_notice = TextAreaField(
        "Privacy notice",
        validators=[Length(max=20000)],
        description="Shown on the privacy page linked in every page's footer. Leave blank for the standard "
        "notice. A blank line starts a new paragraph.",
    )
    submit = SubmitField("Save settings")

    def validate_logo(self, field: FileField) -> None:
        self.logo_type: str | None = None
        if field.data and field.data.filename:
            with field.data.stream as upload:  # a large upload is spooled to a file: close it now
                self.logo_bytes = upload.read()
            try:
                self.logo_type = rules.logo_content_type(self.logo_bytes)
            except rules.LogoRefused as refused:
                raise ValidationError(str(refused)) from refused

    def validate_reminder_stages(self, field: StringField) -> None:
        try:
            field.data = format_stages(parse_stages(field.data or ORG_DEFAULTS["reminder_stages"]))
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def validate_policy_url(self, field: URLField) -> None:
        if field.data and not field.data.startswith("https://"):
            raise ValidationError("Enter a full web address starting https://")
