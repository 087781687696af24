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
from django.utils.functional import cached_property

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


class Header:
    """
    What every page's header shows: the bell's unread count, and which menu entries (the one
    rule). Each fact is read when a template first asks for it, so a page that shows no
    header (the standalone 500 page) asks the database nothing.
    """

    def __init__(self, user: Any) -> None:
        self.user = user
        self.signed_in = bool(user is not None and user.is_authenticated)

    @cached_property
    def unread(self) -> int:
        from danvan.notify import selectors

        if not self.signed_in:
            return 0
        counted = getattr(self.user, UNREAD_ATTR, None)  # None: another backend loaded it
        return selectors.unread_count(self.user) if counted is None else int(counted)

    @cached_property
    def menu_work(self) -> bool:
        """Petitions, tasks, the movement and reports are read in one's units: none, nothing."""
        from danvan.org.selectors import held_roles

        return self.signed_in and bool(self.user.is_superuser or held_roles(self.user))

    @cached_property
    def menu_api(self) -> bool:
        """The API's documentation: for those who manage people (and connected systems)."""
        from danvan.org import roles as org_actions
        from danvan.org.permissions import holds_anywhere

        return (
            self.signed_in
            and self.user.is_staff
            and holds_anywhere(self.user, org_actions.MANAGE_PEOPLE)
        )

    @cached_property
    def menu_admin(self) -> bool:
        """
        The admin: for those who manage tasks or people there (tasks, directives, meetings,
        accounts, settings); cadres and handlers work in the app's pages.
        """
        from danvan.org.permissions import holds_anywhere
        from tasks import roles as task_actions

        return (
            self.signed_in
            and self.user.is_staff
            and self.user.is_active
            and (self.menu_api or holds_anywhere(self.user, task_actions.MANAGE_TASK))
        )
