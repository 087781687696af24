"""Site-wide pages: home, and errors that speak the client's language and format."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from danvan.org import selectors


def home(request: HttpRequest) -> HttpResponse:
    memberships = []
    if request.user.is_authenticated:
        memberships = list(selectors.me_memberships(request.user))
    return render(request, "home.html", {"memberships": memberships})


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"code": "not_found", "message": _("Not found."), "fields": {}}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("Server error. The team has been notified."),
                "fields": {},
            },
            status=500,
        )
    return render(request, "500.html", status=500)
