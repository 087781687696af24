"""Calendar API routes, included under /api/v1/calendar/ by danvan/api.py."""

from django.urls import path

from danvan.calendar import api

urlpatterns = [
    path("holidays/", api.HolidaysView.as_view(), name="calendar-holidays"),
    path("deadline/", api.DeadlineView.as_view(), name="calendar-deadline"),
]
