"""Forms for completion records."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

REASON = "Give a reason (up to 500 characters) for withdrawing the record."


class WithdrawForm(FlaskForm):
    reason = StringField(
        "Reason to withdraw this record", validators=[DataRequired(REASON), Length(max=500, message=REASON)]
    )
