"""Working days and deadlines, counted as the Civil Code says, against holidays.VN's dates."""

from datetime import date, timedelta

import pytest

from danvan.calendar.selectors import (
    add_calendar_days,
    add_working_days,
    deadline,
    is_working_day,
    next_working_day,
    previous_working_day,
    working_days_between,
    working_days_left,
)

pytestmark = pytest.mark.django_db


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- Which days are working days ----------------------------------------------------------
def test_weekdays_work_and_weekends_do_not():
    assert is_working_day(date(2026, 3, 6))  # Friday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday
    assert is_working_day(date(2026, 3, 9))  # Monday


def test_tet_2026_is_monday_16_to_friday_20_february():
    assert [d for d in days(date(2026, 2, 9), date(2026, 2, 27)) if not is_working_day(d)] == [
        date(2026, 2, 14),
        date(2026, 2, 15),
        *days(date(2026, 2, 16), date(2026, 2, 20)),  # giao thừa .. mùng 4
        date(2026, 2, 21),
        date(2026, 2, 22),
    ]


def test_tet_2027_is_thursday_4_to_wednesday_10_february():
    off = [d for d in days(date(2027, 2, 1), date(2027, 2, 14)) if not is_working_day(d)]

    # 29 Tết, giao thừa, mùng 1 (Saturday), mùng 2 (Sunday), mùng 3, mùng 4, and the day
    # given back for the Tết days on the weekend.
    assert off == [*days(date(2027, 2, 4), date(2027, 2, 10)), date(2027, 2, 13), date(2027, 2, 14)]


def test_hung_kings_30_april_1_may_and_national_day_2026():
    # Giỗ Tổ (10/3 lunar) is Sunday 26/04/2026, given back on Monday 27/04.
    assert not is_working_day(date(2026, 4, 27))
    assert not is_working_day(date(2026, 4, 30))
    assert not is_working_day(date(2026, 5, 1))
    # 2/9 with its adjacent day (1/9), and Monday 31/08 off in exchange for Saturday 22/08.
    assert not is_working_day(date(2026, 8, 31))
    assert not is_working_day(date(2026, 9, 1))
    assert not is_working_day(date(2026, 9, 2))
    assert is_working_day(date(2026, 8, 22))
    assert is_working_day(date(2026, 9, 3))


def test_next_and_previous_working_day():
    assert next_working_day(date(2026, 3, 4)) == date(2026, 3, 4)
    assert next_working_day(date(2026, 2, 14)) == date(2026, 2, 23)  # after Tết
    assert previous_working_day(date(2026, 2, 22)) == date(2026, 2, 13)
    assert previous_working_day(date(2026, 3, 4)) == date(2026, 3, 4)


# --- Civil Code art. 147–148 ----------------------------------------------------------------
def test_the_start_day_is_not_counted():
    friday = date(2026, 3, 6)

    assert add_working_days(friday, 1) == date(2026, 3, 9)  # Monday
    assert add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)
    assert add_calendar_days(date(2026, 3, 9), 1) == date(2026, 3, 10)


def test_a_calendar_deadline_on_a_saturday_moves_to_monday():
    assert add_calendar_days(date(2026, 3, 2), 5) == date(2026, 3, 9)  # Sat 7/3 -> Mon 9/3


def test_a_calendar_deadline_on_a_holiday_moves_past_the_whole_holiday():
    # 20/04 + 10 days = Thursday 30/04 (holiday); 1/5 holiday, then the weekend.
    assert add_calendar_days(date(2026, 4, 20), 10) == date(2026, 5, 4)


def test_thirty_days_to_resolve_a_complaint_accepted_before_tet_2026():
    # Accepted 19/01/2026: 30 calendar days end on Wednesday 18/02 (mùng 2 Tết) -> 23/02.
    assert deadline(date(2026, 1, 19), 30, "calendar") == date(2026, 2, 23)


def test_ten_working_days_across_tet_2026():
    # 11, 12, 13 Feb; Tết and two weekends; 23–27 Feb; 2 and 3 March.
    assert add_working_days(date(2026, 2, 10), 10) == date(2026, 3, 3)
    assert deadline(date(2026, 2, 10), 10, "working") == date(2026, 3, 3)


def test_ten_working_days_across_tet_2027():
    # 2, 3 Feb; 4–10 Feb off; 11, 12, 15–19, 22 Feb.
    assert add_working_days(date(2027, 2, 1), 10) == date(2027, 2, 22)


def test_five_working_days_across_30_april_and_1_may_2026():
    # Fri 24/04 start; 27/04 Giỗ Tổ (given back), 28, 29; 30/4, 1/5 off; 4, 5, 6 May.
    assert add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 6)


def test_three_working_days_across_national_day_2026():
    assert add_working_days(date(2026, 8, 28), 3) == date(2026, 9, 7)
    # The swapped Saturday 22/08/2026 is a working day.
    assert add_working_days(date(2026, 8, 21), 1) == date(2026, 8, 22)


def test_zero_days_is_the_start_and_negative_working_days_count_back():
    assert add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)
    assert add_working_days(date(2026, 2, 23), -1) == date(2026, 2, 13)
    assert add_working_days(date(2026, 3, 9), -5) == date(2026, 3, 2)


def test_deadlines_many_years_away_and_across_a_year_end():
    assert add_working_days(date(2026, 12, 30), 2) == date(2027, 1, 4)  # 1/1/2027 off
    due = add_working_days(date(2026, 3, 2), 2500)
    assert working_days_between(date(2026, 3, 2), due) == 2500
    assert add_calendar_days(date(2026, 3, 2), 3650) >= date(2036, 2, 28)


def test_unknown_unit_and_bad_ranges_are_refused():
    with pytest.raises(ValueError):
        deadline(date(2026, 3, 2), 5, "weeks")
    with pytest.raises(ValueError):
        add_calendar_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError):
        add_working_days(date(1800, 1, 1), 1)


# --- Pauses ----------------------------------------------------------------------------------
def test_working_days_inside_a_pause_are_not_counted():
    pause = (date(2026, 3, 4), date(2026, 3, 5))

    # 3 March, (4–5 paused), 6, 9, 10, 11.
    assert add_working_days(date(2026, 3, 2), 5, pauses=[pause]) == date(2026, 3, 11)
    assert deadline(date(2026, 3, 2), 5, "working", pauses=[pause]) == date(2026, 3, 11)


def test_calendar_days_inside_a_pause_are_not_counted():
    # 10 days from 2/3 is 12/3; paused 5–7/3 adds three days: Sunday 15/3 -> Monday 16/3.
    assert add_calendar_days(date(2026, 3, 2), 10) == date(2026, 3, 12)
    pause = (date(2026, 3, 5), date(2026, 3, 7))
    assert add_calendar_days(date(2026, 3, 2), 10, pauses=[pause]) == date(2026, 3, 16)


def test_pauses_before_the_start_are_ignored_and_overlapping_pauses_count_once():
    start = date(2026, 3, 2)
    assert add_working_days(start, 5, pauses=[(date(2026, 2, 1), date(2026, 3, 2))]) == (
        add_working_days(start, 5)
    )
    overlapping = [(date(2026, 3, 4), date(2026, 3, 5)), (date(2026, 3, 5), date(2026, 3, 6))]
    # 3, (4–6 paused), 9, 10, 11, 12.
    assert add_working_days(start, 5, pauses=overlapping) == date(2026, 3, 12)
    with pytest.raises(ValueError):
        add_working_days(start, 5, pauses=[(date(2026, 3, 6), date(2026, 3, 4))])


def test_a_pause_after_the_due_date_changes_nothing():
    pause = (date(2026, 6, 1), date(2026, 6, 30))
    assert add_working_days(date(2026, 3, 2), 5, pauses=[pause]) == date(2026, 3, 9)


# --- Counting what is left -----------------------------------------------------------------
def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # Fri -> Mon
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1  # across Tết


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (date(2026, 3, 4), date(2026, 3, 4), 0),  # due today
        (date(2026, 3, 4), date(2026, 3, 5), 1),  # due tomorrow
        (date(2026, 3, 4), date(2026, 3, 3), -1),  # due yesterday
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday, due Monday
        (date(2026, 3, 9), date(2026, 3, 6), -1),  # Monday, was due Friday
        (date(2026, 3, 7), date(2026, 3, 6), -1),  # Saturday, was due Friday
        (date(2026, 3, 7), date(2026, 3, 9), 1),  # Saturday, due Monday
        (date(2026, 3, 6), date(2026, 3, 7), 1),  # due on a Saturday counts as Monday
        (date(2026, 2, 13), date(2026, 2, 23), 1),  # before Tết, due after it
        (date(2026, 3, 10), date(2026, 3, 4), -4),
    ],
)
def test_working_days_left(today, due, left):
    assert working_days_left(today, due) == left


def test_adding_and_counting_agree_for_every_start_in_2026():
    for start in days(date(2026, 1, 1), date(2026, 12, 31)):
        for amount in (1, 5, 10, 15):
            due = add_working_days(start, amount)
            assert is_working_day(due)
            assert working_days_between(start, due) == amount
            assert working_days_between(start, due - timedelta(days=1)) == amount - 1
