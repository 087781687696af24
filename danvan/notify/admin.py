"""
Admin: the policy is editable; what was sent (and what failed) is visible, read-only. All of
it is national: read and changed by administrators at the root of the tree only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from danvan.notify.models import (
    Delivery,
    Digest,
    Notification,
    NotificationPreference,
    OutboxMessage,
    Reminder,
    ReminderStage,
)
from danvan.org.admin import NationalOnlyMixin, NationalWriteMixin


class ReadOnlyAdmin(NationalOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReminderStage)
class ReminderStageAdmin(NationalWriteMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "subject",
        "code",
        "offset_days",
        "audience",
        "repeat_every_days",
        "catch_up_days",
        "is_active",
    ]
    list_filter = ["subject", "audience", "is_active"]
    list_editable = ["is_active"]
    ordering = ["subject", "offset_days", "repeat_every_days"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(NationalOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "email", "in_app", "push", "daily_digest", "quiet_start", "quiet_end"]
    list_filter = ["daily_digest", "email", "push"]
    search_fields = ["user__username", "user__full_name", "user__email"]
    raw_id_fields = ["user"]


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["channel", "status", "attempts", "last_error", "not_before", "sent_at"]
    readonly_fields = ["channel", "status", "attempts", "last_error", "not_before", "sent_at"]
    extra = 0
    can_delete = False


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = [
        "item_key",
        "stage",
        "occurrence",
        "recipient",
        "deadline",
        "is_escalation",
        "status",
        "created_at",
    ]
    list_filter = ["status", "is_escalation", "stage"]
    search_fields = ["item_key", "title", "recipient__username"]
    list_select_related = ["stage", "recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "reminder",
        "channel",
        "status",
        "attempts",
        "short_error",
        "not_before",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    list_select_related = ["reminder", "reminder__stage"]
    search_fields = ["reminder__item_key", "subject"]
    show_full_result_count = False

    @admin.display(description=_("last error"))
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:120]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "title", "status", "attempts", "short_error", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
    actions = ["retry_now"]
    show_full_result_count = False

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutboxMessage) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Retry the selected push messages now"))
    def retry_now(self, request: HttpRequest, queryset: Any) -> None:
        queryset.exclude(status="sent").update(status="pending", next_attempt_at=None)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "user", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
    show_full_result_count = False


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "due_soon", "overdue", "sent_at"]
    list_select_related = ["user"]
    date_hierarchy = "day"
