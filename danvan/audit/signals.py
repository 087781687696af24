"""Receivers: Django's sign-in signals, and the identity-view and export logs of the apps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from danvan.audit.models import AuditKind
from danvan.audit.services import record


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record(AuditKind.LOGIN, user=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    record(AuditKind.LOGOUT, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    username = str((credentials or {}).get("username") or "")
    record(AuditKind.LOGIN_FAILED, username=username, request=request)


@receiver(post_save, sender="petitions.IdentityAccessLog", dispatch_uid="audit_identity")
def _identity_viewed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        record(
            AuditKind.IDENTITY_VIEW
            if instance.petition.identity_protected
            else AuditKind.NUMBERS_VIEW,
            user=instance.user,
            obj=instance.petition,
            detail={"access_log": instance.pk, "channel": instance.channel},
        )


@receiver(post_save, sender="reports.ExportRecord", dispatch_uid="audit_export")
def _exported(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        record(
            AuditKind.EXPORT,
            user=instance.user,
            obj=instance,
            detail={"subject": instance.subject, "format": instance.file_format},
        )
