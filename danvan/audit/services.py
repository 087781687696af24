"""Writing audit events; the request (address, browser) comes from the current request."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from danvan.audit.models import AuditChannel, AuditEvent

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "danvan_audit_request", default=None
)


class RequestContextMiddleware:
    """Keeps the request at hand for events written deep in a service (identity, export)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def _channel(request: HttpRequest | None) -> str:
    if request is None:
        return AuditChannel.OTHER
    return AuditChannel.API if request.path.startswith("/api/") else AuditChannel.WEB


def record(
    kind: str,
    *,
    user: Any = None,
    username: str = "",
    request: HttpRequest | None = None,
    obj: Any = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    from danvan.org.authentication import client_ip_address

    request = getattr(request, "_request", request)  # DRF's Request wraps Django's
    if request is None:
        request = _current_request.get()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    address = client_ip_address(request) if request is not None else None
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    return AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or getattr(user, "username", "") or "")[:150],
        channel=_channel(request),
        ip_address=address or None,
        user_agent=agent[:255],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )
