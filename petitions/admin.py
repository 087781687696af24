"""
Admin for petitions: scoped by the selectors, read-only records, workflow actions through
the services, and denouncers' identities (and numbers the person does not work with) hidden
until a reveal with a typed reason, logged; identity grants given and revoked here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from danvan.core.admin import ReadOnlyAdmin
from danvan.core.errors import ServiceError
from danvan.org.models import Unit, User
from danvan.org.permissions import can_at_any, units_q
from danvan.org.roles import READ_LOGS
from danvan.org.selectors import units_visible_to, users_visible_to
from petitions import roles as actions
from petitions import selectors, services
from petitions.forms import IdentityRevealForm
from petitions.models import (
    Attachment,
    DeadlinePolicy,
    DeadlineState,
    IdentityAccessLog,
    IdentityGrant,
    Notice,
    NoticePolicy,
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

    def get_urls(self) -> list[Any]:
        urls = [
            path(
                "<path:object_id>/change/identity/",
                self.admin_site.admin_view(self.identity_view),
                name="petitions_petition_identity",
            )
        ]
        return urls + super().get_urls()

    def _visible(self, request: HttpRequest, object_id: str) -> Petition | None:
        if not (object_id.isascii() and object_id.isdigit() and int(object_id) < 2**63):
            return None
        return selectors.petition_list(request.user).filter(pk=object_id).first()

    def _may_reveal(self, request: HttpRequest, petition: Petition) -> bool:
        if selectors.identity_hidden(petition):
            return bool(petition.parties.all()) and selectors.user_may_see_denouncer(
                request.user, petition
            )
        return selectors.numbers_masked(petition, request.user)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Opening the page shows no denouncer and no number the person does not work with:
        # both need a reveal with a typed reason (identity_view), logged like the API's.
        extra_context = extra_context or {}
        petition = self._visible(request, object_id)
        if petition is not None and request.method == "GET":
            extra_context["identity_rows"] = selectors.petitioner_rows(petition, request.user)
            extra_context["identity_hidden"] = selectors.identity_hidden(petition)
            extra_context["can_reveal"] = self._may_reveal(request, petition)
            extra_context["identity_form"] = IdentityRevealForm()
        return super().change_view(request, object_id, form_url, extra_context)

    def identity_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST a reason: the petitioners in full on this response only; the view is logged."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        petition = self._visible(request, object_id)
        if petition is None:
            raise Http404
        if not self._may_reveal(request, petition):
            raise PermissionDenied
        form = IdentityRevealForm(request.POST)
        rows: list[dict[str, Any]] | None = None
        if form.is_valid():
            people = services.identity_reveal(
                actor=_user(request),
                petition=petition,
                reason=form.cleaned_data["reason"],
                channel="admin",
            )
            rows = [selectors.identity_row(p) for p in people]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Petitioners of %(code)s") % {"code": petition.code},
            "petition": petition,
            "identity_rows": rows,
            "identity_form": form,
        }
        response = TemplateResponse(
            request,
            "admin/petitions/petition/identity.html",
            context,
            status=200 if rows is not None else 400,
        )
        response["Cache-Control"] = "no-store, private"
        return response

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


@admin.register(NoticePolicy)
class NoticePolicyAdmin(admin.ModelAdmin):
    """The legal form of each notice and when it is due: national, the root's administrators."""

    list_display = [
        "petition_kind",
        "notice_kind",
        "form_reference",
        "amount",
        "day_unit",
        "is_active",
    ]
    list_filter = ["petition_kind", "notice_kind", "is_active"]

    def _may_manage(self, request: HttpRequest) -> bool:
        return can_at_any(request.user, actions.MANAGE_DEADLINE_POLICY, _roots())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_manage(request) and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_manage(request) and super().has_delete_permission(request, obj)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Notices of the person's petitions; they are edited and issued on the petition's page."""

    list_display = ["petition", "kind", "status", "unit", "due_on", "number", "issued_on"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_on"
    exclude = ["addressee", "document"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notice]:
        return selectors.notice_list(request.user)


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
        # Petitions of units where the reader holds org.read_logs, not those seen through
        # another post (an administrator of one province who is a cadre in another).
        user = request.user
        visible = selectors.petitions_visible_to(user).filter(
            units_q(user, READ_LOGS, "handling_unit") | units_q(user, READ_LOGS, "receiving_unit")
        )
        return IdentityAccessLog.objects.filter(petition__in=visible.values("pk")).select_related(
            "user", "petition"
        )


class IdentityGrantForm(forms.ModelForm):
    """Checks, before saving, what identity_grant_create will refuse, to show it on the field."""

    actor: User

    class Meta:
        model = IdentityGrant
        fields = ["user", "unit", "reason", "valid_until"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit, user = data.get("unit"), data.get("user")
        if unit is not None and not services.identity_grant_allowed(self.actor, unit):
            self.add_error(
                "unit",
                gettext(
                    "Only an administrator or supervisor of this unit or above may grant this."
                ),
            )
        if user is not None and user.pk == self.actor.pk:
            self.add_error(
                "user", gettext("Nobody grants this right to themselves: ask another person.")
            )
        until = data.get("valid_until")
        if until is not None and until < services.today_local():
            self.add_error("valid_until", gettext("The end date is in the past."))
        elif until is not None and until > services.today_local() + timedelta(days=366):
            self.add_error("valid_until", gettext("A grant lasts at most one year."))
        return data


@admin.register(IdentityGrant)
class IdentityGrantAdmin(admin.ModelAdmin):
    """
    Who may see denouncers' identities, where (the unit and below) and until when. Granted by
    an administrator or supervisor of that unit or above; never edited, revoked instead; the
    granting and the revoking are in the audit log.
    """

    form = IdentityGrantForm
    list_display = ["user", "unit", "valid_until", "granted_by", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[IdentityGrant]:
        # Grants of units where the reader may grant (not those seen through another post),
        # and the reader's own.
        user = request.user
        visible = units_visible_to(user).values("pk")
        mine = units_q(user, actions.GRANT_IDENTITY, "unit") | Q(user=user)
        return IdentityGrant.objects.filter(mine, unit__in=visible).select_related(
            "user", "unit", "granted_by"
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            kwargs["queryset"] = units_visible_to(request.user).order_by("path")
        elif db_field.name == "user":
            kwargs["queryset"] = users_visible_to(request.user).filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = _user(request)  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["granted_by", "created_at", "revoked_at", "revoked_by"]
        return [f.name for f in IdentityGrant._meta.fields if f.name != "id"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a grant that was given stays on record; revoke it

    def save_model(self, request: HttpRequest, obj: IdentityGrant, form: Any, change: bool) -> None:
        if change:
            return  # every field is read-only once granted
        grant = services.identity_grant_create(
            actor=_user(request),
            user=obj.user,
            unit=obj.unit,
            reason=obj.reason,
            valid_until=obj.valid_until,
        )
        obj.pk = grant.pk
        obj.granted_by = grant.granted_by
        obj.created_at = grant.created_at

    @admin.action(description=_("Revoke the selected grants now"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[IdentityGrant]) -> None:
        done = 0
        for grant in queryset:
            try:
                services.identity_grant_revoke(actor=_user(request), grant=grant)
                done += 1
            except ServiceError as error:
                self.message_user(request, f"{grant}: {error.message}", messages.ERROR)
        if done:
            self.message_user(
                request, gettext("%(count)s grants revoked.") % {"count": done}, messages.SUCCESS
            )
