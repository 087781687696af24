"""The calendar exceptions admin: administrators edit through the services, others only read."""

from datetime import date

import pytest

from danvan.calendar.models import CalendarEvent, CalendarException
from danvan.calendar.selectors import is_working_day
from danvan.calendar.services import calendar_exception_add

LIST = "/admin/calendar/calendarexception/"
ADD = f"{LIST}add/"


def test_the_list_shows_day_dd_mm_yyyy_kind_and_name(client, administrator):
    calendar_exception_add(
        actor=administrator, day=date(2026, 1, 10), kind="working_day", name="Làm bù thứ Bảy"
    )
    client.force_login(administrator)

    page = client.get(LIST).content.decode()

    assert "10/01/2026" in page
    assert "Thứ Bảy" in page
    assert "ngày làm việc" in page.lower()
    assert "Làm bù thứ Bảy" in page


def test_an_administrator_adds_a_day_off_and_deadlines_are_recomputed(
    client, administrator, deadline_book
):
    item = deadline_book.add(date(2026, 2, 25), 5)
    client.force_login(administrator)

    response = client.post(
        ADD, {"day": "04/03/2026", "kind": "day_off", "name": "Nghỉ bù (thông báo số 1)"}
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    exception = CalendarException.objects.get()
    assert exception.created_by == administrator
    assert not is_working_day(date(2026, 3, 4))
    assert deadline_book.calls == [date(2026, 3, 4)]
    assert item.due == date(2026, 3, 5)
    assert CalendarEvent.objects.get().deadlines_changed == 1


def test_the_admin_form_explains_a_pointless_exception(client, administrator):
    client.force_login(administrator)

    response = client.post(ADD, {"day": "04/03/2026", "kind": "working_day", "name": "X"})

    assert response.status_code == 200
    assert "theo luật đã là ngày làm việc" in response.content.decode()
    assert not CalendarException.objects.exists()


def test_an_administrator_deletes_through_the_service(client, administrator, deadline_book):
    exception = calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù"
    )
    client.force_login(administrator)

    response = client.post(
        LIST,
        {"action": "delete_selected", "_selected_action": [exception.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not CalendarException.objects.exists()
    assert is_working_day(date(2026, 3, 4))
    assert deadline_book.calls == [date(2026, 3, 4), date(2026, 3, 4)]
    assert CalendarEvent.objects.filter(action="removed").count() == 1


@pytest.mark.parametrize("persona", ["cadre_a", "handler_a", "supervisor"])
def test_other_roles_read_but_cannot_add(client, request, administrator, persona):
    calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù"
    )
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LIST).status_code == 200
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"day": "05/03/2026", "kind": "day_off", "name": "X"}).status_code == (
        403
    )
    assert CalendarException.objects.count() == 1


def test_an_administrator_moves_an_exception_to_another_day(client, administrator, deadline_book):
    exception = calendar_exception_add(
        actor=administrator, day=date(2026, 3, 4), kind="day_off", name="Nghỉ bù"
    )
    client.force_login(administrator)

    response = client.post(
        f"{LIST}{exception.pk}/change/",
        {"day": "05/03/2026", "kind": "day_off", "name": "Nghỉ bù (đính chính)"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    exception.refresh_from_db()
    assert (exception.day, exception.name) == (date(2026, 3, 5), "Nghỉ bù (đính chính)")
    assert is_working_day(date(2026, 3, 4))
    assert not is_working_day(date(2026, 3, 5))
    assert deadline_book.calls[-2:] == [date(2026, 3, 4), date(2026, 3, 5)]


def test_the_admin_refuses_a_second_exception_for_the_same_day(client, administrator):
    calendar_exception_add(actor=administrator, day=date(2026, 3, 4), kind="day_off", name="A")
    client.force_login(administrator)

    response = client.post(ADD, {"day": "04/03/2026", "kind": "day_off", "name": "B"})

    assert response.status_code == 200
    assert CalendarException.objects.count() == 1
