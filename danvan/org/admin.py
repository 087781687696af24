"""Admin for units, users and memberships, scoped by the same selectors as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    ReadOnlyPasswordHashWidget,
)
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from danvan.core.admin import SuperuserOnlyMixin
from danvan.org import selectors, services
from danvan.org.models import Membership, Unit, User
from danvan.org.permissions import can, can_nationally, holds_anywhere, units_q
from danvan.org.roles import ADMINISTER_NATIONAL, MANAGE_PEOPLE, MANAGE_UNITS, VIEW_PEOPLE

admin.site.site_header = _("danvan administration")
admin.site.site_title = _("danvan")
admin.site.index_title = _("Mass mobilization work")


class ScopedUnitChoicesMixin:
    """Foreign keys to units offer only the units the user may see."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is Unit and "queryset" not in kwargs:
            kwargs["queryset"] = selectors.units_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class LevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Any:
        return Unit._meta.get_field("level").choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
        return queryset.filter(level=self.value()) if self.value() else queryset


@admin.register(Unit)
class UnitAdmin(ScopedUnitChoicesMixin, admin.ModelAdmin):
    list_display = ["indented_name", "code", "level", "kind", "children_link"]
    list_filter = [LevelFilter, "kind"]
    search_fields = ["name", "code"]
    search_help_text = _("Search by name (with or without diacritics) or code.")
    list_per_page = 50
    ordering = ["path"]
    # The tree's own bookkeeping (path, depth, the folded name, the code name the loader
    # keeps) is the services' business: the form shows what a person decides.
    readonly_fields = ["updated_at"]
    fields = ["code", "name", "level", "kind", "parent", "former_names", "is_active", "updated_at"]
    autocomplete_fields = ["parent"]
    show_full_result_count = False

    class Media:
        css = {"all": ["danvan/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        queryset = selectors.units_visible_to(request.user)
        parent = request.GET.get("parent__id__exact")
        if parent and parent.isdigit():
            queryset = queryset.filter(parent_id=int(parent))
        return queryset

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Unit], search_term: str
    ) -> Any:
        return selectors.units_search(queryset, search_term), False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        return lookup == "parent__id__exact" or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, unit: Unit) -> str:
        # A class per depth (danvan/admin.css), not a style attribute: the CSP forbids those.
        return format_html('<span class="unit-depth-{}">{}</span>', min(unit.depth, 9), unit.name)

    @admin.display(description=_("units below"))
    def children_link(self, unit: Unit) -> str:
        return format_html('<a href="?parent__id__exact={}">{}</a>', unit.pk, _("open"))

    # The role's group opens the pages; a unit is changed only by those holding
    # org.manage_units at it (or above), a unit added below one where they hold it.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return holds_anywhere(request.user, MANAGE_UNITS) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        if obj is not None and not can(request.user, MANAGE_UNITS, obj):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = Unit.objects.filter(units_q(request.user, MANAGE_UNITS, ""))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if not (
            can(request.user, MANAGE_UNITS, obj.parent)
            if obj.parent_id
            else can_nationally(request.user, MANAGE_UNITS)
        ):
            raise PermissionDenied
        services.unit_upsert(
            code=obj.code,
            name=obj.name,
            level=obj.level,
            kind=obj.kind,
            parent=obj.parent,
            codename=obj.codename,
            former_names=obj.former_names,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        # Units are deactivated, never deleted: petitions and tasks keep pointing at them.
        return False


def people_visible_in_admin(user: Any) -> QuerySet[User]:
    """
    People with a post at or below a unit where the reader holds org.view_people, and the
    reader: a supervisor of one province who is a cadre in another sees the people of the
    first only (the role's group opens the page, the rule decides whose).
    """
    if getattr(user, "is_superuser", False):
        return User.objects.all()
    posts = Membership.objects.filter(units_q(user, VIEW_PEOPLE, "unit"), user=OuterRef("pk"))
    return User.objects.filter(Q(Exists(posts)) | Q(pk=user.pk))


def may_manage_person(request: HttpRequest, person: User | None) -> bool:
    """
    org.manage_people at every unit where `person` holds a post: an administrator of one
    province does not reset the password of someone who also holds a post elsewhere. A person
    of no unit is the root's; a superuser, only another superuser's.
    """
    actor: Any = request.user
    if person is None or person.pk is None:
        return holds_anywhere(actor, MANAGE_PEOPLE)
    if person.is_superuser and not actor.is_superuser:
        return False
    units = [m.unit for m in Membership.objects.filter(user=person).select_related("unit")]
    if not units:
        return can_nationally(actor, MANAGE_PEOPLE)
    return all(can(actor, MANAGE_PEOPLE, unit) for unit in units)


class MembershipInline(ScopedUnitChoicesMixin, admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["unit", "role", "title"]
    autocomplete_fields = ["unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        rule = units_q(request.user, VIEW_PEOPLE, "unit") | Q(user=request.user)
        return selectors.memberships_visible_to(request.user).filter(rule)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":  # a post is given only where the actor manages people
            kwargs["queryset"] = Unit.objects.filter(units_q(request.user, MANAGE_PEOPLE, ""))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_person(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_person(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_person(request, obj) and super().has_delete_permission(request, obj)


# --- The user forms, in Vietnamese --------------------------------------------------------------
# Django 5.1 added the "password-based authentication" switch and a reset button whose texts
# have no Vietnamese in Django's catalogue; they are worded here, in ours.
def usable_password_field(*, losing_warning: bool = False) -> forms.ChoiceField:
    help_text: Any = _(
        "Whether the person may sign in with a password. If not, they can still sign in "
        "by other means the administrators set up (such as single sign-on)."
    )
    if losing_warning:
        help_text = format_html(
            '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
            help_text,
            _("If not allowed, the person's current password is lost."),
        )
    return forms.ChoiceField(
        label=_("Sign-in with a password"),
        required=False,
        initial="true",
        choices={"true": _("Allowed"), "false": _("Not allowed")},
        widget=forms.RadioSelect(attrs={"class": "radiolist inline"}),
        help_text=help_text,
    )


class PasswordHashWidget(ReadOnlyPasswordHashWidget):
    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        usable = bool(value) and not str(value).startswith(UNUSABLE_PASSWORD_PREFIX)
        context["button_label"] = _("Set a new password") if usable else _("Set a password")
        return context


class UserAddForm(AdminUserCreationForm):
    """A person is added with their name and contacts in one step, not a username alone."""

    usable_password = usable_password_field()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "phone")


class UserChangeForm(DjangoUserChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None:
            password.widget = PasswordHashWidget()
            if self.instance and not self.instance.has_usable_password():
                password.help_text = _(
                    "This person cannot sign in with a password: set one to allow it."
                )
            else:
                password.help_text = _(
                    "Passwords are stored only in a form nobody can read back, so no one can "
                    "see this person's password; set a new one if it is forgotten."
                )


class UserPasswordForm(AdminPasswordChangeForm):
    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"] = usable_password_field(losing_warning=True)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserAddForm
    change_password_form = UserPasswordForm
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "email", "phone")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Personal info"), {"classes": ("wide",), "fields": ("full_name", "email", "phone")}),
    )
    superuser_fieldsets = (
        (_("Superuser"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            return (*fieldsets, *self.superuser_fieldsets)
        return fieldsets

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return people_visible_in_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_manage_person(request, None) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not may_manage_person(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.user_sync_groups(user=form.instance)


# --- Third-party admins, scoped too --------------------------------------------------------------
def _sees_everything(request: HttpRequest) -> bool:
    """A superuser, or one holding org.administer_national at the root (not any post there)."""
    return can_nationally(request.user, ADMINISTER_NATIONAL)


class NationalWriteMixin:
    """
    A national setting (no unit of its own): those whose role's group opens the page read it;
    only those holding org.administer_national at the root add, change or delete.
    """

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _sees_everything(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]


class NationalOnlyMixin(NationalWriteMixin):
    """
    A country-wide log (audit events, reminders and messages sent to everyone): the role's
    group gives the menu, but an administrator of one province does not read the others'.
    """

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _sees_everything(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _sees_everything(request) and super().has_module_permission(request)  # type: ignore[misc]


class ScopedByUsernameMixin:
    """
    Login records (django-axes) carry a username, not a unit: an administrator of a province
    sees those of the people of their province only. Usernames that match nobody (typos,
    guessing) are left to the central administrators.
    """

    def get_queryset(self, request: HttpRequest) -> Any:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if _sees_everything(request):
            return queryset
        usernames = people_visible_in_admin(request.user).values("username")
        return queryset.filter(username__in=usernames)


def _rescope_axes() -> None:
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, base in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        scoped = type(f"Scoped{base.__name__}", (ScopedByUsernameMixin, base), {})
        admin.site.register(model, scoped)


def _rescope_beat() -> None:
    """
    The Celery beat schedules run the whole installation's jobs (reminders, digests, sweeps):
    superusers only. A province administrator sees no section and gets a 403 on the pages.
    """
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    for model in (PeriodicTask, CrontabSchedule, IntervalSchedule, ClockedSchedule, SolarSchedule):
        if not admin.site.is_registered(model):
            continue
        base = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(
            model, type(f"SuperuserOnly{base.__name__}", (SuperuserOnlyMixin, base), {})
        )


_rescope_axes()
_rescope_beat()
