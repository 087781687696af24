"""Only administrators read the audit log."""

from danvan.org.models import Role
from danvan.org.roles import register

register(Role.ADMINISTRATOR, "audit.view_auditevent")
