"""Denouncers' identities: who may see them (grants) and every time someone did (the access log)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.models.petition import Petition


class IdentityAccessLog(models.Model):
    """Every time someone was shown a denouncer's identity."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"))
    channel = models.CharField(_("where"), max_length=20)

    class Meta:
        verbose_name = _("identity access log entry")
        verbose_name_plural = _("identity access log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.petition_id} {self.at:%d/%m/%Y %H:%M}"


class IdentityGrant(models.Model):
    """
    The right to see denouncers' identities in a unit and every unit below it, given to one
    person by someone allowed to (services.identity_grant_create), for a reason, until a date.
    Nobody holds it otherwise: not a role, not a superuser. Never edited; revoked instead.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted to"),
        on_delete=models.PROTECT,
        related_name="identity_grants",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit (and the units below it)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    valid_until = models.DateField(_("valid until (inclusive)"))
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("identity grant")
        verbose_name_plural = _("identity grants")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "valid_until"], name="petitions_grant_user")]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.valid_until:%d/%m/%Y})"
