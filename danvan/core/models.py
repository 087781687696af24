"""Rows of the shared kernel that keep the service going while Redis is away."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RevokedToken(models.Model):
    """
    An access token revoked at logout, until it would have expired anyway. The database is
    the record; the cache only answers faster (danvan.org.authentication).
    """

    jti = models.CharField(_("token id"), max_length=64, primary_key=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("revoked access token")
        verbose_name_plural = _("revoked access tokens")

    def __str__(self) -> str:
        return self.jti


class QueuedJob(models.Model):
    """
    A job for the worker, written in the transaction that asked for it (danvan.core.jobs):
    published to the broker after commit, or later by the drain when the broker was away.
    """

    task = models.CharField(_("job name"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("queued job")
        verbose_name_plural = _("queued jobs")
        # The drain's "unsent, oldest first" (sent_at IS NULL) and the clean-up of old rows.
        indexes = [models.Index(fields=["sent_at", "created_at"], name="core_queuedjob_sent")]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class IdempotencyKey(models.Model):
    """
    A create's `Idempotency-Key` (or body `client_id`), per person and kind of record, with a
    fingerprint of the body it came with (danvan.core.idempotency): a retry with the same
    body gets the first record back; the same key with another body is refused (422).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("kind of record"), max_length=40)
    key = models.CharField(_("key"), max_length=64)
    fingerprint = models.CharField(_("body fingerprint"), max_length=64)
    record_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope", "key"], name="core_idempotencykey_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class SavedView(models.Model):
    """A person's named filters of a list ("Quá hạn ở xã tôi"), shown as quick links there."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    list_name = models.CharField(_("list"), max_length=30)
    name = models.CharField(_("name"), max_length=80)
    # Only the list's known filter parameters (danvan.core.saved_views.LIST_PARAMS).
    querystring = models.CharField(_("filters"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "list_name", "name"], name="core_savedview_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
