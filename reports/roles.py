"""Who may read the export log and the report documents in the admin (rows: the selectors)."""

from danvan.org.models import Role
from danvan.org.roles import register

register(Role.ADMINISTRATOR, "reports.view_exportrecord", "reports.view_reportdocument")
register(Role.SUPERVISOR, "reports.view_reportdocument")
