"""The second factor's forms: a code from the app, a recovery code, and the buttons that change it."""

from __future__ import annotations

from collections.abc import Callable

from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError

from course.twofactor import rules
from course.validation import CourseForm, has_control_characters

MAX_TYPED = 40  # longer than any code with spaces; more is refused before it is read

_ONE_TIME = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "spellcheck": "false",
    "autocapitalize": "off",
    "class": "input-code",
}


def _code_field(hint: str) -> StringField:
    """The field for a code from the authenticator app, with the hint its page gives."""
    return StringField("6-digit code", description=hint, render_kw=_ONE_TIME)


class CodeForm(CourseForm):
    code = _code_field("Enter the 6-digit code from your authenticator app. It changes every 30 seconds.")
    submit = SubmitField("Continue")

    def validate_code(self, field: StringField) -> None:
        _read_into(field, rules.read_code, too_long=rules.CODE_DIGITS)


class EnrolForm(CodeForm):
    code = _code_field("After adding the account to your app, enter the 6-digit code it shows for it.")
    submit = SubmitField("Confirm")


class TurnOffForm(CodeForm):
    code = _code_field("To turn it off, enter the 6-digit code your authenticator app shows now.")
    submit = SubmitField("Turn off two-step verification")


class RecoveryForm(CourseForm):
    code = StringField(
        "Recovery code",
        description="One of the 10 recovery codes you saved when you set up two-step verification, "
        "such as abcde-23456. Each works once.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
    submit = SubmitField("Continue")

    def validate_code(self, field: StringField) -> None:
        _read_into(field, rules.read_recovery_code, too_long=rules.RECOVERY_SHAPE)


class SavedForm(CourseForm):
    submit = SubmitField("I have saved these codes")


class ButtonForm(CourseForm):
    """A form that is only a button (its CSRF token with it): new recovery codes, an admin's reset."""

    submit = SubmitField("Continue")


def _read_into(
    field: StringField, read: Callable[[str], tuple[str | None, str | None]], *, too_long: str
) -> None:
    """Read what was typed with `read` (a rule that says what is wrong): the field then holds the code."""
    typed = field.data or ""
    if has_control_characters(typed):
        return  # CourseForm says so, in its own words
    if len(typed) > MAX_TYPED:
        raise ValidationError(too_long)
    code, problem = read(typed)
    if problem:
        raise ValidationError(problem)
    field.data = code
