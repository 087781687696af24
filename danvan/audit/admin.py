"""The audit log in the admin: read-only, for administrators at the root of the tree only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from danvan.audit.models import AuditEvent
from danvan.core.admin import ReadOnlyAdmin
from danvan.org.admin import NationalOnlyMixin


@admin.register(AuditEvent)
class AuditEventAdmin(NationalOnlyMixin, ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "channel", "ip_address", "object_type", "object_id"]
    list_filter = ["kind", "channel", "at"]
    search_fields = ["username", "ip_address", "object_id"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    readonly_fields = [
        "at",
        "kind",
        "user",
        "username",
        "channel",
        "ip_address",
        "user_agent",
        "object_type",
        "object_id",
        "detail",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return super().get_queryset(request).select_related("user")
