"""
The audit log: sign-ins (and failed attempts), sign-outs, identity views and exports.

One row per event, written by danvan.audit.signals and never changed; administrators read it
in the admin. The detailed logs stay where they are (petitions.IdentityAccessLog with its
reason, reports.ExportRecord with its filters); this log puts them beside the logins.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditKind(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOGOUT = "logout", _("Signed out")
    IDENTITY_VIEW = "identity_view", _("Viewed a denouncer's identity")
    NUMBERS_VIEW = "numbers_view", _("Viewed a petitioner's CCCD and phone")
    IDENTITY_GRANTED = "identity_granted", _("Granted the right to see denouncers")
    IDENTITY_GRANT_REVOKED = "identity_revoked", _("Revoked the right to see denouncers")
    EXPORT = "export", _("Exported data")


class AuditChannel(models.TextChoices):
    WEB = "web", _("Web pages and admin")
    API = "api", _("API (mobile app)")
    OTHER = "other", _("Other")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=AuditKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name typed at a failed sign-in (there may be no such user), or the user's name.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    channel = models.CharField(
        pgettext_lazy("audit", "channel"),
        max_length=10,
        choices=AuditChannel.choices,
        default=AuditChannel.OTHER,
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser or app"), max_length=255, blank=True)
    object_type = models.CharField(_("object type"), max_length=50, blank=True)
    object_id = models.CharField(_("object id"), max_length=50, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "-at"], name="audit_kind_at")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()} {self.username}"
