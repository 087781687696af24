"""Admin for calendar exceptions: every save and delete goes through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from danvan.calendar import imports, index, services
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


class YearImportForm(forms.Form):
    SOURCES = {
        "csv": _("A CSV file"),
        "package": _("The public holidays of Vietnam in the “holidays” package"),
    }
    source = forms.ChoiceField(
        label=_("Source"), choices=SOURCES, initial="csv", widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "One day a line: date; name; kind — e.g. “04/01/2027; Nghỉ bù Tết Dương lịch; "
            "nghỉ” or “09/01/2027; Làm bù cho ngày 04/01/2027; làm việc”. Dates as dd/mm/yyyy; "
            "an empty kind is a day off. Saved as UTF-8."
        ),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=index.MIN_YEAR,
        max_value=index.MAX_YEAR,
        help_text=_("For the “holidays” package: the year to import."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("source") == "csv" and not cleaned.get("file"):
            self.add_error("file", _("Choose the CSV file to import."))
        if cleaned.get("source") == "package" and not cleaned.get("year"):
            self.add_error("year", _("Give the year to import."))
        return cleaned


IMPORT_SALT = "danvan.calendar.import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and the save


@admin.register(CalendarException)
class CalendarExceptionAdmin(NationalWriteMixin, admin.ModelAdmin):
    form = CalendarExceptionForm
    change_list_template = "admin/calendar/calendarexception/change_list.html"
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

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="calendar_calendarexception_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """
        "Nhập ngày nghỉ cả năm": a CSV file or the `holidays` package for a year, shown as
        a preview (new, already present, conflicting); saved only on confirmation, in one
        transaction. The preview's new rows travel signed, and are classified again on save.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:calendar_calendarexception_changelist")
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request, changelist)
        form = YearImportForm(
            request.POST if request.method == "POST" else None,
            request.FILES if request.method == "POST" else None,
            initial={"year": timezone.localdate().year + 1},
        )
        preview, payload, status = None, "", 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    if form.cleaned_data["source"] == "csv":
                        preview = imports.preview_csv(form.cleaned_data["file"].read())
                    else:
                        preview = imports.preview_package(form.cleaned_data["year"])
                except imports.UnreadableFile as error:
                    form.add_error("file", str(error))
                except index.YearOutOfRange as error:
                    form.add_error("year", str(error))
            if preview is None or preview.errors:
                status = 400
            elif preview.new:
                payload = signing.dumps(imports.rows_to_payload(preview.new), salt=IMPORT_SALT)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import the days off of a whole year"),
            "form": form,
            "preview": preview,
            "payload": payload,
            "changelist_url": changelist,
        }
        return TemplateResponse(
            request, "admin/calendar/calendarexception/import.html", context, status=status
        )

    def _import_confirm(self, request: HttpRequest, changelist: str) -> HttpResponse:
        try:
            rows = imports.rows_from_payload(
                signing.loads(
                    request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
                )
            )
        except (signing.BadSignature, ValueError, TypeError):
            messages.error(request, gettext("The preview has expired; import the file again."))
            return HttpResponseRedirect(reverse("admin:calendar_calendarexception_import"))
        actor: Any = request.user
        try:
            added = services.calendar_exceptions_import(actor=actor, rows=rows)
        except ServiceError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("admin:calendar_calendarexception_import"))
        messages.success(
            request,
            ngettext(
                "%(count)d day was added to the calendar.",
                "%(count)d days were added to the calendar.",
                len(added),
            )
            % {"count": len(added)},
        )
        _report(request, sum(exception.deadlines_changed for exception in added))
        return HttpResponseRedirect(changelist)

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
