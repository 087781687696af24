"""
Dates typed and picked as dd/mm/yyyy on every browser.

`<input type="date">` shows the browser's locale (mm/dd/yyyy on an English computer), whatever
language the page speaks. These fields are plain text fields that take dd/mm/yyyy, with a
calendar button added by danvan/static/danvan/datefield.js (loaded on every page by
base.html); without the script the text field still works.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DISPLAY_FORMAT = "%d/%m/%Y"
# dd/mm/yyyy first; what else people type or paste (31-12-2026, 31.12.2026) and the ISO date
# of an old link or a copied API value (2026-12-31).
INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
# The browser's hint only (forms are `novalidate`; the server decides and explains).
PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{1,2}-\d{1,2}"
INVALID_MESSAGE = gettext_lazy("%(field)s: enter a real date as dd/mm/yyyy, e.g. 31/12/2026.")


def picker_texts() -> dict[str, Any]:
    """The calendar's words in the page's language (the script has no catalogue of its own)."""
    return {
        "open": _("Choose a date from the calendar"),
        "dialog": _("Calendar"),
        "previous": _("Previous month"),
        "next": _("Next month"),
        "today": _("Today"),
        "close": _("Close"),
        # {month} is a month's name (Tháng 12), {year} the year.
        "heading": _("{month} {year}"),
        "months": [str(name) for name in MONTHS.values()],
        # Monday first, as Vietnamese calendars are.
        "weekdays": [str(name) for name in WEEKDAYS.values()],
        "weekdaysShort": [_("Mo"), _("Tu"), _("We"), _("Th"), _("Fr"), _("Sa"), _("Su")],
    }


class DateInput(forms.DateInput):
    """A text field for dd/mm/yyyy with a calendar button (datefield.js), not type="date"."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "inputmode": "numeric",
            "placeholder": "dd/mm/yyyy",
            "pattern": PATTERN,
            "autocomplete": "off",
            "maxlength": "10",
            "size": "10",
            "class": "datefield",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DISPLAY_FORMAT)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-datefield"] = json.dumps(
            picker_texts(), ensure_ascii=False
        )
        return context


class DateField(forms.DateField):
    """dd/mm/yyyy in and out; a wrong date is refused in the page's language, naming the field."""

    widget = DateInput
    input_formats = INPUT_FORMATS

    def to_python(self, value: Any) -> date | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "invalid":
                raise
            raise ValidationError(
                INVALID_MESSAGE, code="invalid", params={"field": capfirst(self.label or "")}
            ) from None


def format_date(value: date | None) -> str:
    """A date as the date fields show it (dd/mm/yyyy), or ""."""
    return value.strftime(DISPLAY_FORMAT) if value else ""
