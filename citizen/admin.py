from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from citizen import messages as citizen_messages
from citizen.models import CitizenMessage, Open311App, Open311Request, Open311Service
from citizen.open311.services import new_key, parse_rate
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


@admin.register(Open311Service)
class Open311ServiceAdmin(admin.ModelAdmin):
    list_display = ["service_code", "name", "group", "petition_field", "is_active", "position"]
    list_filter = ["is_active", "group"]
    search_fields = ["service_code", "name", "keywords"]


class Open311AppForm(forms.ModelForm):
    class Meta:
        model = Open311App
        fields = ["name", "contact_email", "is_active", "rate"]

    def clean_rate(self) -> str:
        rate = str(self.cleaned_data["rate"]).strip()
        try:
            parse_rate(rate)
        except ValueError:
            raise forms.ValidationError(_("A rate such as 60/min, 1000/h or 5000/d.")) from None
        return rate


@admin.register(Open311App)
class Open311AppAdmin(admin.ModelAdmin):
    """Apps that may file reports. The key is shown once, when the app is registered."""

    form = Open311AppForm
    list_display = ["name", "key_prefix", "is_active", "rate", "created_at"]
    readonly_fields = ["key_prefix", "created_at"]

    def save_model(self, request: HttpRequest, obj: Open311App, form: Any, change: bool) -> None:
        if not change:
            key, obj.key_prefix, obj.key_hash = new_key()
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                _("The app's API key (shown only now; copy it): %(key)s") % {"key": key},
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnlyAdmin):
    list_display = ["petition", "app", "service", "created_at"]
    list_filter = ["app", "service"]
    exclude = ["fingerprint"]
