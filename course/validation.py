"""The one rule for single-line text: no control characters (line breaks, tabs, escapes), in any form.

A line break in a name would add a line of its own choosing to every e-mail that names the person
(reminders, invitations), and to CSV files; other control characters hide text from the reader. Every
form of the course derives from `CourseForm`, which applies the rule to each single-line field.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, TextAreaField
from wtforms.fields import StringField

CONTROL_CHARACTERS = (
    "This field cannot contain line breaks, tabs or other invisible control characters. "
    "Type it again on one line."
)


def has_control_characters(value: str) -> bool:
    """True when the text holds a control character (Unicode category Cc: C0, DEL, C1) or a line or
    paragraph separator."""
    return any(unicodedata.category(c) in {"Cc", "Zl", "Zp"} for c in value)


def single_line_problem(value: str) -> str | None:
    return CONTROL_CHARACTERS if has_control_characters(value) else None


def _single_line(field: Field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, TextAreaField)


class CourseForm(FlaskForm):
    """Every form's base: each single-line text field (search boxes, names, emails, passwords)
    refuses control characters with a message that says so."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if _single_line(field) and isinstance(field.data, str):
                problem = single_line_problem(field.data)
                if problem:
                    field.errors = [*field.errors, problem]
                    valid = False
        return valid
