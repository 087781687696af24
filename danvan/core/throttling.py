"""
A per-user limit on writes through the API (scope "create"), and on the pages' writes.

Every POST of the API — creating petitions, reception sessions, directives, meetings, tasks,
progress reports, attachments, and the other actions — counts against one allowance per user,
CREATE_THROTTLE_RATE (default 120/min). Reads are not limited here; the token endpoints have
their own scope ("login") and django-axes locks repeated failed logins.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from danvan.core.cache import cache_degraded, warn_degraded

log = logging.getLogger(__name__)


class FailOpenWhenCacheDown:
    """
    Throttle counters live in the cache. While Redis is away they read as empty, so the limit
    lets requests through (fail open: a limit on volume, not a security boundary — sign-in is
    still guarded by django-axes, whose lockouts are in the database); say so in the log.
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        allowed: bool = super().allow_request(request, view)  # type: ignore[misc]
        if cache_degraded():
            warn_degraded(
                log,
                "throttles",
                "Redis is unavailable: rate limits are not enforced until it is back",
            )
        return allowed


class LoginRateThrottle(FailOpenWhenCacheDown, ScopedRateThrottle):
    """The token endpoints' allowance (scope "login")."""


class SignInPageThrottle(FailOpenWhenCacheDown, SimpleRateThrottle):
    """
    The sign-in and password-reset pages' allowance: LOGIN_THROTTLE_RATE POSTs per client
    address (the address django-axes uses), like the token endpoints'. Axes locks an account
    after failed passwords; this bounds the volume (guessing across names, reset mails).
    """

    scope = "web_login"

    def get_rate(self) -> str:
        return str(settings.LOGIN_THROTTLE_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        from danvan.org.authentication import client_ip_address

        ident = client_ip_address(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def too_many_requests(request: HttpRequest, throttle: Any) -> HttpResponse:
    """The 429 page in the person's language, with Retry-After."""
    wait = max(int(throttle.wait() or 1), 1)
    message = ngettext(
        "Too many requests. Try again in %(seconds)d second.",
        "Too many requests. Try again in %(seconds)d seconds.",
        wait,
    ) % {"seconds": wait}
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait)
    return response


class CreateRateThrottle(FailOpenWhenCacheDown, UserRateThrottle):
    scope = "create"

    def get_rate(self) -> str | None:
        # Read on every request (not at import), so the setting can change in tests.
        return str(settings.CREATE_THROTTLE_RATE)

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST":
            return True
        return bool(super().allow_request(request, view))


class WebWriteThrottleMiddleware:
    """
    The same per-user allowance for the pages' writes (the intake form, workflow steps,
    reports, the admin): a signed-in person's POST outside the API counts against the "create"
    scope like an API POST, and past it gets a 429 page in their language with Retry-After.
    The API is left to DRF's CreateRateThrottle, sign-in to django-axes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and not request.path.startswith("/api/")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            throttle = CreateRateThrottle()
            if not throttle.allow_request(request, None):  # type: ignore[arg-type]
                return too_many_requests(request, throttle)
        return self.get_response(request)
