"""
Roles -> Django groups and permissions: the admin's menus and model pages.

Each app adds its permissions to ROLE_PERMISSIONS (in its own module, imported here) and
`sync_role_groups` makes the groups match after every migrate. A group holds for a role held
anywhere, so it decides only which admin pages open; what a person may *do* to a record is
the one authorization rule (`danvan.org.permissions`), asked at the record's unit.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

from danvan.org.models import Role
from danvan.org.permissions import grant

# Actions (danvan.org.permissions), asked at the unit: a province's administrator changes that
# province's units and people, and the national settings and logs only if held at the root.
MANAGE_UNITS = "org.manage_units"  # change a unit, add one below it: at the unit
# Add or change a person (password, memberships): at every unit where the person holds a post
# (a person of no unit, or a post at another province: only above both).
MANAGE_PEOPLE = "org.manage_people"
# National settings and logs (calendar, reminder stages, schedules, the audit log, every login
# record and reminder sent): at the root of the tree.
ADMINISTER_NATIONAL = "org.administer_national"
# See a person and their posts in the admin: at a unit where the person holds a post.
VIEW_PEOPLE = "org.view_people"
grant(VIEW_PEOPLE, Role.SUPERVISOR, Role.ADMINISTRATOR)
# Read who saw a denouncer or exported what: at the record's unit (a petition's receiving or
# handling unit, an export's unit).
READ_LOGS = "org.read_logs"
grant(READ_LOGS, Role.ADMINISTRATOR)
grant(MANAGE_UNITS, Role.ADMINISTRATOR)
grant(MANAGE_PEOPLE, Role.ADMINISTRATOR)
grant(ADMINISTER_NATIONAL, Role.ADMINISTRATOR)

# "app_label.codename" per role. Scoping (which rows) is the selectors' job; these say
# which kinds of rows and which actions.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.COMMUNE_CADRE: {"org.view_unit"},
    Role.PETITION_HANDLER: {"org.view_unit"},
    Role.SUPERVISOR: {"org.view_unit", "org.view_user", "org.view_membership"},
    Role.ADMINISTRATOR: {
        "org.view_unit",
        "org.add_unit",
        "org.change_unit",
        "org.view_user",
        "org.add_user",
        "org.change_user",
        "org.view_membership",
        "org.add_membership",
        "org.change_membership",
        "org.delete_membership",
        "axes.view_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "django_celery_beat.view_periodictask",
        "django_celery_beat.change_periodictask",
    },
}


def register(role: str, *permissions: str) -> None:
    """Called by an app's roles module to grant a role its permissions."""
    ROLE_PERMISSIONS.setdefault(role, set()).update(permissions)


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups(**_: Any) -> None:
    """Create one group per role holding exactly the role's permissions."""
    from django.apps import apps

    # Give each app the chance to register its permissions before syncing.
    for config in apps.get_app_configs():
        try:
            __import__(f"{config.name}.roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.roles":
                raise
    by_key = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role in Role:
        group, _created = Group.objects.get_or_create(name=group_name(role))
        wanted = [by_key[key] for key in ROLE_PERMISSIONS.get(role, set()) if key in by_key]
        group.permissions.set(wanted)
