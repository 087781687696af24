"""
Working days and deadline arithmetic (Civil Code 2015 art. 147–148), for every app.

Working days are Monday–Friday except the statutory days off that holidays.VN knows (Tết,
Hùng Kings, 30/4, 1/5, 2/9 and its adjacent day, compensatory and swapped days), adjusted
by the admin-editable CalendarException rows (an extra day off; a Saturday, Sunday or
holiday made a working day). Everything here is a pure read; after the first call a
computation touches neither the database nor the cache (see danvan.calendar.index).

Pauses are inclusive (first day, last day) ranges during which a clock stands still
(tạm đình chỉ): days inside them are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.utils import translation
from django.utils.translation import gettext as _

from danvan.calendar.index import (
    DAY_OFF_KIND,
    WORKING_DAY_KIND,
    Index,
    OutOfRange,
    check_year,
    index_for,
    statutory_names,
    statutory_year,
    widen,
)
from danvan.calendar.models import CalendarException, DayUnit

Pauses = Sequence[tuple[date, date]]
SOURCE_LAW = "law"
SOURCE_EXCEPTION = "exception"


def _index(first: date, last: date) -> Index:
    return index_for(first.year, last.year)


def _merged(pauses: Pauses, after: int) -> list[tuple[int, int]]:
    """Pauses as sorted, non-overlapping ordinal ranges, cut to the days after `after`."""
    ranges = []
    for first, last in pauses:
        if last < first:
            raise ValueError(
                _("A pause cannot end (%(last)s) before it starts (%(first)s).")
                % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}
            )
        first_ordinal, last_ordinal = max(first.toordinal(), after + 1), last.toordinal()
        if first_ordinal <= last_ordinal:
            ranges.append((first_ordinal, last_ordinal))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for first_ordinal, last_ordinal in ranges:
        if merged and first_ordinal <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last_ordinal))
        else:
            merged.append((first_ordinal, last_ordinal))
    return merged


def is_working_day(day: date) -> bool:
    """Whether state agencies work on `day`."""
    index = _index(day, day)
    return index.is_working(day.toordinal())


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    index = _index(day, day + timedelta(days=31))
    while True:
        try:
            ordinal = day.toordinal()
            if index.is_working(ordinal):
                return day
            return date.fromordinal(index.nth(index.count_upto(ordinal)))
        except OutOfRange as error:
            index = index_for(*widen(index, error))


def previous_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the last working day before it."""
    index = _index(day - timedelta(days=31), day)
    while True:
        try:
            ordinal = day.toordinal()
            if index.is_working(ordinal):
                return day
            return date.fromordinal(index.nth(index.count_upto(ordinal) - 1))
        except OutOfRange as error:
            index = index_for(*widen(index, error))


def add_working_days(start: date, days: int, *, pauses: Pauses = ()) -> date:
    """
    The `days`-th working day after `start` (art. 147: the start day is not counted), not
    counting working days inside a pause. `days=0` gives `start`; a negative `days` counts
    back (the `-days`-th working day before `start`, for reminders; no pauses then).
    """
    ordinal = start.toordinal()
    if days < 0:
        if pauses:
            raise ValueError(_("Pauses apply only when counting forward."))
        index = _index(start - timedelta(days=-days * 2 + 31), start)
        while True:
            try:
                # Working days before `start`, then step back.
                return date.fromordinal(index.nth(index.count_upto(ordinal - 1) + days))
            except OutOfRange as error:
                index = index_for(*widen(index, error))
    if days == 0:
        return start
    index = _index(start, start + timedelta(days=days * 2 + 31))
    merged = _merged(pauses, ordinal) if pauses else ()
    while True:
        try:
            position = index.count_upto(ordinal) + days - 1
            for first, last in merged:
                if first > index.nth(position):
                    break
                # Every working day inside the pause pushes the result one working day on.
                position += index.count_upto(last) - index.count_upto(first - 1)
            return date.fromordinal(index.nth(position))
        except OutOfRange as error:
            index = index_for(*widen(index, error))


def add_calendar_days(start: date, days: int, *, pauses: Pauses = ()) -> date:
    """
    `start` + `days` calendar days (the start day and paused days not counted), moved to the
    next working day when it falls on a weekend or holiday (art. 148).
    """
    if days < 0:
        raise ValueError(_("A period of calendar days cannot be negative."))
    ordinal = start.toordinal()
    end = ordinal + days
    for first, last in _merged(pauses, ordinal) if pauses else ():
        if first > end:
            break
        end += last - first + 1
    return next_working_day(date.fromordinal(end))


def deadline(start: date, amount: int, unit: str, *, pauses: Pauses = ()) -> date:
    """The due date of a clock of `amount` `unit`s (DayUnit) started on `start`."""
    if unit == DayUnit.WORKING:
        return add_working_days(start, amount, pauses=pauses)
    if unit == DayUnit.CALENDAR:
        return add_calendar_days(start, amount, pauses=pauses)
    raise ValueError(_("Unknown day unit: %(unit)s") % {"unit": unit})


def working_days_between(start: date, end: date) -> int:
    """
    Working days d with start < d <= end; when end < start, minus the working days d with
    end < d <= start. So add_working_days(s, n) is the first day e with
    working_days_between(s, e) == n.
    """
    low, high = (start, end) if start <= end else (end, start)
    index = _index(low - timedelta(days=1), high)
    while True:
        try:
            return index.count_upto(end.toordinal()) - index.count_upto(start.toordinal())
        except OutOfRange as error:
            index = index_for(*widen(index, error))


def working_days_left(today: date, due: date) -> int:
    """
    Working days left until `due`, as a person reads a deadline on `today`:

    - 0: due today (or, when today is not a working day, due on it);
    - n > 0: n working days to go (due tomorrow, a working day -> 1; Friday for a Monday
      due date -> 1);
    - n < 0: overdue by n working days (due yesterday, a working day -> -1; on Monday for
      a Friday due date -> -1), counting the working days from `due` up to yesterday.

    A due date on a weekend or holiday counts as the next working day (art. 148). When
    both days are working days it equals working_days_between(today, due); on a weekend,
    a Friday due date reads -1 (overdue), not 0.
    """
    due = next_working_day(due)
    if due >= today:
        return working_days_between(today, due)
    # Overdue: the working days in [due, today), due itself being one.
    return -working_days_between(due - timedelta(days=1), today - timedelta(days=1))


def _holidays_language() -> str:
    return "en_US" if (translation.get_language() or "vi").startswith("en") else "vi"


def holidays_in(year: int) -> list[tuple[date, str, str]]:
    """
    The non-working days of `year` other than ordinary weekends, for display:
    (day, name in the active language, source "law" | "exception"), by day.
    A statutory day off made a working day by an exception is left out.
    """
    check_year(year)
    days: dict[date, tuple[str, str]] = {}
    for day, name in statutory_names(year, _holidays_language()):
        days[day] = (name, SOURCE_LAW)
    for day, (kind, name) in _exceptions_of(year).items():
        if kind == DAY_OFF_KIND:
            days[day] = (name, SOURCE_EXCEPTION)
        else:
            days.pop(day, None)
    return [(day, name, source) for day, (name, source) in sorted(days.items())]


def extra_working_days_in(year: int) -> list[tuple[date, str, str]]:
    """
    Days of `year` that are working days although they fall on a weekend or a statutory
    holiday (a swapped Saturday): (day, name, source "law" | "exception"), by day.
    """
    check_year(year)
    _days_off, weekend_workdays = statutory_year(year)
    names = statutory_names(year, "vi")
    days: dict[date, tuple[str, str]] = {}
    for day in weekend_workdays:
        # holidays.VN names the day off "Ngày nghỉ (thay cho ngày dd/mm/yyyy)".
        swapped_for = next((off for off, name in names if f"{day:%d/%m/%Y}" in name), None)
        name = (
            _("Working day, in exchange for the day off on %(day)s")
            % {"day": f"{swapped_for:%d/%m/%Y}"}
            if swapped_for
            else _("Working day (swapped with a day off)")
        )
        days[day] = (name, SOURCE_LAW)
    for day, (kind, name) in _exceptions_of(year).items():
        if kind == WORKING_DAY_KIND:
            days[day] = (name, SOURCE_EXCEPTION)
        else:
            days.pop(day, None)
    return [(day, name, source) for day, (name, source) in sorted(days.items())]


def _exceptions_of(year: int) -> dict[date, tuple[str, str]]:
    return {
        day: (kind, name)
        for day, kind, name in CalendarException.objects.filter(
            day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)
        ).values_list("day", "kind", "name")
    }
