"""Reads of the inbox and the push outbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from danvan.notify.models import Notification, NotificationPreference, OutboxMessage, OutboxStatus


def notifications_for(user: Any) -> QuerySet[Notification]:
    """Only the person's own notifications, ever."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def outbox_waiting() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]
    ).order_by("id")


def preference_of(user: Any) -> NotificationPreference:
    """The person's saved preferences, or the defaults (unsaved) when they never chose."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )
