"""Form fields shared by several features."""

from __future__ import annotations

from wtforms import DateField


class HtmlDateField(DateField):
    """A date field whose input always holds a valid HTML date value (YYYY-MM-DD) or nothing.

    WTForms echoes what was typed, so a bad date from an address (?since=2026-13-45) would go back into
    `<input type="date" value="...">` as an invalid value; the error message beside the field says
    what was wrong instead.
    """

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""
