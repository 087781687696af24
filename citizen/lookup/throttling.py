"""The look-up's allowance per client address, shared by the page and the API."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from danvan.core.throttling import FailOpenWhenCacheDown
from danvan.org.authentication import client_ip_address

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CitizenLookupThrottle(FailOpenWhenCacheDown, SimpleRateThrottle):
    """
    CITIZEN_LOOKUP_RATE attempts (default 10 in 10 minutes) per client address, counted in the
    cache. Every POST counts, found or not, valid or not: it is the guessing that is limited.
    The address is the one django-axes uses (X-Forwarded-For only from trusted proxies).
    """

    scope = "citizen_lookup"

    def get_rate(self) -> str:
        # Read on every request (not at import), so the setting can change in tests.
        return str(settings.CITIZEN_LOOKUP_RATE)

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        """DRF's rates, plus a number of units: "10/10min" is 10 per 600 seconds."""
        if rate is None:
            return (None, None)
        number, period = rate.split("/")
        match = re.fullmatch(r"(\d*)([a-z]+)", period)
        if not match:
            raise ValueError(f"CITIZEN_LOOKUP_RATE: not a rate: {rate!r}")
        multiple = int(match.group(1) or 1)
        return (int(number), multiple * _UNITS[match.group(2)[0]])

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = client_ip_address(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Any, view: Any) -> bool:
        if request.method != "POST":
            return True
        return bool(super().allow_request(request, view))

    def retry_after(self) -> int:
        """Whole seconds until the next attempt is allowed (at least 1)."""
        return max(int(self.wait() or 1), 1)
