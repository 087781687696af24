"""Admin building blocks shared by the apps."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """
    A log or a record the system writes itself (audit events, identity views, exports,
    calendar changes): administrators read and filter it, nobody adds, edits or deletes a row.
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperuserOnlyMixin:
    """
    Machinery of the whole installation (the Celery schedules): superusers only. Everyone
    else gets no section on the index and a 403 on its pages.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)  # type: ignore[misc]


# --- The admin's index, in the order of daily use -------------------------------------------------
# What a province administrator opens every day first; the machinery (sign-in records, second
# factors, Celery schedules, permission groups) last. An app not listed sits in between.
APP_ORDER = [
    "petitions",
    "tasks",
    "movement",
    "citizen",
    "reports",
    "org",
    "notify",
    "calendar",
    "audit",
]
LAST_APPS = [
    "token_blacklist",
    "axes",
    "otp_totp",
    "otp_static",
    "django_celery_beat",
    "auth",
]
MODEL_ORDER = {
    "petitions": [
        "petition",
        "receptionsession",
        "notice",
        "petitionfield",
        "deadlinepolicy",
        "noticepolicy",
        "identitygrant",
        "identityaccesslog",
    ],
    "tasks": ["task", "directive", "meeting", "progressreport"],
    "movement": ["movementmodel", "dialogue", "indicatorreport", "indicator"],
    "citizen": ["citizenmessage", "open311request", "open311service", "open311app"],
    "reports": ["reportdocument", "exportrecord"],
    "org": ["user", "unit"],
    "notify": [
        "notification",
        "reminder",
        "digest",
        "delivery",
        "outboxmessage",
        "reminderstage",
        "notificationpreference",
    ],
    "calendar": ["calendarexception", "calendarevent"],
    "django_celery_beat": [
        "periodictask",
        "crontabschedule",
        "intervalschedule",
        "clockedschedule",
        "solarschedule",
    ],
}
# Third-party apps and models that ship no Vietnamese name: named here (the apps' own
# verbose_name is set from this too, in CoreConfig.ready, for their pages' breadcrumbs).
APP_NAMES = {
    "axes": _("Sign-in attempts and lockouts"),
    "otp_totp": _("Second factor: authenticator apps"),
    "otp_static": _("Second factor: backup codes"),
    "token_blacklist": _("Revoked access tokens"),
    "django_celery_beat": _("Scheduled jobs (Celery)"),
}
MODEL_NAMES = {
    ("otp_totp", "totpdevice"): _("Authenticator apps (TOTP)"),
    ("otp_static", "staticdevice"): _("Backup code sets"),
}


def _rank(order: list[str], key: str) -> tuple[int, str]:
    return (order.index(key), "") if key in order else (len(order), key)


def app_rank(app_label: str) -> tuple[int, int, str]:
    if app_label in APP_ORDER:
        return (0, APP_ORDER.index(app_label), "")
    if app_label in LAST_APPS:
        return (2, LAST_APPS.index(app_label), "")
    return (1, 0, app_label)


def order_app_list(app_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apps and their models in the order of daily use, third-party names in Vietnamese."""
    for app in app_list:
        label = app["app_label"]
        if label in APP_NAMES:
            app["name"] = str(APP_NAMES[label])
        for model in app["models"]:
            name = MODEL_NAMES.get((label, model["object_name"].lower()))
            if name is not None:
                model["name"] = str(name)
        order = MODEL_ORDER.get(label, [])
        app["models"].sort(key=lambda model: _rank(order, model["object_name"].lower()))
    return sorted(app_list, key=lambda app: app_rank(app["app_label"]))


class OrderedAdminSite(admin.AdminSite):
    """The admin site with its index in the order of daily use (`order_app_list`)."""

    def get_app_list(
        self, request: HttpRequest, app_label: str | None = None
    ) -> list[dict[str, Any]]:
        app_dict = self._build_app_dict(request, app_label)
        return order_app_list(list(app_dict.values()))


def name_third_party_apps() -> None:
    """Give the third-party apps their Vietnamese names (page titles and breadcrumbs)."""
    from django.apps import apps

    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:  # not installed in this configuration
            continue
