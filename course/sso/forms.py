"""The single sign-on settings form."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, SubmitField

from course.validation import CourseForm


class SsoSettingsForm(CourseForm):
    password_off = BooleanField(
        "Turn off password sign-in for people with a linked account",
        description=(
            "They then sign in only with the organisation's button. Administrators keep their "
            "password, so that a problem at the sign-in service cannot lock everyone out."
        ),
    )
    default_unit = SelectField(
        "Unit for new accounts",
        coerce=int,
        description=(
            "Where an account made at someone's first sign-in goes when the sign-in service does not "
            "name a unit this site knows."
        ),
    )
    submit = SubmitField("Save single sign-on settings")
