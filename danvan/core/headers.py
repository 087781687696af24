"""
Response headers every answer gets, whichever view made it (docs/operations.md, "Response
headers"); Content-Security-Policy itself comes from django-csp's middleware.

- `Permissions-Policy`: the browser features the application does not use, denied
  (settings.PERMISSIONS_POLICY).
- `Cache-Control: no-store, private` on every API answer and on every page for a signed-in
  person: they carry personal data (names, citizen IDs, petitions), which must not stay in a
  browser's or a proxy's cache. Static files and anonymous pages keep their caching. ETag and
  If-None-Match still work (a client that keeps its own copy gets its 304).
- `Retry-After` on every 429: the throttles and the lockout set their own; any other 429 gets
  a minute, so a client always knows when to try again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

RETRY_AFTER_FALLBACK = 60


def permissions_policy(features: dict[str, list[str]]) -> str:
    """{"camera": [], "geolocation": ["self"]} -> 'camera=(), geolocation=(self)'."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


def carries_personal_data(request: HttpRequest) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return False
    if request.path.startswith("/api/"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class ResponseHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        if carries_personal_data(request):
            patch_cache_control(response, no_store=True, private=True)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            response["Retry-After"] = str(RETRY_AFTER_FALLBACK)
        return response
