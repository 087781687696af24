"""Announced days off and working days: data, not code, and open deadlines follow them."""

from datetime import date

import pytest
from django.utils import translation

from danvan.calendar.models import CalendarEvent, CalendarException, ExceptionKind
from danvan.calendar.selectors import (
    add_working_days,
    extra_working_days_in,
    holidays_in,
    is_working_day,
)
from danvan.calendar.services import (
    calendar_exception_add,
    calendar_exception_change,
    calendar_exception_remove,
)
from danvan.core.errors import Conflict, ServiceError
from seeds.calendar import seed_calendar

pytestmark = pytest.mark.django_db


def test_a_swapped_saturday_becomes_a_working_day(administrator):
    saturday = date(2027, 3, 13)
    assert add_working_days(date(2027, 3, 12), 1) == date(2027, 3, 15)

    calendar_exception_add(
        actor=administrator, day=saturday, kind="working_day", name="Làm bù (thử nghiệm)"
    )

    assert is_working_day(saturday)
    assert add_working_days(date(2027, 3, 12), 1) == saturday


def test_an_added_day_off_moves_a_deadline_and_runs_the_recomputers(administrator, deadline_book):
    # Given an open deadline: 5 working days from 25/02/2026 end on Wednesday 04/03.
    item = deadline_book.add(date(2026, 2, 25), 5)
    unaffected = deadline_book.add(date(2026, 3, 10), 5)
    assert item.due == date(2026, 3, 4)

    # When the government gives Wednesday 04/03 off,
    exception = calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind=ExceptionKind.DAY_OFF, name="Nghỉ bù"
    )

    # then the deadline moves a working day on, and the change is on record.
    assert deadline_book.calls == [date(2026, 3, 4)]
    assert item.due == date(2026, 3, 5)
    assert unaffected.due == date(2026, 3, 17)
    assert exception.deadlines_changed == 1
    event = CalendarEvent.objects.get()
    assert (event.action, event.day, event.actor, event.deadlines_changed) == (
        "added",
        date(2026, 3, 4),
        administrator,
        1,
    )

    # When the exception is removed, the deadline moves back.
    calendar_exception_remove(actor=administrator, exception=exception)

    assert item.due == date(2026, 3, 4)
    assert deadline_book.calls == [date(2026, 3, 4), date(2026, 3, 4)]
    assert not CalendarException.objects.exists()
    assert CalendarEvent.objects.filter(action="removed", deadlines_changed=1).count() == 1


def test_moving_an_exception_recomputes_around_both_days(administrator, deadline_book):
    item = deadline_book.add(date(2026, 2, 25), 5)
    exception = calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù"
    )

    calendar_exception_change(
        actor=administrator, exception=exception, day=date(2026, 3, 20), kind="day_off", name="X"
    )

    assert deadline_book.calls == [date(2026, 3, 4), date(2026, 3, 4), date(2026, 3, 20)]
    assert item.due == date(2026, 3, 4)
    assert not is_working_day(date(2026, 3, 20))
    assert CalendarEvent.objects.filter(action="changed", previous_day=date(2026, 3, 4)).exists()


def test_a_failing_recomputer_leaves_nothing_half_written(administrator, deadline_book):
    from danvan.calendar.services import (
        register_deadline_recomputer,
        unregister_deadline_recomputer,
    )

    def broken(day: date) -> int:
        raise RuntimeError("cannot recompute")

    register_deadline_recomputer(broken)
    try:
        with pytest.raises(RuntimeError):
            calendar_exception_add(
                actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù"
            )
    finally:
        unregister_deadline_recomputer(broken)

    assert not CalendarException.objects.exists()
    assert not CalendarEvent.objects.exists()


@pytest.mark.parametrize(
    ("day", "kind", "field"),
    [
        (date(2026, 3, 4), "working_day", "kind"),  # a Wednesday is already a working day
        (date(2026, 2, 17), "day_off", "kind"),  # Tết is already a day off
        (date(2026, 3, 7), "day_off", "kind"),  # so is a Saturday
        (date(2026, 3, 4), "holiday", "kind"),
        (date(1800, 3, 4), "day_off", "day"),
    ],
)
def test_pointless_or_invalid_exceptions_are_refused(administrator, day, kind, field):
    with pytest.raises(ServiceError) as error:
        calendar_exception_add(actor=administrator, day=day, kind=kind, name="Thử")

    assert error.value.field == field
    assert not CalendarException.objects.exists()


def test_one_exception_per_day_and_a_name_is_required(administrator):
    calendar_exception_add(actor=administrator, day=date(2026, 3, 4), kind="day_off", name="A")

    with pytest.raises(Conflict):
        calendar_exception_add(actor=administrator, day=date(2026, 3, 4), kind="day_off", name="B")
    with pytest.raises(ServiceError) as error:
        calendar_exception_add(actor=administrator, day=date(2026, 3, 5), kind="day_off", name=" ")
    assert error.value.field == "name"


def test_the_index_notices_an_exception_at_once(administrator):
    """No stale answer: the same process asks before and after a change."""
    assert is_working_day(date(2026, 3, 4))
    assert add_working_days(date(2026, 3, 3), 1) == date(2026, 3, 4)

    calendar_exception_add(actor=administrator, day=date(2026, 3, 4), kind="day_off", name="X")

    assert not is_working_day(date(2026, 3, 4))
    assert add_working_days(date(2026, 3, 3), 1) == date(2026, 3, 5)


def test_holidays_in_lists_law_and_exceptions_with_their_source(administrator):
    calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù (thử)"
    )
    calendar_exception_add(
        actor=administrator, day=date(2026, 2, 17), kind="working_day", name="Trực Tết (thử)"
    )

    with translation.override("vi"):
        listed = holidays_in(2026)

    assert (date(2026, 1, 1), "Tết Dương lịch", "law") in listed
    assert (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán", "law") in listed
    assert (date(2026, 4, 30), "Ngày Chiến thắng", "law") in listed
    assert (date(2026, 9, 2), "Quốc khánh", "law") in listed
    assert (date(2026, 3, 4), "Nghỉ bù (thử)", "exception") in listed
    assert date(2026, 2, 17) not in [day for day, _name, _source in listed]
    assert listed == sorted(listed)
    assert (date(2026, 2, 17), "Trực Tết (thử)", "exception") in extra_working_days_in(2026)
    assert (
        date(2026, 8, 22),
        "Ngày làm việc, hoán đổi cho ngày nghỉ 31/08/2026",
        "law",
    ) in extra_working_days_in(2026)


def test_holiday_names_follow_the_language():
    with translation.override("en"):
        assert (date(2026, 9, 2), "National Day", "law") in holidays_in(2026)


def test_the_seeded_new_year_2026_swap(db):
    seed_calendar()
    seed_calendar()  # idempotent

    assert CalendarException.objects.count() == 2
    assert not is_working_day(date(2026, 1, 2))  # Friday off
    assert is_working_day(date(2026, 1, 10))  # Saturday worked
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert add_working_days(date(2026, 1, 9), 1) == date(2026, 1, 10)
    assert all("12729/VPCP-KGVX" in e.name for e in CalendarException.objects.all())


def test_a_recomputer_registered_twice_runs_once(administrator, deadline_book):
    from danvan.calendar.services import register_deadline_recomputer

    register_deadline_recomputer(deadline_book.recompute)  # as a second ready() would

    calendar_exception_add(actor=administrator, day=date(2026, 3, 4), kind="day_off", name="X")

    assert deadline_book.calls == [date(2026, 3, 4)]
