"""
A per-user limit on writes through the API (scope "create").

Every POST of the API — creating petitions, reception sessions, directives, meetings, tasks,
progress reports, attachments, and the other actions — counts against one allowance per user,
CREATE_THROTTLE_RATE (default 120/min). Reads are not limited here; the token endpoints have
their own scope ("login") and django-axes locks repeated failed logins.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import UserRateThrottle


class CreateRateThrottle(UserRateThrottle):
    scope = "create"

    def get_rate(self) -> str | None:
        # Read on every request (not at import), so the setting can change in tests.
        return str(settings.CREATE_THROTTLE_RATE)

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)
