"""
Input no view should have to guard against, refused before any view runs with a 400 that
names the parameter: NUL characters in the path or the query string (PostgreSQL cannot
store or compare them, so a search or an export would otherwise fail with a 500), and in the
admin: the date drill-down (`…__year=99999999999`), whose overflow Django does not catch,
NUL characters in posted values and selected rows that are not row ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from danvan.core.language import chosen_language

_DATE_PART = re.compile(r"__(year|month|day)$")
_DATE_PART_LIMITS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def _bad_parameter(request: HttpRequest) -> tuple[str, str] | None:
    """(parameter, message) for the first hostile parameter of the request, or None."""
    if "\x00" in request.path:
        return "path", _("The address contains a NUL character.")
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", ""), _("This value contains a NUL character.")
        part = _DATE_PART.search(name)
        if part and request.path.startswith("/admin/"):
            low, high = _DATE_PART_LIMITS[part.group(1)]
            for value in values:
                if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                    return name, _("Enter a whole number between %(low)d and %(high)d.") % {
                        "low": low,
                        "high": high,
                    }
    if request.method == "POST" and request.path.startswith("/admin/"):
        # The admin reads some POST values itself (action forms, selected rows): a NUL or a
        # row id that is not a number would reach the database there. Every model in the
        # admin has an integer primary key.
        for name, values in request.POST.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", ""), _("This value contains a NUL character.")
            if name == "_selected_action" and not all(_is_row_id(v) for v in values):
                return name, _("Select rows from the list.")
    return None


def other_shape(request: HttpRequest, status: int, text: str) -> HttpResponse | None:
    """
    An API with an error shape of its own (settings.ERROR_SHAPES: path prefix -> import path
    of `answer(request, status, text)`, e.g. Open311's error list) answers in it.
    """
    for prefix, path in getattr(settings, "ERROR_SHAPES", {}).items():
        if request.path.startswith(prefix):
            return import_string(path)(request, status, text)
    return None


def _is_row_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**63


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bad = _bad_parameter(request)
        if bad is None:
            return self.get_response(request)
        name, message = bad
        text = f"{name}: {message}"
        other = other_shape(request, 400, text)
        if other is not None:
            return other
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "invalid", "message": text, "fields": {name: [message]}}, status=400
            )
        return render(request, "400.html", {"message": text}, status=400)


# Below gunicorn's own limits (deploy/gunicorn.conf.py), so that a client sees the API's error
# shape rather than gunicorn's page; documented in docs/operations.md ("Request limits").
MAX_REQUEST_TARGET = 6144  # bytes of path and query string
MAX_HEADER_FIELDS = 80
MAX_HEADER_FIELD_SIZE = 6144  # bytes of one header's name and value


def _header_problem(request: HttpRequest) -> str | None:
    headers = [(k, v) for k, v in request.META.items() if k.startswith("HTTP_")]
    if len(headers) > MAX_HEADER_FIELDS:
        return _("The request has too many headers (at most %(limit)d).") % {
            "limit": MAX_HEADER_FIELDS
        }
    for key, value in headers:
        if len(key) + len(str(value).encode("latin-1", "replace")) > MAX_HEADER_FIELD_SIZE:
            name = key.removeprefix("HTTP_").replace("_", "-").title()
            return _("The %(header)s header is too long (at most %(limit)d bytes).") % {
                "header": name,
                "limit": MAX_HEADER_FIELD_SIZE,
            }
    return None


class RequestLimitMiddleware:
    """
    An address over MAX_REQUEST_TARGET bytes answers 414, too many or too long headers 431,
    in the API's error shape (a page on the web), before anything reads them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        target = len(request.META.get("PATH_INFO", "").encode("utf-8", "replace")) + len(
            request.META.get("QUERY_STRING", "")
        )
        if target > MAX_REQUEST_TARGET:
            return _refuse(
                request,
                414,
                "uri_too_long",
                lambda: (
                    _("The address is too long (at most %(limit)d bytes).")
                    % {"limit": MAX_REQUEST_TARGET}
                ),
            )
        if _header_problem(request) is not None:
            return _refuse(
                request, 431, "headers_too_large", lambda: _header_problem(request) or ""
            )
        return self.get_response(request)


def _refuse(
    request: HttpRequest, status: int, code: str, message: Callable[[], str]
) -> HttpResponse:
    # Before the language middleware and authentication: the chosen language or Vietnamese.
    with translation.override(chosen_language(request)):
        text = message()
        other = other_shape(request, status, text)
        if other is not None:
            return other
        if request.path.startswith("/api/") or "application/json" in request.META.get(
            "HTTP_ACCEPT", ""
        ):
            return JsonResponse({"code": code, "message": text, "fields": {}}, status=status)
        return render(request, "400.html", {"message": text}, status=status)
