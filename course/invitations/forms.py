"""Forms for invitations and the forgotten-password page."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from course.validation import CourseForm


class InviteForm(CourseForm):
    resend_expired = BooleanField(
        "Also send a new invitation to people whose invitation expired unused",
    )
    submit = SubmitField("Invite everyone not yet invited")


class SendLinkForm(CourseForm):
    submit = SubmitField("Send again")


class ForgottenPasswordForm(CourseForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter an email address in the right format, like name@example.org."),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    submit = SubmitField("Send me a link")
