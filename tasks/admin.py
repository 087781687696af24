"""Admin for directives, meetings and tasks, scoped by the same selectors as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from danvan.core.errors import ServiceError
from danvan.core.text import FoldedSearchAdminMixin
from danvan.core.upload_forms import ScopedFileInput
from danvan.org.admin import ScopedUnitChoicesMixin
from danvan.org.permissions import can, holds_anywhere, units_q
from tasks import roles as actions
from tasks import selectors, services
from tasks.models import (
    Directive,
    DirectiveFile,
    Meeting,
    MeetingConclusion,
    ProgressReport,
    Task,
    TaskAssignment,
    TaskEvent,
    TaskStatus,
)
from tasks.numbering import ParseError, parse_document_number


def _report(request: HttpRequest, run: Any, done: Any) -> None:
    """Run a service per row; a refusal becomes an admin message, never a 500."""
    count = 0
    try:
        with transaction.atomic():  # all the selected rows, or none of them
            count = run()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return
    messages.success(request, done % {"count": count})


class AuditedSaveMixin:
    """
    Admin edits bump the version (so phones holding an ETag get 412) and leave an event.

    The record's owning unit (`owner_field`) offers only the units where the person holds
    `owner_action`, and a save is refused unless they hold it at the unit saved: the admin
    cannot move a record to, or create one in, a unit where the person's role does not hold.
    """

    event_field = ""
    owner_field = ""
    owner_action = ""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.name == self.owner_field:
            field.queryset = field.queryset.filter(units_q(request.user, self.owner_action, ""))
        return field

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        unit = getattr(obj, self.owner_field, None) if self.owner_field else None
        if unit is not None and not can(request.user, self.owner_action, unit):
            raise PermissionDenied
        if change:
            obj.version += 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        TaskEvent.objects.create(
            actor=request.user if request.user.is_authenticated else None,
            action="changed_in_admin" if change else "created_in_admin",
            data={"fields": sorted(form.changed_data)},
            **{self.event_field: obj},
        )


class EventInline(admin.TabularInline):
    model = TaskEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "data"]
    readonly_fields = ["at", "actor", "action", "data"]
    ordering = ["at", "id"]
    verbose_name_plural = _("timeline")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Directives -------------------------------------------------------------------------------
class DirectiveFileInline(admin.TabularInline):
    model = DirectiveFile
    extra = 0
    fields = ["file", "name", "uploaded_at"]
    readonly_fields = ["uploaded_at"]
    formfield_overrides = {
        models.FileField: {
            "widget": ScopedFileInput(
                link=lambda f: reverse("tasks:directive-file", args=[f.directive_id, f.pk])
            )
        }
    }


class DirectiveAddForm(forms.ModelForm):
    """A new document from its number as written; type, number, issuer, date are read from it."""

    number_text = forms.CharField(
        label=_("document number"),
        max_length=300,
        help_text=_("As written: “Chương trình hành động số 66-CTr/TU ngày 29/10/2013”."),
    )
    issuer_code = forms.CharField(
        label=_("issuer code"),
        max_length=20,
        required=False,
        help_text=_("Only when the number does not say it (“Chỉ thị 05” → TW)."),
    )

    class Meta:
        model = Directive
        fields = ["issuing_unit", "signer", "title", "summary", "issued_on", "implements"]

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_number_text(self) -> str:
        text = self.cleaned_data["number_text"]
        try:
            parse_document_number(text)
        except ParseError as exc:
            raise forms.ValidationError(exc.message) from None
        return text

    def clean(self) -> dict[str, Any]:
        values = super().clean() or {}
        if "number_text" in values and not self.has_error("issuing_unit"):
            parsed = parse_document_number(values["number_text"])
            try:
                services.refuse_duplicate_directive(
                    parsed.type,
                    parsed.number,
                    (values.get("issuer_code") or parsed.issuer).strip().upper(),
                    parsed.term,
                    values.get("issuing_unit"),
                    values.get("issued_on") or parsed.date,
                )
            except ServiceError as exc:
                self.add_error("number_text", exc.message)
        return values

    def clean_issuing_unit(self) -> Any:
        unit = self.cleaned_data.get("issuing_unit")
        if (
            unit is not None
            and self.request
            and not can(self.request.user, actions.MANAGE_DIRECTIVE, unit)
        ):
            raise forms.ValidationError(_("Only the issuing unit's leaders record its documents."))
        return unit


@admin.register(Directive)
class DirectiveAdmin(
    FoldedSearchAdminMixin, AuditedSaveMixin, ScopedUnitChoicesMixin, admin.ModelAdmin
):
    event_field = "directive"
    owner_field = "issuing_unit"
    owner_action = actions.MANAGE_DIRECTIVE
    list_display = ["full_number", "title", "issued_on", "issuing_unit", "status"]
    list_filter = ["doc_type", "status", "issuer"]
    search_fields = ["search_text"]  # folded: "dai hoi" finds "Đại hội"
    readonly_fields = [
        "doc_type",
        "number",
        "issuer",
        "full_number",
        "term",
        "implemented_by_links",
        "version",
        "created_at",
        "updated_at",
    ]
    fields = [
        "full_number",
        "doc_type",
        "number",
        "issuer",
        "term",
        "issued_on",
        "issuing_unit",
        "signer",
        "title",
        "summary",
        "status",
        "replaced_by",
        "implements",
        "implemented_by_links",
        "version",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["implements"]
    autocomplete_fields = ["issuing_unit", "replaced_by"]
    inlines = [DirectiveFileInline, EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Directive]:
        return selectors.directives_visible_to(request.user)

    add_fields = [
        "number_text",
        "issuer_code",
        "issued_on",
        "issuing_unit",
        "signer",
        "title",
        "summary",
        "implements",
    ]

    def get_fields(self, request: HttpRequest, obj: Directive | None = None) -> Any:
        return self.add_fields if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Directive | None = None) -> Any:
        return () if obj is None else super().get_readonly_fields(request, obj)

    def get_form(
        self,
        request: HttpRequest,
        obj: Directive | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is not None:
            return super().get_form(request, obj, change=change, **kwargs)
        form = super().get_form(request, obj, change=change, form=DirectiveAddForm, **kwargs)

        class BoundToRequest(form):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, request=request, **kw)

        return BoundToRequest

    def get_inlines(self, request: HttpRequest, obj: Directive | None = None) -> Any:
        # Files and the timeline once the document exists (the service writes its first event).
        return [] if obj is None else super().get_inlines(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # Through the service, as from the API: parsing, permission, the "recorded" event.
        values = form.cleaned_data
        created = services.directive_create(
            actor=request.user,
            number_text=values["number_text"],
            issuer=values.get("issuer_code") or None,
            title=values["title"],
            summary=values.get("summary", ""),
            signer=values.get("signer", ""),
            issued_on=values.get("issued_on"),
            issuing_unit=values.get("issuing_unit"),
            implements=values.get("implements") or [],
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def has_change_permission(self, request: HttpRequest, obj: Directive | None = None) -> bool:
        # Only the issuing unit's leaders change its documents (as the services require); a
        # document of no unit, the leaders of any unit.
        if obj is not None and not (
            can(request.user, actions.MANAGE_DIRECTIVE, obj.issuing_unit)
            if obj.issuing_unit_id is not None
            else holds_anywhere(request.user, actions.MANAGE_DIRECTIVE)
        ):
            return False
        return super().has_change_permission(request, obj)

    @admin.display(description=_("implemented by"))
    def implemented_by_links(self, directive: Directive) -> str:
        """The other way of "implements": the lower documents carrying this one out, linked."""
        lower = directive.implemented_by.order_by("-issued_on", "-id").only("id", "full_number")
        if not lower:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:tasks_directive_change", args=[d.pk]), d.full_number) for d in lower),
        )


# --- Meetings -------------------------------------------------------------------------------
class ConclusionInline(admin.TabularInline):
    model = MeetingConclusion
    extra = 1
    fields = ["number", "text"]


@admin.register(Meeting)
class MeetingAdmin(
    FoldedSearchAdminMixin, AuditedSaveMixin, ScopedUnitChoicesMixin, admin.ModelAdmin
):
    event_field = "meeting"
    owner_field = "organising_unit"
    owner_action = actions.MANAGE_MEETING
    list_display = ["title", "kind", "starts_on", "organising_unit", "chair_name"]
    list_filter = ["kind"]
    search_fields = ["search_text"]  # folded: "dai hoi" finds "Đại hội"
    date_hierarchy = "starts_on"
    autocomplete_fields = ["organising_unit", "participating_units", "bridge_points"]
    filter_horizontal = ["directives_cited"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [ConclusionInline, EventInline]
    actions = ["conclusions_to_tasks"]
    exclude = ["client_id", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return selectors.meetings_visible_to(request.user).select_related("organising_unit")

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        if obj is not None and not can(request.user, actions.MANAGE_MEETING, obj.organising_unit):
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description=_("Turn conclusions into numbered tasks (led by the organiser)"))
    def conclusions_to_tasks(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        def run() -> int:
            made = 0
            for meeting in queryset:
                made += len(
                    services.meeting_conclusions_to_tasks(
                        actor=request.user, meeting=meeting, lead_unit=meeting.organising_unit
                    )
                )
            return made

        _report(request, run, _("%(count)s tasks created."))


# --- Tasks ----------------------------------------------------------------------------------
class AssignmentInline(ScopedUnitChoicesMixin, admin.TabularInline):
    model = TaskAssignment
    extra = 0
    fields = ["unit", "role", "due_on", "report", "reported_at"]
    readonly_fields = ["reported_at"]
    autocomplete_fields = ["unit"]


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return TaskStatus.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Task]) -> QuerySet[Task]:
        # `status` is the annotation from TaskQuerySet.with_status, not a column.
        return queryset.filter(**{"status": self.value()}) if self.value() else queryset


@admin.register(Task)
class TaskAdmin(FoldedSearchAdminMixin, AuditedSaveMixin, ScopedUnitChoicesMixin, admin.ModelAdmin):
    event_field = "task"
    owner_field = "issuing_unit"
    owner_action = actions.MANAGE_TASK
    list_display = [
        "__str__",
        "lead_unit",
        "due_on",
        "period_label",
        "progress_percent",
        "status_display",
        "priority",
    ]
    list_filter = [StatusFilter, "priority", "source_kind", "awaiting_approval"]
    search_fields = ["search_text"]  # folded: "dai hoi" finds "Đại hội"
    list_select_related = ["lead_unit"]
    show_full_result_count = False
    autocomplete_fields = ["issuing_unit", "lead_unit", "parent", "directive"]
    raw_id_fields = ["conclusion", "previous_occurrence"]
    readonly_fields = [
        "progress_percent",
        "last_reported_at",
        "awaiting_approval",
        "completed_on",
        "approved_at",
        "approved_by",
        "version",
        "created_at",
        "updated_at",
    ]
    exclude = ["client_id", "created_by", "deleted_at"]
    inlines = [AssignmentInline, EventInline]
    actions = ["cascade_to_communes", "approve_completion", "return_completion"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return selectors.tasks_visible_to(request.user).with_status(today=timezone.localdate())

    def has_change_permission(self, request: HttpRequest, obj: Task | None = None) -> bool:
        if obj is not None and not selectors.can_manage(request.user, obj.issuing_unit):
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tasks come from meetings, directives or the API (with their assignments)

    def has_delete_permission(self, request: HttpRequest, obj: Task | None = None) -> bool:
        return False  # soft delete through the API, so syncing phones learn of it

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, task: Task) -> str:
        return str(TaskStatus(task.status).label)  # type: ignore[attr-defined]

    @admin.action(description=_("Cascade to every commune below the lead unit"))
    def cascade_to_communes(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        def run() -> int:
            return sum(
                len(services.task_cascade(actor=request.user, task=task))
                for task in queryset.select_related("lead_unit")
            )

        _report(request, run, _("%(count)s sub-tasks created."))

    @admin.action(description=_("Approve the reported completion"))
    def approve_completion(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        def run() -> int:
            tasks = list(queryset.filter(awaiting_approval=True))
            for task in tasks:
                services.task_approve(actor=request.user, task=task)
            return len(tasks)

        _report(request, run, _("%(count)s tasks approved."))

    @admin.action(description=_("Return the reported completion, with a reason"))
    def return_completion(self, request: HttpRequest, queryset: QuerySet[Task]) -> Any:
        """A page asking for the reason first; then each task goes back through the service."""
        tasks = list(queryset.filter(awaiting_approval=True).select_related("lead_unit"))
        reason = request.POST.get("reason", "").strip()
        if "apply" not in request.POST or not reason:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Return the reported completion"),
                "tasks": tasks,
                "reason": reason,
                "error": _("Give the reason for returning the task.")
                if "apply" in request.POST
                else "",
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/tasks/task/return_reason.html", context)

        def run() -> int:
            for task in tasks:
                services.task_return(actor=request.user, task=task, reason=reason)
            return len(tasks)

        _report(request, run, _("%(count)s tasks returned."))
        return None


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "percent", "reported_on", "state"]
    list_filter = ["state"]
    list_select_related = ["task", "unit"]
    readonly_fields = [
        "task",
        "unit",
        "author",
        "reported_on",
        "text",
        "percent",
        "figures",
        "state",
        "return_reason",
        "created_at",
    ]
    exclude = ["client_id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgressReport]:
        visible = selectors.tasks_visible_to(request.user).values("pk")
        return ProgressReport.objects.filter(task__in=visible)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports go through the service (roll-up, approval flags, events)
