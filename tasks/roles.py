"""Which roles may touch which task rows in the admin (scoping is the selectors' job)."""

from danvan.org.models import Role
from danvan.org.roles import register

_READ = (
    "tasks.view_directive",
    "tasks.view_meeting",
    "tasks.view_task",
    "tasks.view_progressreport",
)
_MANAGE = (
    *_READ,
    "tasks.add_directive",
    "tasks.change_directive",
    "tasks.add_meeting",
    "tasks.change_meeting",
    "tasks.add_meetingconclusion",
    "tasks.change_meetingconclusion",
    "tasks.view_meetingconclusion",
    "tasks.add_task",
    "tasks.add_progressreport",
    "tasks.change_task",
    "tasks.view_taskassignment",
    "tasks.add_taskassignment",
    "tasks.change_taskassignment",
    "tasks.view_taskevent",
)

register(Role.COMMUNE_CADRE, *_READ, "tasks.add_progressreport")
register(Role.PETITION_HANDLER, *_READ)
register(Role.SUPERVISOR, *_MANAGE)
register(Role.ADMINISTRATOR, *_MANAGE)
