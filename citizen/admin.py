from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from citizen import messages as citizen_messages
from citizen.models import CitizenMessage
from danvan.core.admin import ReadOnlyAdmin
from danvan.org.selectors import scope_ids_q


@admin.register(CitizenMessage)
class CitizenMessageAdmin(ReadOnlyAdmin):
    """What was sent to citizens and what is failing; the address is masked, never edited."""

    list_display = [
        "created_at",
        "key",
        "channel",
        "masked_to",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["key"]
    exclude = ["to", "body", "attachment"]
    readonly_fields = ["masked_to", "last_error"]
    actions = ["retry"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CitizenMessage]:
        return (
            super()
            .get_queryset(request)
            .filter(
                scope_ids_q(request.user, "petition__handling_unit", "petition__receiving_unit")
            )
            .select_related("petition")
        )

    @admin.display(description=_("to"))
    def masked_to(self, obj: CitizenMessage) -> str:
        if obj.petition.identity_protected:
            return "—"
        return citizen_messages.mask_address(obj.channel, obj.to)

    @admin.action(description=_("Try again now"))
    def retry(self, request: HttpRequest, queryset: QuerySet[CitizenMessage]) -> None:
        count = citizen_messages.retry_now(queryset)
        citizen_messages.enqueue(citizen_messages.DELIVER_TASK, None)
        self.message_user(
            request, _("%(count)d messages will be tried again.") % {"count": count}, messages.INFO
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
