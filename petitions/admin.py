"""
Admin for petitions: scoped by the selectors, read-only records, workflow actions through
the services, and denouncers' identities redacted unless permitted (each showing logged).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.core.admin import ReadOnlyAdmin
from danvan.core.errors import ServiceError
from danvan.org.models import Unit, User
from danvan.org.permissions import can_at_any
from danvan.org.selectors import units_visible_to
from petitions import roles as actions
from petitions import selectors, services
from petitions.models import (
    Attachment,
    DeadlinePolicy,
    DeadlineState,
    IdentityAccessLog,
    Petition,
    PetitionEvent,
    PetitionField,
    ReceptionSession,
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class DeadlineStateFilter(admin.SimpleListFilter):
    title = _("deadline state")
    parameter_name = "deadline_state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return DeadlineState.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Petition]) -> QuerySet[Petition]:
        value = self.value()
        return selectors.filter_deadline_state(queryset, value) if value else queryset


class UnitSubtreeFilter(admin.SimpleListFilter):
    """Petitions received or handled in a unit's subtree (provinces and communes offered)."""

    title = _("unit")
    parameter_name = "unit"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        units = units_visible_to(request.user).filter(level__in=["province", "commune"])
        return [(str(u.pk), u.name) for u in units.order_by("path")[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Petition]) -> QuerySet[Petition]:
        if not self.value() or not str(self.value()).isdigit():
            return queryset
        unit = units_visible_to(request.user).filter(pk=int(str(self.value()))).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(handling_unit__path__startswith=unit.path) | queryset.filter(
            receiving_unit__path__startswith=unit.path
        )


class PetitionActionForm(ActionForm):
    reason = forms.CharField(label=_("reason"), required=False)
    assignee = forms.CharField(label=_("assignee (user name)"), required=False)
    days = forms.IntegerField(label=_("days"), required=False, min_value=1)
    decision_number = forms.CharField(label=_("decision number"), required=False)
    to_unit = forms.CharField(label=_("to unit (code)"), required=False)


class EventInline(admin.TabularInline):
    model = PetitionEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "action", "from_status", "to_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ("file_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attachment]:
        return super().get_queryset(request).select_related("petition")

    @admin.display(description=_("file name"))
    def file_name(self, attachment: Attachment) -> str:
        return selectors.attachment_name(
            attachment, hidden=selectors.identity_hidden(attachment.petition)
        )


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "received_on",
        "kind",
        "field",
        "short_summary",
        "petitioners",
        "status",
        "handling_unit",
        "due_date",
        "deadline_state",
    ]
    list_filter = ["kind", "field", "status", DeadlineStateFilter, UnitSubtreeFilter]
    date_hierarchy = "received_on"
    search_fields = ["code"]
    search_help_text = _("Code, summary or content, with or without diacritics.")
    list_per_page = 50
    show_full_result_count = False
    action_form = PetitionActionForm
    actions = ["assign", "extend", "transfer"]
    inlines = [AttachmentInline, EventInline]
    change_form_template = "admin/petitions/petition/change_form.html"
    exclude = ["search_text", "status_before_suspension"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return selectors.petition_list(request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Petition], search_term: str
    ) -> Any:
        return selectors.petitions_search(queryset, search_term), False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in Petition._meta.fields if f.name not in self.exclude]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # intake goes through the form and the API (petition_create)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The model-level permission opens the menu; a petition itself only to those who may
        # correct it at its receiving or handling unit (the rule the services apply).
        if obj is not None and not can_at_any(
            request.user, actions.CORRECT, (obj.receiving_unit, obj.handling_unit)
        ):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("summary"))
    def short_summary(self, petition: Petition) -> str:
        return petition.summary[:80]

    @admin.display(description=_("petitioners"))
    def petitioners(self, petition: Petition) -> str:
        return ", ".join(selectors.petitioner_names(petition))

    @admin.display(description=_("deadline state"))
    def deadline_state(self, petition: Petition) -> str:
        return str(DeadlineState(selectors.deadline_info(petition).state).label)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = extra_context or {}
        petition = None
        if object_id.isascii() and object_id.isdigit() and int(object_id) < 2**63:
            petition = selectors.petitions_visible_to(request.user).filter(pk=object_id).first()
        if petition is not None and request.method == "GET":
            extra_context["identity_rows"] = self._identity_rows(request, petition)
        return super().change_view(request, object_id, form_url, extra_context)

    def _identity_rows(self, request: HttpRequest, petition: Petition) -> list[dict[str, Any]]:
        if selectors.identity_hidden(petition) and not selectors.user_may_see_denouncer(
            request.user, petition
        ):
            return selectors.petitioner_rows(petition)
        people = services.identity_reveal(
            actor=_user(request),
            petition=petition,
            reason=gettext("Opened in the administration"),
            channel="admin",
        )
        return [selectors.identity_row(p) for p in people]

    def _each(self, request: HttpRequest, queryset: QuerySet[Petition], call: Any) -> None:
        done = 0
        for petition in queryset:
            try:
                call(petition)
                done += 1
            except ServiceError as error:
                self.message_user(request, f"{petition.code}: {error.message}", messages.ERROR)
        if done:
            self.message_user(
                request, gettext("%(count)s petitions updated.") % {"count": done}, messages.SUCCESS
            )

    @admin.action(description=_("Assign to the person named (user name)"))
    def assign(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        username = request.POST.get("assignee", "").strip()
        user = User.objects.filter(username=username).first()
        if user is None:
            self.message_user(request, gettext("No such user."), messages.ERROR)
            return
        self._each(
            request,
            queryset,
            lambda p: services.petition_assign(
                actor=_user(request),
                petition=p,
                assignee=user,
                reason=request.POST.get("reason", ""),
            ),
        )

    @admin.action(description=_("Extend the deadline (days, decision number, reason)"))
    def extend(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        try:
            days = int(request.POST.get("days", ""))
        except ValueError:
            self.message_user(request, gettext("Enter the number of days."), messages.ERROR)
            return
        self._each(
            request,
            queryset,
            lambda p: services.petition_extend(
                actor=_user(request),
                petition=p,
                days=days,
                decision_number=request.POST.get("decision_number", ""),
                reason=request.POST.get("reason", ""),
            ),
        )

    @admin.action(description=_("Transfer to the unit (code, reason)"))
    def transfer(self, request: HttpRequest, queryset: QuerySet[Petition]) -> None:
        unit = Unit.objects.filter(code=request.POST.get("to_unit", "").strip()).first()
        if unit is None:
            self.message_user(request, gettext("No such unit."), messages.ERROR)
            return
        self._each(
            request,
            queryset,
            lambda p: services.petition_transfer(
                actor=_user(request),
                petition=p,
                to_unit=unit,
                reason=request.POST.get("reason", ""),
            ),
        )


@admin.register(PetitionField)
class PetitionFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]

    # The list of fields is national: changed by those who hold the action at the root.
    def _may_manage(self, request: HttpRequest) -> bool:
        return can_at_any(request.user, actions.MANAGE_FIELDS, _roots())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_manage(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request) and super().has_delete_permission(request, obj)


def _roots() -> list[Unit]:
    """The top of the tree: where a national record (no unit of its own) belongs."""
    return list(Unit.objects.filter(parent__isnull=True, is_active=True))


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "stage",
        "unit",
        "amount",
        "day_unit",
        "max_extensions",
        "extension_amount",
        "legal_basis",
    ]
    list_filter = ["kind", "stage", "day_unit"]
    autocomplete_fields = ["unit"]

    def _may_manage(self, request: HttpRequest, obj: DeadlinePolicy | None) -> bool:
        """A unit's policy: its administrators (or above); a national one: the root's."""
        if obj is None:
            return True
        units = [obj.unit] if obj.unit_id else _roots()
        return can_at_any(request.user, actions.MANAGE_DEADLINE_POLICY, units)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not self._may_manage(request, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(ReceptionSession)
class ReceptionSessionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "unit", "leader_name", "citizens_count"]
    date_hierarchy = "held_on"
    readonly_fields = ["unit", "held_on", "leader_name", "citizens_count", "notes", "created_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReceptionSession]:
        return selectors.reception_sessions_visible_to(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not can_at_any(request.user, actions.RECORD_SESSION, (obj.unit,)):
            return False
        return super().has_change_permission(request, obj)


@admin.register(IdentityAccessLog)
class IdentityAccessLogAdmin(ReadOnlyAdmin):
    """Who saw which denouncer's identity, when and why; for administrators, read-only."""

    list_display = ["at", "user", "petition", "channel", "reason"]
    list_filter = ["channel"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "petition", "channel", "reason"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityAccessLog]:
        visible = selectors.petitions_visible_to(request.user).values("pk")
        return IdentityAccessLog.objects.filter(petition__in=visible).select_related(
            "user", "petition"
        )
