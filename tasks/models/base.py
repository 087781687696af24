"""
What every record a phone syncs has: a client id for retried creates, a version for If-Match,
who made it and when it last changed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """Rows the mobile client syncs: a client id for retries, a version for If-Match."""

    client_id = models.CharField(
        _("client id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Chosen by the client so that a retried create does not make a duplicate."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True
