"""Read-only calendar API for mobile clients: the year's days off, and deadline arithmetic."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from danvan.calendar import selectors
from danvan.calendar.models import DayUnit

# The API accepts these years: enough for any open case, and a typo'd year gets a clear 400.
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_AMOUNT = 3650  # ten years of days: longer than any legal clock


def _check_year(value: date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(
            _("Give a date between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


class HolidaysQuery(serializers.Serializer):
    year = serializers.IntegerField(
        label=_("year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Calendar year; the current year when left out."),
        error_messages={
            "invalid": _("Give the year as a number, e.g. 2026."),
            "min_value": _("Give a year from 2000 to 2100."),
            "max_value": _("Give a year from 2000 to 2100."),
        },
    )


class CalendarDay(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.IntegerField(help_text=_("1 = Monday … 7 = Sunday"))
    name = serializers.CharField()
    # A field called "source" shadows Field.source for type checkers only.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[(selectors.SOURCE_LAW, _("law")), (selectors.SOURCE_EXCEPTION, _("exception"))]
    )


class Holidays(serializers.Serializer):
    year = serializers.IntegerField()
    days_off = CalendarDay(many=True, help_text=_("Public holidays and announced days off."))
    working_days = CalendarDay(
        many=True, help_text=_("Weekend days and holidays made working days by a swap.")
    )


def _days(rows: list[tuple[date, str, str]]) -> list[dict[str, Any]]:
    return [
        {"date": day, "weekday": day.isoweekday(), "name": name, "source": source}
        for day, name, source in rows
    ]


class HolidaysView(GenericAPIView):
    """The year's days off (law and announced exceptions) and its swapped working days."""

    serializer_class = HolidaysQuery
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(parameters=[HolidaysQuery], responses=Holidays)
    def get(self, request: Request) -> Response:
        query = self.get_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        body = {
            "year": year,
            "days_off": _days(selectors.holidays_in(year)),
            "working_days": _days(selectors.extra_working_days_in(year)),
        }
        return Response(Holidays(body).data)


class DeadlineQuery(serializers.Serializer):
    start = serializers.DateField(
        label=_("start date"),
        help_text=_("The day the clock starts (not counted), YYYY-MM-DD or dd/mm/yyyy."),
        validators=[_check_year],
        error_messages={
            "required": _("Give the start date."),
            "invalid": _("Not a date; write it as YYYY-MM-DD or dd/mm/yyyy, e.g. 2026-02-10."),
        },
    )
    amount = serializers.IntegerField(
        label=_("amount"),
        min_value=0,
        max_value=MAX_AMOUNT,
        help_text=_("Number of days, 0 to 3650."),
        error_messages={
            "required": _("Give the number of days."),
            "invalid": _("Give the number of days as a whole number from 0 to 3650."),
            "min_value": _("The number of days cannot be negative."),
            "max_value": _("The number of days can be 3650 at most."),
            "max_string_length": _("Give the number of days as a whole number from 0 to 3650."),
        },
    )
    unit = serializers.ChoiceField(
        label=pgettext_lazy("counting days", "unit"),
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
        help_text=_('"working" (working days, the default) or "calendar" (calendar days).'),
        error_messages={
            "invalid_choice": _('"{input}" is not a unit; use "working" or "calendar".'),
        },
    )


class Deadline(serializers.Serializer):
    start = serializers.DateField()
    amount = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=DayUnit.choices)
    due = serializers.DateField(help_text=_("The last day of the period (art. 147–148)."))
    working_days = serializers.IntegerField(
        help_text=_("Working days after the start date up to and including the due date.")
    )
    today = serializers.DateField()
    working_days_left = serializers.IntegerField(
        help_text=_("From today: 0 = due today, negative = overdue by that many working days.")
    )


class DeadlineView(GenericAPIView):
    """The due date of a clock started on a day, counted as the Civil Code says."""

    serializer_class = DeadlineQuery
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(parameters=[DeadlineQuery], responses=Deadline)
    def get(self, request: Request) -> Response:
        query = self.get_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, amount, unit = (query.validated_data[key] for key in ("start", "amount", "unit"))
        due = selectors.deadline(start, amount, unit)
        today = timezone.localdate()
        body = {
            "start": start,
            "amount": amount,
            "unit": unit,
            "due": due,
            "working_days": selectors.working_days_between(start, due),
            "today": today,
            "working_days_left": selectors.working_days_left(today, due),
        }
        return Response(Deadline(body).data)
