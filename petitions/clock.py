"""The working-day calendar as the petitions app uses it (danvan.calendar does the arithmetic)."""

from danvan.calendar.models import DayUnit
from danvan.calendar.selectors import add_working_days, deadline, working_days_left

__all__ = ["DayUnit", "add_working_days", "deadline", "working_days_left"]
