"""
What each role may do with directives, meetings and tasks.

The actions (`grant`) are what the services, pages, admin and API ask, at the record's unit
(danvan.org.permissions). The Django permissions (`register`) only drive the admin's menus
and model pages; they grant no action anywhere.
"""

from danvan.org.models import Role
from danvan.org.permissions import grant
from danvan.org.roles import register

# Actions and the unit each is checked at (docs/architecture.md, "One authorization rule").
MANAGE_TASK = "task.manage"  # give, edit, cancel, delete, approve, return: at the issuing unit
CASCADE_TASK = "task.cascade"  # pass a task down to the units below: at the lead unit
REPORT_PROGRESS = "task.report_progress"  # at the reporting (lead or coordinating) unit
MANAGE_MEETING = "meeting.manage"  # record, edit, add conclusions: at the organising unit
MANAGE_DIRECTIVE = "directive.manage"  # record, link, replace, files: at the issuing unit

_LEADERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
grant(MANAGE_TASK, *_LEADERS)
grant(CASCADE_TASK, *_LEADERS)
grant(REPORT_PROGRESS, Role.COMMUNE_CADRE, *_LEADERS)
grant(MANAGE_MEETING, *_LEADERS)
grant(MANAGE_DIRECTIVE, *_LEADERS)

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
