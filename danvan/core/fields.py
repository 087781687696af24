"""Serializer fields shared by the API's inputs."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Every date a client gives may end up in the working-day arithmetic (deadlines, suspensions,
# extensions), whose calendar covers 1990-2199 (danvan.calendar.index). Inputs are kept to
# 1990-2100, so adding any legal period (at most a few years) to them stays inside it: a
# typo'd year is a 400 naming the field, never a calendar that runs out (a 500).
FIRST_DATE = datetime.date(1990, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)


class CalendarDateField(serializers.DateField):
    """A date input within FIRST_DATE..LAST_DATE (else a 400 naming the field)."""

    default_error_messages = {
        "out_of_range": _("Give a date between the years %(first)d and %(last)d."),
    }

    def to_internal_value(self, value: Any) -> datetime.date:
        parsed = super().to_internal_value(value)
        if not FIRST_DATE <= parsed <= LAST_DATE:
            raise serializers.ValidationError(
                self.error_messages["out_of_range"]
                % {"first": FIRST_DATE.year, "last": LAST_DATE.year},
                code="out_of_range",
            )
        return parsed


# Every text a client sends has a declared and enforced length: a field without a limit of its
# own (a petition's content, a reason, a task's description: model TextFields and hand-written
# CharFields alike) takes at most TEXT_MAX_LENGTH characters. Longer is a 400 naming the field,
# and the schema declares the limit (`maxLength`) so a client can check before sending.
TEXT_MAX_LENGTH = 20_000
_char_field_init = serializers.CharField.__init__


def _bounded_char_field_init(self: serializers.CharField, **kwargs: Any) -> None:
    if not kwargs.get("read_only") and kwargs.get("max_length") is None:
        kwargs["max_length"] = TEXT_MAX_LENGTH
    _char_field_init(self, **kwargs)


def bound_text_inputs() -> None:
    """Give every writable CharField without a max_length the TEXT_MAX_LENGTH (at startup)."""
    if serializers.CharField.__init__ is not _bounded_char_field_init:
        serializers.CharField.__init__ = _bounded_char_field_init  # type: ignore[method-assign]
