"""
Loading the signed-in person once per request, with what every page's header needs.

AuthenticationMiddleware loads the user on every request (one query). This backend counts,
in that same query (a subquery), the unread notifications the header's bell shows; the menu
asks the one rule, whose memberships most pages read anyway (once per request).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from danvan.notify.models import Notification

UNREAD_ATTR = "unread_notifications"


class PageUserBackend(ModelBackend):
    """Django's ModelBackend; `get_user` also counts the unread notifications, same query."""

    def get_user(self, user_id: Any) -> Any:
        unread = (
            Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        )
        model = get_user_model()
        try:
            user = model._default_manager.annotate(
                **{UNREAD_ATTR: Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))}
            ).get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def header_context(user: Any) -> dict[str, Any]:
    """
    The bell's unread count, and which menu entries to show (the one rule): the lists of
    records to those with a unit (or superusers; without one they are empty), the admin to those
    who manage tasks or people (tasks, directives, meetings, accounts and settings are managed
    there; cadres and handlers work in the app's pages), the API's documentation to those who
    manage people (who set up the accounts of connected systems). Superusers see both.
    """
    from danvan.notify import selectors
    from danvan.org import roles as org_actions
    from danvan.org.permissions import holds_anywhere
    from danvan.org.selectors import held_roles
    from tasks import roles as task_actions

    if user is None or not user.is_authenticated:
        return {
            "unread_notifications": 0,
            "menu_work": False,
            "menu_admin": False,
            "menu_api": False,
        }
    counted = getattr(user, UNREAD_ATTR, None)  # None: another backend loaded the user
    manages_people = user.is_staff and holds_anywhere(user, org_actions.MANAGE_PEOPLE)
    return {
        "unread_notifications": selectors.unread_count(user) if counted is None else counted,
        # Petitions, tasks, the movement and reports are read in one's units: none, nothing.
        "menu_work": bool(user.is_superuser or held_roles(user)),
        "menu_admin": bool(
            user.is_staff and (manages_people or holds_anywhere(user, task_actions.MANAGE_TASK))
        ),
        "menu_api": bool(manages_people),
    }
