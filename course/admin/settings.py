"""The organisation's settings: contacts shown to learners, region, validity, pass mark, reminders."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, URLField
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

from course import org
from course.admin import bp
from course.audit import record
from course.extensions import db
from course.models import ORG_DEFAULTS, Role
from course.records import rules
from course.records import services as records
from course.security import roles_required

REGIONS = [
    SelectChoice("UK", "United Kingdom"),
    SelectChoice("US", "United States"),
    SelectChoice("CA", "Canada"),
    SelectChoice("AU", "Australia"),
]


def _whole(low: int, high: int, what: str) -> list[object]:
    return [NumberRange(low, high, f"Enter {what} from {low} to {high}.")]


class SettingsForm(FlaskForm):
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
    reminder_interval_days = IntegerField(
        "Days between reminders to the same person",
        validators=[InputRequired("Enter a number of days."), *_whole(1, 90, "a number of days")],
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

    def validate_policy_url(self, field: URLField) -> None:
        if field.data and not field.data.startswith("https://"):
            raise ValidationError("Enter a full web address starting https://")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def settings() -> str | Response | tuple[str, int]:
    current = org.settings_for_update()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        changes = {}
        for name in ORG_DEFAULTS:
            new = getattr(form, name).data
            if isinstance(new, str):
                new = new.strip()
            if getattr(current, name) != new:
                changes[name] = {"from": getattr(current, name), "to": new}
                setattr(current, name, new)
        if form.logo_type is not None:
            records.save_logo(form.logo_type, form.logo_bytes)
            changes["logo"] = {"from": "", "to": f"{form.logo_type}, {len(form.logo_bytes)} bytes"}
        elif form.remove_logo.data and records.remove_logo():
            changes["logo"] = {"from": "a logo", "to": ""}
        db.session.add(current)
        record("settings.changed", subject="settings", changes=changes)
        db.session.commit()
        flash("Settings saved." if changes else "Nothing changed.", "success")
        return redirect(url_for("admin.settings"))
    logo = records.current_logo()
    return render_template("admin/settings.html", form=form, logo=logo), 422 if form.errors else 200
