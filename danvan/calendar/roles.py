"""Who may do what with the calendar: administrators edit it, everyone else reads it."""

from danvan.org.models import Role
from danvan.org.roles import register

register(
    Role.ADMINISTRATOR,
    "calendar.view_calendarexception",
    "calendar.add_calendarexception",
    "calendar.change_calendarexception",
    "calendar.delete_calendarexception",
    "calendar.view_calendarevent",
)
for role in (Role.COMMUNE_CADRE, Role.PETITION_HANDLER, Role.SUPERVISOR):
    register(role, "calendar.view_calendarexception")
