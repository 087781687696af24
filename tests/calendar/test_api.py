"""GET /api/v1/calendar/holidays/ and /api/v1/calendar/deadline/."""

from datetime import date

import pytest
from django.utils import timezone

from danvan.calendar.selectors import working_days_left
from danvan.calendar.services import calendar_exception_add

HOLIDAYS = "/api/v1/calendar/holidays/"
DEADLINE = "/api/v1/calendar/deadline/"


@pytest.mark.parametrize("url", [f"{HOLIDAYS}?year=2026", f"{DEADLINE}?start=2026-02-10&amount=1"])
def test_anonymous_gets_401(api, db, url):
    response = api.get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_cadre_reads_the_days_off_of_2026(api_as, cadre_a, administrator):
    calendar_exception_add(
        actor=administrator, day=date(2026, 1, 2), kind="day_off", name="Nghỉ Tết Dương lịch"
    )

    response = api_as(cadre_a).get(HOLIDAYS, {"year": 2026})

    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026
    days_off = {row["date"]: row for row in body["days_off"]}
    assert days_off["2026-02-17"] == {
        "date": "2026-02-17",
        "weekday": 2,
        "name": "Tết Nguyên Đán",
        "source": "law",
    }
    assert days_off["2026-01-02"]["source"] == "exception"
    assert {"2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"} <= days_off.keys()
    assert [row["date"] for row in body["working_days"]] == ["2026-08-22"]


def test_the_year_defaults_to_this_year(api_as, cadre_a):
    response = api_as(cadre_a).get(HOLIDAYS)

    assert response.status_code == 200
    assert response.json()["year"] == timezone.localdate().year


def test_holidays_cost_the_same_queries_for_one_or_many_exceptions(
    api_as, cadre_a, administrator, count_queries
):
    client = api_as(cadre_a)
    calendar_exception_add(actor=administrator, day=date(2026, 3, 2), kind="day_off", name="A")
    with count_queries() as one:
        assert client.get(HOLIDAYS, {"year": 2026}).status_code == 200
    for day in (3, 4, 5, 6):
        calendar_exception_add(
            actor=administrator, day=date(2026, 3, day), kind="day_off", name=f"N{day}"
        )
    with count_queries() as many:
        assert client.get(HOLIDAYS, {"year": 2026}).status_code == 200

    assert len(many) == len(one), many


def test_ten_working_days_from_10_february_2026(api_as, handler_a):
    response = api_as(handler_a).get(
        DEADLINE, {"start": "2026-02-10", "amount": 10, "unit": "working"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2026-03-03"
    assert body["working_days"] == 10
    assert body["unit"] == "working"
    today = timezone.localdate()
    assert body["today"] == today.isoformat()
    assert body["working_days_left"] == working_days_left(today, date(2026, 3, 3))


def test_calendar_days_and_a_dd_mm_yyyy_start(api_as, supervisor):
    response = api_as(supervisor).get(
        DEADLINE, {"start": "19/01/2026", "amount": 30, "unit": "calendar"}
    )

    assert response.status_code == 200
    assert response.json()["due"] == "2026-02-23"  # 18/02 is mùng 2 Tết


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"start": "2026-13-01", "amount": 5}, "start", "ngày bắt đầu"),
        ({"start": "hôm nay", "amount": 5}, "start", "ngày bắt đầu"),
        ({"amount": 5}, "start", "ngày bắt đầu"),
        ({"start": "1800-01-01", "amount": 5}, "start", "2000"),
        ({"start": "2026-02-10", "amount": -1}, "amount", "số ngày"),
        ({"start": "2026-02-10", "amount": 3651}, "amount", "3650"),
        ({"start": "2026-02-10", "amount": "mười"}, "amount", "số ngày"),
        ({"start": "2026-02-10", "amount": 5, "unit": "weeks"}, "unit", "weeks"),
    ],
)
def test_bad_deadline_input_is_a_400_naming_the_field(api_as, cadre_a, params, field, words):
    response = api_as(cadre_a).get(DEADLINE, params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert words in body["message"].lower()


@pytest.mark.parametrize("year", ["abc", "1999", "2101"])
def test_a_bad_year_is_a_400_naming_the_field(api_as, cadre_a, year):
    response = api_as(cadre_a).get(HOLIDAYS, {"year": year})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["year"]
    assert response.json()["message"].lower().startswith("năm")
