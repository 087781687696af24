"""Admin for calendar exceptions: every save and delete goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from danvan.calendar import services
from danvan.calendar.models import CalendarEvent, CalendarException
from danvan.core.admin import ReadOnlyAdmin
from danvan.core.errors import ServiceError
from danvan.org.admin import NationalWriteMixin


class CalendarExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["day", "kind", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, kind, name = cleaned.get("day"), cleaned.get("kind"), cleaned.get("name")
        if day and kind and name:
            try:
                services.calendar_exception_validate(
                    day=day,
                    kind=kind,
                    name=name,
                    exception=self.instance if self.instance.pk else None,
                )
            except ServiceError as error:
                raise ValidationError({error.field or NON_FIELD_ERRORS: error.message}) from None
        return cleaned


def _report(request: HttpRequest, changed: int) -> None:
    messages.info(
        request,
        ngettext(
            "%(count)d open deadline was recomputed.",
            "%(count)d open deadlines were recomputed.",
            changed,
        )
        % {"count": changed},
    )


@admin.register(CalendarException)
class CalendarExceptionAdmin(NationalWriteMixin, admin.ModelAdmin):
    form = CalendarExceptionForm
    list_display = ["day_display", "weekday", "kind", "name", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "day"
    ordering = ["-day"]
    list_select_related = ["created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarException]:
        return CalendarException.objects.select_related("created_by")

    @admin.display(description=_("day"), ordering="day")
    def day_display(self, exception: CalendarException) -> str:
        return f"{exception.day:%d/%m/%Y}"

    @admin.display(description=_("weekday"))
    def weekday(self, exception: CalendarException) -> str:
        return str(WEEKDAYS[exception.day.weekday()])

    def save_model(
        self, request: HttpRequest, obj: CalendarException, form: Any, change: bool
    ) -> None:
        actor: Any = request.user
        if change:
            saved = services.calendar_exception_change(
                actor=actor,
                exception=CalendarException.objects.get(pk=obj.pk),
                day=obj.day,
                kind=obj.kind,
                name=obj.name,
            )
        else:
            saved = services.calendar_exception_add(
                actor=actor, day=obj.day, kind=obj.kind, name=obj.name
            )
        # The admin goes on with `obj` (message, redirect): give it what was saved.
        obj.pk, obj.created_by, obj.created_at = saved.pk, saved.created_by, saved.created_at
        _report(request, saved.deadlines_changed)

    def delete_model(self, request: HttpRequest, obj: CalendarException) -> None:
        actor: Any = request.user
        services.calendar_exception_remove(actor=actor, exception=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarException]) -> None:
        actor: Any = request.user
        for exception in queryset:
            services.calendar_exception_remove(actor=actor, exception=exception)


WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


@admin.register(CalendarEvent)
class CalendarEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "day_display", "kind", "name", "actor", "deadlines_changed"]
    list_filter = ["action", "kind"]
    list_select_related = ["actor"]
    ordering = ["-at", "-pk"]

    @admin.display(description=_("day"), ordering="day")
    def day_display(self, event: CalendarEvent) -> str:
        return f"{event.day:%d/%m/%Y}"
