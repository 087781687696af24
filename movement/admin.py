"""Admin for the movement's records, scoped by the same selectors and rule as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danvan.core.errors import ServiceError
from danvan.core.text import FoldedSearchAdminMixin
from danvan.core.upload_forms import ScopedFileInput
from danvan.org.admin import ScopedUnitChoicesMixin
from danvan.org.permissions import can, can_nationally, units_q
from movement import roles as actions
from movement import selectors, services
from movement.models import (
    Dialogue,
    DialogueIssue,
    DropReason,
    Indicator,
    IndicatorReport,
    IndicatorValue,
    ModelEvidence,
    MovementEvent,
    MovementModel,
)


class EventInline(admin.TabularInline):
    model = MovementEvent
    fk_name = "model"
    extra = 0
    can_delete = False
    fields = ("at", "actor", "action", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EvidenceInline(admin.TabularInline):
    model = ModelEvidence
    extra = 0
    fields = ["file", "original_name", "caption", "uploaded_at"]
    readonly_fields = ["original_name", "uploaded_at"]
    formfield_overrides = {
        models.FileField: {
            "widget": ScopedFileInput(
                link=lambda e: reverse("movement:evidence", args=[e.model_id, e.pk])
            )
        }
    }


class OwnedByUnitMixin(ScopedUnitChoicesMixin):
    """Saves only at a unit where the person holds `owner_action`; edits raise the version."""

    owner_action = ""
    event_field = ""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name == "unit":
            field.queryset = field.queryset.filter(units_q(request.user, self.owner_action, ""))
        return field

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not can(request.user, self.owner_action, obj.unit):
            return False
        return super().has_change_permission(request, obj)  # type: ignore[misc]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not can(request.user, self.owner_action, obj.unit):
            raise PermissionDenied
        if change:
            obj.version += 1
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        MovementEvent.objects.create(
            actor=request.user if request.user.is_authenticated else None,
            action="updated" if change else "registered",
            data={"fields": sorted(form.changed_data), "via": "admin"},
            **{self.event_field: obj},
        )


@admin.register(MovementModel)
class MovementModelAdmin(FoldedSearchAdminMixin, OwnedByUnitMixin, admin.ModelAdmin):
    owner_action = actions.RECORD
    event_field = "model"
    list_display = [
        "name",
        "unit",
        "field",
        "status",
        "recognition_level",
        "award",
        "year_started",
        "last_reviewed_year",
    ]
    list_filter = ["status", "field", "recognition_level", "award"]
    search_fields = ["search_text"]
    autocomplete_fields = ["unit"]
    readonly_fields = [
        "status",
        "recognised_by",
        "recognition_level",
        "decision_number",
        "decision_date",
        "recognised_year",
        "award",
        "award_by",
        "replicated_in",
        "drop_reason",
        "drop_note",
        "last_reviewed_year",
        "version",
        "created_at",
        "updated_at",
    ]
    exclude = ["created_by"]
    inlines = [EvidenceInline, EventInline]
    actions = ["keep_this_year", "drop_ineffective"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MovementModel]:
        return selectors.models_visible_to(request.user).select_related("unit")

    def _review(
        self, request: HttpRequest, queryset: QuerySet[MovementModel], **kwargs: Any
    ) -> None:
        try:
            with transaction.atomic():
                done = services.models_review(
                    actor=request.user,
                    models=list(queryset),
                    year=timezone.localdate().year,
                    **kwargs,
                )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return
        messages.success(request, _("%(count)s models reviewed.") % {"count": len(done)})

    @admin.action(description=_("Yearly review: keep (still effective)"))
    def keep_this_year(self, request: HttpRequest, queryset: QuerySet[MovementModel]) -> None:
        self._review(request, queryset, outcome="keep")

    @admin.action(description=_("Yearly review: drop as formal and ineffective"))
    def drop_ineffective(self, request: HttpRequest, queryset: QuerySet[MovementModel]) -> None:
        self._review(request, queryset, outcome="drop", reason=DropReason.FORMAL_AND_INEFFECTIVE)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The national list of indicators: changed only by administrators at the root."""

    list_display = ["position", "code", "name", "measure", "aggregation", "is_active"]
    list_display_links = ["code"]
    list_editable = ["position"]
    search_fields = ["code", "name"]

    def _national(self, request: HttpRequest) -> bool:
        return can_nationally(request.user, actions.MANAGE_INDICATORS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._national(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._national(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reported values refer to it; deactivate instead


class ValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    can_delete = False
    fields = ("indicator", "value", "current", "recorded_by", "recorded_at", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorReport)
class IndicatorReportAdmin(admin.ModelAdmin):
    """Read here; figures are reported and corrected on the page or through the API."""

    list_display = ["unit", "period_label", "period_start", "period_end", "source"]
    list_filter = ["source"]
    date_hierarchy = "period_end"
    search_fields = ["unit__name", "period_label"]
    inlines = [ValueInline]
    readonly_fields = [
        "unit",
        "period_start",
        "period_end",
        "period_label",
        "source",
        "progress_report",
        "note",
        "version",
        "created_by",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IndicatorReport]:
        return selectors.reports_visible_to(request.user).select_related("unit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IssueInline(admin.TabularInline):
    model = DialogueIssue
    extra = 0
    can_delete = False
    fields = ["number", "text", "raised_by", "answer", "resolved", "petition", "task"]
    readonly_fields = ["number", "petition", "task"]


@admin.register(Dialogue)
class DialogueAdmin(FoldedSearchAdminMixin, OwnedByUnitMixin, admin.ModelAdmin):
    owner_action = actions.RECORD_DIALOGUE
    event_field = "dialogue"
    list_display = ["held_on", "leader_name", "unit", "participants_count"]
    date_hierarchy = "held_on"
    search_fields = ["search_text"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["version", "created_at", "updated_at"]
    exclude = ["created_by"]
    inlines = [IssueInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dialogue]:
        return selectors.dialogues_visible_to(request.user).select_related("unit")
