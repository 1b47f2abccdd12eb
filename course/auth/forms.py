"""Sign-in and password forms; each error message says what to fix."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from course.accounts.passwords import MAX_LENGTH, password_problem
from course.validation import CourseForm


class SignInForm(CourseForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(
        "Remember me on this device",
        description="Only on a device that is yours alone. Signing out, or changing your password, ends it.",
    )
    submit = SubmitField("Sign in")


class NewPasswordForm(CourseForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password.")],
        description="At least 12 characters. Three or four unrelated words work well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("password", "The two passwords do not match. Type the same password in both boxes."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Save password")

    def __init__(self, *args: Any, personal: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._personal = personal

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", personal=self._personal)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Change password")
