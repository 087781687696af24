"""Who may do what with reminders (rows are scoped to the person in the selectors)."""

from danvan.org.models import Role
from danvan.org.roles import register

register(
    Role.ADMINISTRATOR,
    "notify.view_reminderstage",
    "notify.add_reminderstage",
    "notify.change_reminderstage",
    "notify.view_notificationpreference",
    "notify.change_notificationpreference",
    "notify.view_reminder",
    "notify.view_delivery",
    "notify.view_outboxmessage",
    "notify.view_digest",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.view_intervalschedule",
)
