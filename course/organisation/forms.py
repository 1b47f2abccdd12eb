"""The organisation's settings form."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField, URLField
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
    reminder_interval_days = IntegerField(
        "Days between reminders to the same person",
        validators=[InputRequired("Enter a number of days."), *_whole(1, 90, "a number of days")],
    )
    privacy_notice = TextAreaField(
        "Privacy notice",
        validators=[Length(max=20000)],
        description="Shown on the privacy page linked in every page's footer. Leave blank for the standard "
        "notice. A blank line starts a new paragraph.",
    )
    submit = SubmitField("Save settings")

    def validate_policy_url(self, field: URLField) -> None:
        if field.data and not field.data.startswith("https://"):
            raise ValidationError("Enter a full web address starting https://")
