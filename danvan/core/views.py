"""Site-wide pages: home, and errors that speak the client's language and format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
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


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """
    What Django itself refuses before any view runs: a body over the size limit, too many
    fields, a Host header not in ALLOWED_HOSTS. Standalone page (no base template, which
    would read the refused Host again).
    """
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        code, message = "request_too_large", _("The request is too large.")
    else:
        code, message = "bad_request", _("Bad request.")
    if _wants_json(request):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {
                "code": "permission_denied",
                "message": _("You do not have permission to do this."),
                "fields": {},
            },
            status=403,
        )
    return render(request, "403.html", status=403)


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
